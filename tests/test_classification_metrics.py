"""Classification metrics against hand-computed values."""

from __future__ import annotations

from app.evaluation.classification import (
    accuracy,
    expected_calibration_error,
    macro_f1,
    per_class,
    selective,
)

GOLD = ["a", "a", "a", "b", "b", "c"]
PRED = ["a", "a", "b", "b", "c", "c"]


def test_accuracy_and_per_class():
    assert accuracy(GOLD, PRED) == round(4 / 6, 4)
    scores = per_class(GOLD, PRED)
    assert (scores["a"].precision, scores["a"].recall, scores["a"].support) == (1.0, 0.6667, 3)
    assert (scores["b"].precision, scores["b"].recall) == (0.5, 0.5)
    assert (scores["c"].precision, scores["c"].recall, scores["c"].f1) == (0.5, 1.0, 0.6667)
    assert macro_f1(GOLD, PRED) == round((0.8 + 0.5 + 0.6667) / 3, 4)


def test_expected_calibration_error():
    # bin (0.8, 0.8667]: two cases at 0.85, one right -> |0.5 - 0.85| * 2/4
    # bin (0.9333, 1.0]: two cases at 0.95, both right -> |1.0 - 0.95| * 2/4
    correct = [True, False, True, True]
    confidence = [0.85, 0.85, 0.95, 0.95]
    assert expected_calibration_error(correct, confidence) == round(0.35 / 2 + 0.05 / 2, 4)


def test_selective_accuracy():
    correct = [True, False, True, False]
    confidence = [0.9, 0.8, 0.5, 0.2]
    assert selective(correct, confidence, 0.5) == (0.75, 0.6667)
    assert selective(correct, confidence, 0.95) == (0.0, 0.0)
