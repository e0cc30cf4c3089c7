"""Retrieval metrics over labelled questions: recall@k and MRR, overall and per slice.

A case counts as found at rank r when the r-th distinct topic in its hits is one of its gold
topics; recall@k is the share of cases found at rank <= k, MRR the mean of 1/r (0 if never).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Scored:
    language: str
    rank: int | None  # first rank (1-based) of a gold topic, None when absent


@dataclass(frozen=True)
class Summary:
    n: int
    recall_at_1: float
    recall_at_5: float
    mrr: float


def first_gold_rank(hit_topics: list[str], gold: list[str]) -> int | None:
    distinct = list(dict.fromkeys(hit_topics))
    return next((i for i, topic in enumerate(distinct, start=1) if topic in gold), None)


def summarize(cases: list[Scored]) -> Summary:
    n = len(cases)
    if n == 0:
        return Summary(0, 0.0, 0.0, 0.0)
    at = lambda k: sum(1 for c in cases if c.rank is not None and c.rank <= k) / n  # noqa: E731
    mrr = sum(1 / c.rank for c in cases if c.rank is not None) / n
    return Summary(n, round(at(1), 4), round(at(5), 4), round(mrr, 4))


def by_language(cases: list[Scored]) -> dict[str, Summary]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for case in cases:
        groups[case.language].append(case)
    return {language: summarize(group) for language, group in sorted(groups.items())}
