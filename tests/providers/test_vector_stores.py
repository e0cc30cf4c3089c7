"""One contract, three stores: Qdrant Edge (embedded default), the Qdrant client (server
path, run here on qdrant-client's local mode) and the in-memory fake."""

from __future__ import annotations

import numpy as np
import pytest
from qdrant_client import QdrantClient

from app.providers.qdrant import QdrantServerStore
from app.providers.qdrant_edge import EdgeVectorStore
from app.providers.vector_store import (
    Filter,
    InMemoryVectorStore,
    Point,
    SparseVector,
    rrf,
)


def _unit(*values: float) -> list[float]:
    vector = np.asarray(values, dtype=np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


POINTS = [
    Point("a", _unit(1, 0, 0, 0), {"language": "en", "markets": ["*"], "hash": "h-a"},
          SparseVector([1, 2], [1.0, 1.0])),
    Point("b", _unit(0.9, 0.1, 0, 0), {"language": "de", "markets": ["DE"], "hash": "h-b"},
          SparseVector([3], [1.0])),
    Point("c", _unit(0.1, 1, 0, 0), {"language": "en", "markets": ["US"], "hash": "h-c"},
          SparseVector([7], [1.0])),
    Point("d", _unit(0.05, 0, 1, 0), {"language": "en", "markets": ["*"], "hash": "h-d"},
          SparseVector([7, 9], [1.0, 1.0])),
]


@pytest.fixture(params=["edge", "client", "fake"])
def store(request, tmp_path):
    if request.param == "edge":
        made = EdgeVectorStore(tmp_path / "edge")
    elif request.param == "client":
        made = QdrantServerStore(QdrantClient(path=str(tmp_path / "local")))
    else:
        made = InMemoryVectorStore()
    made.upsert("kb", POINTS)
    yield made
    if hasattr(made, "close"):
        made.close()


def test_dense_search_ranks_by_cosine(store):
    hits = store.search("kb", _unit(1, 0, 0, 0), limit=3)
    assert [h.id for h in hits] == ["a", "b", "c"]
    assert [round(h.similarity, 4) for h in hits] == [1.0, 0.9939, 0.0995]


def test_filters_keep_only_matching_payloads(store):
    where = Filter({"markets": ["DE", "*"], "language": ["en", "de"]})
    hits = store.search("kb", _unit(1, 0, 0, 0), limit=10, where=where)
    assert [h.id for h in hits] == ["a", "b", "d"]


def test_hybrid_fuses_dense_and_lexical_ranks(store):
    # dense ranks a, b, c, d; lexical ranks d (both terms), c (one term); fused by RRF k=60
    hits = store.search("kb", _unit(1, 0, 0, 0), limit=4, sparse=SparseVector([7, 9], [1, 1]))
    assert [h.id for h in hits] == ["d", "c", "a", "b"]
    assert [round(h.score, 5) for h in hits] == [
        round(1 / 63 + 1 / 60, 5), round(1 / 62 + 1 / 61, 5), round(1 / 60, 5), round(1 / 61, 5)]
    assert [round(h.similarity, 3) for h in hits] == [0.05, 0.1, 1.0, 0.994]


def test_inventory_delete_and_drop(store):
    assert store.inventory("kb", "hash") == {"a": "h-a", "b": "h-b", "c": "h-c", "d": "h-d"}
    store.delete("kb", ["b", "c"])
    assert store.inventory("kb", "hash") == {"a": "h-a", "d": "h-d"}
    store.drop("kb")
    assert store.inventory("kb", "hash") == {}
    assert store.search("kb", _unit(1, 0, 0, 0), limit=3) == []


def test_collections_are_separate(store):
    store.upsert("other", [Point("x", _unit(1, 0, 0, 0), {"hash": "h-x"})])
    assert store.inventory("other", "hash") == {"x": "h-x"}
    assert "x" not in store.inventory("kb", "hash")


def test_rrf_formula():
    assert rrf([["a", "b"], ["b", "c"]], k=60) == {
        "a": 1 / 60, "b": 1 / 61 + 1 / 60, "c": 1 / 61}


def test_edge_reopens_from_disk(tmp_path):
    first = EdgeVectorStore(tmp_path / "edge")
    first.upsert("kb", POINTS)
    first.close()
    again = EdgeVectorStore(tmp_path / "edge")
    assert sorted(again.inventory("kb", "hash")) == ["a", "b", "c", "d"]
    again.close()


def test_inventory_can_be_filtered(store):
    assert store.inventory("kb", "hash", Filter({"language": ["de"]})) == {"b": "h-b"}
    assert store.inventory("kb", "hash", Filter({"markets": ["US"]})) == {"c": "h-c"}


def test_tied_fused_scores_are_settled_by_similarity_then_id():
    from app.providers.vector_store import ScoredPoint, overfetch, settle

    points = [ScoredPoint("b", 0.5, 0.30, {}), ScoredPoint("a", 0.5, 0.30, {}),
              ScoredPoint("c", 0.5, 0.40, {}), ScoredPoint("d", 0.9, 0.10, {})]
    assert [p.id for p in settle(points, 3)] == ["d", "c", "a"]
    assert [p.id for p in settle(list(reversed(points)), 3)] == ["d", "c", "a"]
    assert overfetch(5) == 10


def test_an_embedded_store_open_elsewhere_is_a_clear_error(tmp_path):
    from app.errors import AppError

    first = EdgeVectorStore(tmp_path / "edge")
    first.upsert("kb", POINTS)  # holds the shard open, as a running server does
    second = EdgeVectorStore(tmp_path / "edge")
    with pytest.raises(AppError) as caught:
        second.inventory("kb", "hash")
    assert caught.value.status_code == 503
    assert caught.value.message == (
        f"the embedded knowledge base ({tmp_path / 'edge'}) is open in another process, most "
        "likely `omnireply serve` on the same data directory: stop it, or point both at a "
        "Qdrant server (OMNIREPLY_QDRANT__URL)")
    first.close()
