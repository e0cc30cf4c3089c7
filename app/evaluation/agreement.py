"""Agreement of two raters on an ordinal 1-5 scale (the LLM judge against our human labels):
exact and within-one agreement, quadratic-weighted Cohen's kappa and Spearman's rho.

Kappa counts a disagreement of d points with weight d^2 (so 1 vs 5 costs 16 times 1 vs 2) and
compares it with the disagreement expected from the two raters' marginals alone:
kappa = 1 - sum(w * observed) / sum(w * expected). Spearman's rho is Pearson's r on the ranks,
ties sharing their average rank. Both are None where they are undefined (one rater gave a
single score to every case, or fewer than two cases).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from math import sqrt

SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Agreement:
    n: int
    exact: float | None
    within_1: float | None
    kappa: float | None
    spearman: float | None


def agreement(human: list[int], judge: list[int]) -> Agreement:
    if len(human) != len(judge):
        raise ValueError(f"{len(human)} human scores but {len(judge)} judge scores")
    n = len(human)
    if not n:
        return Agreement(0, None, None, None, None)
    pairs = list(zip(human, judge, strict=True))
    return Agreement(n, _round(sum(a == b for a, b in pairs) / n),
                     _round(sum(abs(a - b) <= 1 for a, b in pairs) / n),
                     _round(quadratic_kappa(human, judge)), _round(spearman(human, judge)))


def quadratic_kappa(a: list[int], b: list[int], scale: tuple[int, ...] = SCALE
                    ) -> float | None:
    n = len(a)
    if n < 2:
        return None
    observed = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[x] * cb[y] * (x - y) ** 2 for x in scale for y in scale) / (n * n)
    if expected == 0:
        return None
    return 1 - observed / expected


def average_ranks(values: list[float]) -> list[float]:
    """1-based ranks; tied values share the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float | None:
    if len(a) < 2:
        return None
    return pearson(average_ranks(a), average_ranks(b))


def pearson(x: list[float], y: list[float]) -> float | None:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((u - mx) * (v - my) for u, v in zip(x, y, strict=True))
    sxx = sum((u - mx) ** 2 for u in x)
    syy = sum((v - my) ** 2 for v in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / sqrt(sxx * syy)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
