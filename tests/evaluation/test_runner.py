"""The runner and its metrics on fake pipelines, against hand-computed values."""

from __future__ import annotations

import math

from tests.evaluation.fakes import run


def test_triage_metrics(tmp_path):
    results, cases = run(tmp_path)
    m = results["metrics"]
    # effective gold (c2's change_order is also_ok): refund, change, refund, cancel
    # predicted: refund, change, cancel, cancel -> 3 of 4 right
    assert (m["intent.n"], m["intent.accuracy"]) == (4, 0.75)
    # cancel P 1/2 R 1/1 F1 0.6667; change P 1 R 1 F1 1; refund P 1/1 R 1/2 F1 0.6667
    assert m["intent.f1.cancel_order"] == 0.6667 and m["intent.recall.refund_request"] == 0.5
    assert m["intent.macro_f1"] == round((0.6667 + 1 + 0.6667) / 3, 4)
    # one case per bin (0.9, 0.6, 0.8, 0.2 with 15 bins): |1-.9| + |1-.6| + |0-.8| + |1-.2|
    assert m["intent.ece"] == round((0.1 + 0.4 + 0.8 + 0.8) / 4, 4)
    # threshold 0.5 keeps c1, c2 (right) and c3 (wrong)
    assert (m["intent.coverage"], m["intent.selective_accuracy"]) == (0.75, 0.6667)
    assert m["intent.needs_human"] == 0.25
    # urgency: urgent, high, urgent, normal vs urgent, high, high, normal
    assert (m["urgency.accuracy"], m["urgency.urgent_recall"]) == (0.75, 0.5)
    assert m["language.accuracy"] == 1.0
    intent = results["details"]["intent"]
    assert (intent["ece_bins"], intent["ece_n"], intent["threshold"]) == (15, 4, 0.5)
    assert intent["confusion"] == {
        "labels": ["cancel_order", "change_order", "refund_request"],
        "matrix": [[1, 0, 0], [0, 1, 0], [1, 0, 1]]}
    c3 = next(c for c in cases if c["id"] == "c3")
    assert c3["checks"] == {"intent": False, "urgency": False, "language": True}
    assert c3["passed"] is False


def test_retrieval_metrics(tmp_path):
    m = run(tmp_path)[0]["metrics"]
    # k1 gold at rank 1; k2 (refund-policy twice, then refund-timing) at distinct rank 2
    assert (m["retrieval.recall_at_1"], m["retrieval.recall_at_5"]) == (0.5, 1.0)
    assert m["retrieval.mrr"] == 0.75  # (1 + 1/2) / 2
    assert m["retrieval.ndcg_at_5"] == round((1.0 + round(1 / math.log2(3), 4)) / 2, 4)


def test_drafting_metrics_and_failures_by_rule(tmp_path):
    results, cases = run(tmp_path)
    m = results["metrics"]
    # d1 clean; d2 answered in en (gold fr) and cited nothing
    assert (m["drafting.n"], m["drafting.forbidden"], m["drafting.language_match"],
            m["drafting.citation_hit"], m["drafting.length_respected"],
            m["drafting.needs_human"], m["drafting.clean"]) == (2, 0, 0.5, 0.5, 1.0, 0.5, 0.5)
    assert results["details"]["drafting"]["failures_by_rule"] == {
        "citation": {"sms": 1}, "language": {"sms": 1}}
    d2 = next(c for c in cases if c["id"] == "d2")
    assert d2["drafting"]["failures"] == ["language en != fr",
                                          "no citation of ['refund-timing']"]


def test_slices_results_and_gates(tmp_path):
    results, cases = run(tmp_path, gates="gates: [intent.accuracy >= 0.8, "
                                         "drafting.forbidden == 0]\n")
    # 4 messages + 2 questions + 2 drafts; c3 (intent, urgency) and d2 (draft) fail
    assert results["cases"] == {"n": 8, "passed": 6}
    assert [c["id"] for c in cases if not c["passed"]] == ["c3", "d2"]
    assert [(g["gate"], g["actual"], g["passed"]) for g in results["gates"]] == [
        ("intent.accuracy >= 0.8", 0.75, False), ("drafting.forbidden == 0", 0, True)]
    assert results["passed"] is False
    by_dataset = results["slices"]["dataset"]
    assert (by_dataset["msgs"]["cases"], by_dataset["msgs"]["passed"]) == (4, 0.75)
    assert by_dataset["kb"]["retrieval.mrr"] == 0.75
    by_language = results["slices"]["language"]
    assert sorted(by_language) == ["de", "en", "fr"]
    assert by_language["de"]["cases"] == 2  # k2 and d1
    assert results["settings"] == {"intent_min_confidence": 0.5, "k": 5, "batch_size": 3}
    assert set(cases[0]["latency_ms"]) == {"triage"}
