"""The suite metrics against hand-computed values (the arithmetic is in the comments)."""

from __future__ import annotations

import math

from app.evaluation.metrics import (
    bootstrap_ci,
    bootstrap_intervals,
    mcnemar,
    ndcg_at,
    percentile,
    reliability_bins,
)


def test_ndcg_binary_relevance_over_distinct_topics():
    # one gold topic at rank 2: DCG = 1/log2(3); ideal = 1/log2(2) = 1
    assert ndcg_at(["a", "b", "c"], ["b"], 5) == round(1 / math.log2(3), 4)  # 0.6309
    # duplicates collapse: a, a, b -> a, b; gold b at rank 2 again
    assert ndcg_at(["a", "a", "b"], ["b"], 5) == 0.6309
    # two gold topics at ranks 1 and 3: (1 + 1/log2(4)) / (1 + 1/log2(3)) = 1.5 / 1.6309
    assert ndcg_at(["x", "q", "y"], ["x", "y"], 5) == round(1.5 / (1 + 1 / math.log2(3)), 4)
    assert ndcg_at(["a", "b"], ["z"], 5) == 0.0
    assert ndcg_at(["a", "b", "z"], ["z"], 2) == 0.0  # beyond k


def test_reliability_bins_match_the_ece_bins():
    # 4 bins of width 0.25; 0.1 and 0.2 fall in (0, 0.25]; 0.9 in (0.75, 1]
    bins = reliability_bins([True, False, True], [0.1, 0.2, 0.9], bins=4)
    assert [(b.low, b.high, b.n) for b in bins] == [(0.0, 0.25, 2), (0.25, 0.5, 0),
                                                     (0.5, 0.75, 0), (0.75, 1.0, 1)]
    assert (bins[0].accuracy, bins[0].confidence) == (0.5, 0.15)  # (0.1 + 0.2) / 2
    assert (bins[3].accuracy, bins[3].confidence) == (1.0, 0.9)


def test_percentile_interpolates_between_ranks():
    # sorted 1, 2, 3, 4: p50 at position 1.5 -> 2.5; p90 at 2.7 -> 3.7
    assert percentile([4, 1, 3, 2], 50) == 2.5
    assert percentile([4, 1, 3, 2], 90) == 3.7
    assert percentile([], 50) == 0.0


def test_mcnemar_exact_on_a_small_table():
    # A right only 1, B right only 5: n = 6, two-sided p = 2 * (C(6,0) + C(6,1)) / 2^6
    a = [True] * 3 + [True] + [False] * 5 + [False]
    b = [True] * 3 + [False] + [True] * 5 + [False]
    result = mcnemar(a, b)
    assert (result.only_a, result.only_b, result.method) == (1, 5, "exact")
    assert result.p_value == round(2 * 7 / 64, 6)  # 0.21875


def test_mcnemar_chi_square_with_continuity_correction():
    # only A 10, only B 30: chi2 = (|10 - 30| - 1)^2 / 40 = 361 / 40 = 9.025;
    # p = P(chi2_1 > 9.025) = erfc(sqrt(9.025 / 2)) = 0.002663
    a = [True] * 10 + [False] * 30
    b = [False] * 10 + [True] * 30
    result = mcnemar(a, b)
    assert (result.method, result.statistic) == ("chi2", 9.025)
    assert result.p_value == 0.002663


def test_mcnemar_without_discordant_pairs():
    assert mcnemar([True, False], [True, False]).p_value == 1.0


def test_bootstrap_is_deterministic_with_a_seed():
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0]

    def mean(index):
        return sum(values[i] for i in index) / len(index)

    first = bootstrap_ci(mean, len(values), resamples=200, seed=3)
    assert first == bootstrap_ci(mean, len(values), resamples=200, seed=3)
    assert first[0] <= 0.75 <= first[1]  # the sample mean 6/8 lies inside
    constant = bootstrap_intervals(lambda index: {"x": 0.5, "gone": None}, 5, resamples=50)
    assert constant == {"x": (0.5, 0.5)}
    assert bootstrap_ci(mean, 0) == (0.0, 0.0)
