"""Metrics the suites add to classification.py and retrieval.py: nDCG, reliability bins,
latency percentiles, bootstrap confidence intervals and McNemar's test for paired runs."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.evaluation.classification import ECE_BINS

EXACT_BELOW = 25  # McNemar: exact binomial test under this many discordant pairs


def share(part: int, whole: int) -> float:
    """part / whole to 4 places; 1.0 when there is nothing to measure."""
    return round(part / whole, 4) if whole else 1.0


def ndcg_at(hit_topics: list[str], gold: list[str], k: int) -> float:
    """Binary-relevance nDCG@k over the distinct topics of the hits: a topic is relevant when
    it is gold; the ideal ranking puts min(|gold|, k) relevant topics first."""
    distinct = list(dict.fromkeys(hit_topics))[:k]
    dcg = sum(1 / math.log2(rank + 1) for rank, topic in enumerate(distinct, start=1)
              if topic in gold)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(set(gold)), k) + 1))
    return round(dcg / ideal, 4) if ideal else 0.0


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    accuracy: float
    confidence: float


def reliability_bins(correct: list[bool], confidence: list[float],
                     bins: int = ECE_BINS) -> list[Bin]:
    """The bins of expected_calibration_error (equal width, (low, high], 0 in the first)
    with their size, accuracy and mean confidence; empty bins included."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence) if low < c <= high or (b == 0 and c == 0)]
        n = len(members)
        acc = sum(correct[i] for i in members) / n if n else 0.0
        conf = sum(confidence[i] for i in members) / n if n else 0.0
        out.append(Bin(round(low, 4), round(high, 4), n, round(acc, 4), round(conf, 4)))
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    value = ordered[below] + (ordered[above] - ordered[below]) * (position - below)
    return round(value, 4)


def bootstrap_ci(statistic: Callable[[list[int]], float], n: int, resamples: int = 1000,
                 seed: int = 7, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over case indices resampled with
    replacement (paired: the same indices for both runs of a difference)."""
    return bootstrap_intervals(lambda index: {"value": statistic(index)}, n, resamples, seed,
                               level).get("value", (0.0, 0.0))


def bootstrap_intervals(statistics: Callable[[list[int]], dict[str, float | None]], n: int,
                        resamples: int = 1000, seed: int = 7,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """bootstrap_ci for several statistics computed together on each resample (a name
    missing or None in a resample is left out of that name's interval)."""
    if n == 0:
        return {}
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(resamples):
        for name, value in statistics([rng.randrange(n) for _ in range(n)]).items():
            if value is not None:
                samples.setdefault(name, []).append(value)
    tail = (1 - level) / 2 * 100
    return {name: (percentile(values, tail), percentile(values, 100 - tail))
            for name, values in samples.items()}


@dataclass(frozen=True)
class McNemar:
    only_a: int  # cases run A got right and run B wrong
    only_b: int  # cases run B got right and run A wrong
    method: str  # "exact" (binomial) or "chi2" (with continuity correction)
    statistic: float | None
    p_value: float


def mcnemar(a_correct: list[bool], b_correct: list[bool]) -> McNemar:
    """McNemar's test on paired right/wrong outcomes: exact two-sided binomial test when
    there are fewer than 25 discordant pairs, else chi-square with continuity correction."""
    only_a = sum(a and not b for a, b in zip(a_correct, b_correct, strict=True))
    only_b = sum(b and not a for a, b in zip(a_correct, b_correct, strict=True))
    discordant = only_a + only_b
    if discordant < EXACT_BELOW:
        tail = sum(math.comb(discordant, i) for i in range(min(only_a, only_b) + 1))
        return McNemar(only_a, only_b, "exact", None,
                       round(min(1.0, 2 * tail / 2 ** discordant), 6))
    chi2 = (abs(only_a - only_b) - 1) ** 2 / discordant
    return McNemar(only_a, only_b, "chi2", round(chi2, 4),
                   round(math.erfc(math.sqrt(chi2 / 2)), 6))
