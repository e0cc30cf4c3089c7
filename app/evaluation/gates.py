"""Gates: ``field.metric OP number`` (OP one of >=, <=, ==, >, <) checked against a run's
metrics, e.g. ``intent.macro_f1 >= 0.9``, ``urgency.urgent_recall == 1.0``,
``drafting.forbidden == 0``, ``dialogues.leaks == 0``. Metric names are checked against the
catalogue of the stages a suite runs, so a typo fails when the suite loads, not after the
run."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

OPS = {">=": operator.ge, "<=": operator.le, "==": operator.eq, ">": operator.gt,
       "<": operator.lt}
_GATE = re.compile(r"^\s*(?P<metric>[A-Za-z_][\w.\-]*)\s*(?P<op>>=|<=|==|>|<)\s*"
                   r"(?P<value>[-+]?\d+(?:\.\d+)?)\s*$")

_CLASSIFICATION = ("n", "accuracy", "macro_f1")
_PER_CLASS = ("precision", "recall", "f1")  # <field>.<score>.<class>
CATALOGUE: dict[str, tuple[str, ...]] = {
    "triage": tuple(
        [f"intent.{m}" for m in (*_CLASSIFICATION, "ece", "coverage", "selective_accuracy",
                                 "needs_human")]
        + [f"sentiment.{m}" for m in _CLASSIFICATION]
        + [f"urgency.{m}" for m in (*_CLASSIFICATION, "urgent_recall")]
        + ["language.n", "language.accuracy"]),
    "retrieval": tuple(f"retrieval.{m}" for m in
                       ("n", "recall_at_1", "recall_at_5", "mrr", "ndcg_at_5")),
    "drafting": tuple(f"drafting.{m}" for m in
                      ("n", "forbidden", "language_match", "citation_hit", "length_respected",
                       "injection_safe", "needs_human", "clean")),
    "judge": tuple(
        ["judge.n", "judge.errors", "judge.tone.mean", "judge.faithfulness.mean",
         "judge.agreement.n"]
        + [f"judge.agreement.{d}.{m}" for d in ("tone", "faithfulness")
           for m in ("exact", "within_1", "kappa", "spearman")]),
    "dialogues": tuple(f"dialogues.{m}" for m in
                       ("n", "right_status", "leaks", "handoff_as_expected",
                        "locked_as_expected")),
}
LATENCY = ("p50_ms", "p90_ms", "p99_ms")


class GateError(ValueError):
    """A gate that cannot be parsed or names a metric the suite does not produce."""


@dataclass(frozen=True)
class Gate:
    metric: str
    op: str
    value: float

    @property
    def text(self) -> str:
        return f"{self.metric} {self.op} {self.value:g}"


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    actual: float | None  # None: the run did not measure it (e.g. no urgent case)
    passed: bool

    def as_dict(self) -> dict:
        return {"gate": self.gate.text, "metric": self.gate.metric, "op": self.gate.op,
                "value": self.gate.value, "actual": self.actual, "passed": self.passed}


def known_metrics(stages: list[str]) -> list[str]:
    names = [m for stage in stages for m in CATALOGUE.get(stage, ())]
    return names + [f"latency.{stage}.{p}" for stage in stages for p in LATENCY]


def is_known(metric: str, stages: list[str]) -> bool:
    if metric in known_metrics(stages):
        return True
    parts = metric.split(".")
    fields = {"intent", "sentiment", "urgency"} if "triage" in stages else set()
    return len(parts) == 3 and parts[0] in fields and parts[1] in _PER_CLASS


def parse_gate(text: str, stages: list[str]) -> Gate:
    match = _GATE.match(str(text))
    if not match:
        raise GateError(f"{text!r} is not 'field.metric OP number' (OP: {', '.join(OPS)})")
    metric = match["metric"]
    if not is_known(metric, stages):
        raise GateError(f"unknown metric {metric!r} for stages {', '.join(stages)}; known: "
                        f"{', '.join(known_metrics(stages))}, or <field>.f1|precision|recall."
                        "<class>")
    return Gate(metric, match["op"], float(match["value"]))


def check(gates: list[Gate], metrics: dict[str, float | None]) -> list[GateResult]:
    out = []
    for gate in gates:
        actual = metrics.get(gate.metric)
        passed = actual is not None and OPS[gate.op](actual, gate.value)
        out.append(GateResult(gate, actual, passed))
    return out
