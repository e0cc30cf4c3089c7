"""Gates: parsing, unknown metrics, checking against measured figures."""

from __future__ import annotations

import pytest

from app.evaluation.gates import Gate, GateError, check, known_metrics, parse_gate

STAGES = ["triage", "retrieval", "drafting"]


@pytest.mark.parametrize(("text", "gate"), [
    ("intent.macro_f1 >= 0.9", Gate("intent.macro_f1", ">=", 0.9)),
    ("urgency.urgent_recall == 1.0", Gate("urgency.urgent_recall", "==", 1.0)),
    ("drafting.forbidden==0", Gate("drafting.forbidden", "==", 0.0)),
    ("intent.ece < 0.2", Gate("intent.ece", "<", 0.2)),
    ("retrieval.mrr > 0.5", Gate("retrieval.mrr", ">", 0.5)),
    ("latency.drafting.p90_ms <= 250", Gate("latency.drafting.p90_ms", "<=", 250.0)),
    ("intent.f1.refund_request >= 0.7", Gate("intent.f1.refund_request", ">=", 0.7)),
])
def test_parse(text, gate):
    assert parse_gate(text, STAGES) == gate


def test_bad_syntax_names_the_expected_form():
    with pytest.raises(GateError, match="is not 'field.metric OP number'"):
        parse_gate("intent.macro_f1 => 0.9", STAGES)
    with pytest.raises(GateError, match="is not"):
        parse_gate("intent.macro_f1 >= high", STAGES)


def test_unknown_metric_lists_the_known_ones():
    with pytest.raises(GateError, match=r"unknown metric 'intent\.macro_f2'.*intent\.macro_f1"):
        parse_gate("intent.macro_f2 >= 0.9", STAGES)
    with pytest.raises(GateError, match="unknown metric 'drafting.forbidden'"):
        parse_gate("drafting.forbidden == 0", ["triage"])  # the suite drafts nothing


def test_check_against_figures():
    gates = [parse_gate(t, STAGES) for t in (
        "intent.macro_f1 >= 0.9", "drafting.forbidden == 0", "urgency.urgent_recall == 1.0",
        "retrieval.mrr > 0.5")]
    results = check(gates, {"intent.macro_f1": 0.9, "drafting.forbidden": 2,
                            "urgency.urgent_recall": None, "retrieval.mrr": 0.5})
    assert [(r.actual, r.passed) for r in results] == [(0.9, True), (2, False), (None, False),
                                                       (0.5, False)]
    assert results[0].as_dict() == {"gate": "intent.macro_f1 >= 0.9",
                                    "metric": "intent.macro_f1", "op": ">=", "value": 0.9,
                                    "actual": 0.9, "passed": True}


def test_the_dialogues_stage_has_its_metrics():
    assert known_metrics(["dialogues"]) == [
        "dialogues.n", "dialogues.right_status", "dialogues.leaks",
        "dialogues.handoff_as_expected", "dialogues.locked_as_expected",
        "latency.dialogues.p50_ms", "latency.dialogues.p90_ms", "latency.dialogues.p99_ms"]
    assert parse_gate("dialogues.leaks == 0", ["dialogues"]) == Gate("dialogues.leaks", "==",
                                                                     0.0)
    with pytest.raises(GateError, match="unknown metric 'dialogues.leaks'"):
        parse_gate("dialogues.leaks == 0", STAGES)
