"""Comparing two runs: deltas, McNemar on a hand-computed table, seeded bootstrap, the
regressed cases first."""

from __future__ import annotations

from app.evaluation.compare import as_html, as_text, compare
from tests.evaluation.fakes import TRIAGED, run

# run B: c1 now wrong (was right), c3 now right (was wrong), c4 still right
BETTER_AND_WORSE = {**TRIAGED, "c1": ("cancel_order", 0.7, "urgent"),
                    "c3": ("refund_request", 0.95, "urgent")}


def test_deltas_mcnemar_and_regressed_cases(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = run(tmp_path / "a")
    b = run(tmp_path / "b", BETTER_AND_WORSE)
    result = compare(a, b, resamples=200, seed=1)
    assert result["paired_cases"] == 8
    metrics = {m["metric"]: m for m in result["metrics"]}
    # intent right: A c1 c2 c4 (3/4), B c2 c3 c4 (3/4)
    assert (metrics["intent.accuracy"]["a"], metrics["intent.accuracy"]["b"],
            metrics["intent.accuracy"]["delta"]) == (0.75, 0.75, 0.0)
    # urgency: A misses c3 (0.75); B gets all four (1.0)
    assert metrics["urgency.accuracy"]["delta"] == 0.25
    assert metrics["urgency.urgent_recall"]["delta"] == 0.5  # 0.5 -> 1.0
    low, high = metrics["urgency.accuracy"]["ci_low"], metrics["urgency.accuracy"]["ci_high"]
    assert 0.0 <= low <= 0.25 <= high <= 1.0
    tests = {t["check"]: t for t in result["mcnemar"]}
    # intent: discordant pairs c1 (A only) and c3 (B only):
    # exact p = min(1, 2 * (C(2,0) + C(2,1)) / 2^2) = min(1, 1.5) = 1
    assert (tests["intent"]["only_a"], tests["intent"]["only_b"],
            tests["intent"]["method"], tests["intent"]["p_value"]) == (1, 1, "exact", 1.0)
    assert (tests["urgency"]["only_a"], tests["urgency"]["only_b"],
            tests["urgency"]["p_value"]) == (0, 1, 1.0)  # min(1, 2 * C(1,0) / 2^1) = 1
    assert [(r["id"], r["checks"], r["a"], r["b"]) for r in result["regressed"]] == [
        ("c1", ["intent"], "intent refund_request (0.90)", "intent cancel_order (0.70)")]
    assert result["improved"] == 1  # c3
    assert result == compare(a, b, resamples=200, seed=1)  # seeded: the same intervals
    text = as_text(result)
    assert "regressed cases: 1, improved: 1" in text
    assert "McNemar intent     n 4: A right only 1, B right only 1, exact p = 1" in text
    assert "<script>" not in as_html(result)
