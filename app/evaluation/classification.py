"""Classification metrics: accuracy, macro-F1, per-class precision/recall/F1, expected
calibration error, and coverage against selective accuracy at a confidence threshold."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

ECE_BINS = 15


@dataclass(frozen=True)
class ClassScores:
    precision: float
    recall: float
    f1: float
    support: int


def accuracy(gold: list[str], predicted: list[str]) -> float:
    return round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)


def per_class(gold: list[str], predicted: list[str]) -> dict[str, ClassScores]:
    pairs = list(zip(gold, predicted, strict=True))
    out = {}
    for label in sorted(set(gold) | set(predicted)):
        tp = sum(1 for g, p in pairs if g == p == label)
        predicted_n, support = predicted.count(label), gold.count(label)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = ClassScores(round(precision, 4), round(recall, 4), round(f1, 4), support)
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = [s.f1 for label, s in per_class(gold, predicted).items() if s.support]
    return round(sum(scores) / len(scores), 4)


def expected_calibration_error(correct: list[bool], confidence: list[float],
                               bins: int = ECE_BINS) -> float:
    """Sum over equal-width confidence bins of |accuracy - mean confidence| x bin share."""
    n, total = len(correct), 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidence)
                   if low < c <= high or (b == 0 and c == 0)]
        if members:
            acc = sum(correct[i] for i in members) / len(members)
            conf = sum(confidence[i] for i in members) / len(members)
            total += abs(acc - conf) * len(members) / n
    return round(total, 4)


def selective(correct: list[bool], confidence: list[float],
              threshold: float) -> tuple[float, float]:
    """(coverage, accuracy on the covered) when answering only at confidence >= threshold."""
    kept = [ok for ok, c in zip(correct, confidence, strict=True) if c >= threshold]
    coverage = len(kept) / len(correct)
    return round(coverage, 4), round(sum(kept) / len(kept), 4) if kept else 0.0


def confusion(gold: list[str], predicted: list[str]) -> Counter:
    return Counter(zip(gold, predicted, strict=True))
