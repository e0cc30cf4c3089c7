"""The public-set benchmark path (train on dev, score test, out-of-scope by abstention), on a
tiny separable set with the fake embedder."""

from __future__ import annotations

from app.evaluation.public import intent_benchmark
from app.providers.embeddings import FakeEmbedder


def _rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append({"text": f"where is my parcel tracking number {i}", "intent": "track"})
        rows.append({"text": f"please cancel my order now {i}", "intent": "cancel"})
        rows.append({"text": f"what is the weather on mars {i}", "intent": "oos"})
    return rows


def test_benchmark_scores_in_scope_and_reports_out_of_scope():
    result = intent_benchmark(FakeEmbedder(), _rows(30), _rows(5), "intent", oos="oos")
    assert (result["n"], result["accuracy"], result["macro_f1"]) == (10, 1.0, 1.0)
    assert set(result["oos"]) == {"threshold", "oos_recall", "n_oos",
                                  "in_scope_accuracy_with_abstention"}
    assert result["oos"]["n_oos"] == 5
    assert 0.05 <= result["oos"]["threshold"] <= 0.9
