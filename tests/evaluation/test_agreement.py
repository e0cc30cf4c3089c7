"""Agreement metrics against values computed by hand."""

from __future__ import annotations

import pytest

from app.evaluation.agreement import agreement, average_ranks, quadratic_kappa, spearman


def test_exact_within_one_kappa_and_rho_by_hand():
    human = [5, 4, 1, 2, 5]
    judge = [5, 3, 2, 2, 4]
    found = agreement(human, judge)
    # exact: cases 1 and 4 -> 2/5; within one: all five differences are 0 or 1 -> 5/5
    assert (found.n, found.exact, found.within_1) == (5, 0.4, 1.0)
    # observed squared disagreement: (0 + 1 + 1 + 0 + 1) / 5 = 0.6
    # expected from the marginals (human 1,2,4,5,5; judge 2,2,3,4,5):
    # sum over the 25 pairs of (h - j)^2: h=5 gives 0+4+9+9+1 = 23 (twice), h=4 gives 10,
    # h=1 gives 31, h=2 gives 14 -> 101 / 25 = 4.04; kappa = 1 - 0.6 / 4.04 = 0.851485...
    assert found.kappa == 0.8515
    # ranks human 4.5, 3, 1, 2, 4.5; judge 5, 3, 1.5, 1.5, 4 -> deviations from 3:
    # (1.5, 0, -2, -1, 1.5) and (2, 0, -1.5, -1.5, 1): sxy 9, sxx 9.5, syy 9.5 -> 0.947368
    assert found.spearman == 0.9474


def test_perfect_and_reversed_raters():
    assert quadratic_kappa([1, 3, 5], [1, 3, 5]) == 1.0
    # reversed: observed (16 + 0 + 16) / 3 = 32/3; expected over the 9 pairs
    # (1,5)(1,3)(1,1)(3,5)(3,3)(3,1)(5,5)(5,3)(5,1): 16+4+0+4+0+4+0+4+16 = 48 -> 48/9 = 16/3;
    # kappa = 1 - (32/3) / (16/3) = -1
    assert quadratic_kappa([1, 3, 5], [5, 3, 1]) == -1.0
    assert spearman([1, 3, 5], [5, 3, 1]) == -1.0


def test_undefined_values_are_none():
    # one rater gives every case the same score: no expected disagreement for rho
    same = agreement([4, 4, 4], [3, 4, 5])
    assert (same.exact, same.within_1, same.spearman) == (0.3333, 1.0, None)
    # expected disagreement: human all 4 vs judge 3,4,5 -> (1 + 0 + 1) * 3 / 9 = 2/3,
    # observed 2/3 -> kappa 0
    assert same.kappa == 0.0
    assert quadratic_kappa([5, 5], [5, 5]) is None  # both constant and equal: undefined
    assert agreement([], []).kappa is None and agreement([], []).n == 0
    assert quadratic_kappa([3], [3]) is None


def test_average_ranks_share_ties():
    assert average_ranks([3, 1, 3, 2]) == [3.5, 1.0, 3.5, 2.0]


def test_lengths_must_match():
    with pytest.raises(ValueError, match="3 human scores but 2 judge scores"):
        agreement([1, 2, 3], [1, 2])
