"""Triage measured on public labelled sets (../shared/data): train on dev, score on test.

Nothing here is tuned on a test split: abstention thresholds are chosen on a slice of dev.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.evaluation.classification import (
    accuracy,
    expected_calibration_error,
    macro_f1,
    per_class,
    selective,
)
from app.providers.embeddings import Embedder
from app.providers.language import LanguageDetector
from app.triage import classifier

HELD_OUT_SHARE = 0.2


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


@dataclass(frozen=True)
class Embedded:
    """Labelled rows and their embeddings, computed once and sliced as needed."""

    rows: list[dict]
    vectors: np.ndarray

    @classmethod
    def of(cls, embedder: Embedder, rows: list[dict]) -> Embedded:
        return cls(rows, embedder.embed([r["text"] for r in rows], kind="query"))

    def where(self, keep) -> Embedded:
        index = [i for i, row in enumerate(self.rows) if keep(i, row)]
        return Embedded([self.rows[i] for i in index], self.vectors[index])

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.rows]


def intent_benchmark(embedder: Embedder, dev: list[dict], test: list[dict], label: str,
                     oos: str | None = None) -> dict:
    """Train on dev (in-scope rows), score test; with ``oos``, abstain below a threshold
    picked on held-out dev to catch out-of-scope rows."""
    dev_set = Embedded.of(embedder, [r for r in dev if r.get(label)])
    model = _fit(dev_set.where(lambda _, r: r[label] != oos), label)
    top, conf = _predict(model, Embedded.of(embedder, test))
    gold = [r[label] for r in test]
    in_scope = [i for i, g in enumerate(gold) if g != oos]
    result = _scores([gold[i] for i in in_scope], [top[i] for i in in_scope],
                     [conf[i] for i in in_scope])
    if oos:
        result["oos"] = _oos(choose_threshold(dev_set, label, oos), oos, gold, conf, in_scope,
                             top)
    return result


def _fit(data: Embedded, label: str):
    return classifier.train(data.texts, data.vectors, [r[label] for r in data.rows],
                            {"version": "benchmark"})


def _predict(model, data: Embedded) -> tuple[list[str], list[float]]:
    probs = model.probabilities(data.texts, data.vectors)
    best = probs.argmax(axis=1)
    return [model.labels[i] for i in best], [float(probs[n, i]) for n, i in enumerate(best)]


def _scores(gold: list[str], predicted: list[str], confidence: list[float]) -> dict:
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    return {"n": len(gold), "accuracy": accuracy(gold, predicted),
            "macro_f1": macro_f1(gold, predicted),
            "ece": expected_calibration_error(correct, confidence),
            "coverage_curve": {t: selective(correct, confidence, t)
                               for t in (0.3, 0.5, 0.7, 0.9)},
            "per_class": {k: v.__dict__ for k, v in per_class(gold, predicted).items()}}


def _oos(threshold: float, oos: str, gold: list[str], conf: list[float],
         in_scope: list[int], top: list[str]) -> dict:
    oos_rows = [i for i, g in enumerate(gold) if g == oos]
    recall = sum(conf[i] < threshold for i in oos_rows) / len(oos_rows)
    kept = [i for i in in_scope if conf[i] >= threshold]
    return {"threshold": threshold, "oos_recall": round(recall, 4), "n_oos": len(oos_rows),
            "in_scope_accuracy_with_abstention": round(
                sum(top[i] == gold[i] for i in kept) / len(in_scope), 4)}


def choose_threshold(dev: Embedded, label: str, oos: str) -> float:
    """Split dev; train on one part; pick the threshold that best balances in-scope accuracy
    and out-of-scope recall on the other part."""
    rng = np.random.default_rng(7)
    held = set(rng.choice(len(dev.rows), int(len(dev.rows) * HELD_OUT_SHARE),
                          replace=False).tolist())
    model = _fit(dev.where(lambda i, r: i not in held and r[label] != oos), label)
    check = dev.where(lambda i, _: i in held)
    top, conf = _predict(model, check)
    return max(np.arange(0.05, 0.95, 0.05).round(2).tolist(),
               key=lambda t: _balanced(check.rows, label, oos, top, conf, t))


def _balanced(rows, label, oos, top, conf, threshold) -> float:
    ins = [i for i, r in enumerate(rows) if r[label] != oos]
    outs = [i for i, r in enumerate(rows) if r[label] == oos]
    acc = sum(conf[i] >= threshold and top[i] == rows[i][label] for i in ins) / len(ins)
    return (acc + sum(conf[i] < threshold for i in outs) / len(outs)) / 2


def language_accuracy(detector: LanguageDetector, rows: list[dict]) -> dict:
    predicted = [detector.detect(r["text"]).code for r in rows]
    gold = [r["language"] for r in rows]
    wrong = [(r["id"], g, p) for r, g, p in zip(rows, gold, predicted, strict=True) if g != p]
    return {"n": len(rows), "accuracy": accuracy(gold, predicted), "errors": wrong[:10]}


def shipped_benchmark(kit, rows: list[dict], label: str, field: str = "intent",
                      mapping: dict[str, str] | None = None) -> dict:
    """The shipped triage against rows labelled on our scale (``mapping`` translates a
    dataset's labels, e.g. priority medium -> urgency normal)."""
    from app.triage.pipeline import triage_many
    from app.triage.schemas import TriageInput

    outs = triage_many([TriageInput(text=r["text"]) for r in rows], kit)
    gold = [(mapping or {}).get(r[label], r[label]) for r in rows]
    predicted = [getattr(o, field) for o in outs]
    confidence = [getattr(o, f"{field}_confidence", 1.0) for o in outs]
    result = _scores(gold, predicted, confidence)
    if field == "intent":
        correct = [p == g for p, g in zip(predicted, gold, strict=True)]
        result["threshold"] = kit.min_intent_confidence
        result["at_threshold"] = selective(correct, confidence, kit.min_intent_confidence)
    return result
