"""VectorStore on Qdrant Edge: the Qdrant engine in-process, one shard per collection.

Credentials: none. Limits: one process may open a shard directory at a time (stop
``omnireply serve`` before running ``omnireply kb ...`` on the same data directory, or use a
Qdrant server). Payload indexes on the filter fields keep filtered search fast as a store's
knowledge base grows. The API is beta, so the package version is pinned.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path

import numpy as np
import qdrant_edge as q

from app.errors import AppError
from app.providers.vector_store import (
    PREFETCH,
    RRF_K,
    Filter,
    Point,
    ScoredPoint,
    SparseVector,
    overfetch,
    settle,
)

DENSE, SPARSE = "dense", "sparse"
KEYWORD_FIELDS = ("markets", "channels", "language", "doc_id", "topic")
_NAMESPACE = uuid.UUID("6f0f5b0e-7d3c-4a55-9a51-0c9f6d1f1e2a")


def point_uuid(point_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, point_id))


class EdgeVectorStore:
    def __init__(self, root: Path) -> None:
        self._root = root
        self._shards: dict[str, q.EdgeShard] = {}
        self._lock = threading.RLock()

    def upsert(self, collection: str, points: list[Point]) -> None:
        if not points:
            return
        with self._lock:
            shard = self._shard(collection, create_with=len(points[0].dense))
            shard.update(q.UpdateOperation.upsert_points([_point(p) for p in points]))
            shard.flush()

    def delete(self, collection: str, ids: list[str]) -> None:
        with self._lock:
            shard = self._shard(collection)
            if shard is not None and ids:
                shard.update(q.UpdateOperation.delete_points([point_uuid(i) for i in ids]))
                shard.flush()

    def search(self, collection: str, dense: list[float], limit: int,
               sparse: SparseVector | None = None, where: Filter | None = None,
               sparse_weight: float = 1.0) -> list[ScoredPoint]:
        with self._lock:
            shard = self._shard(collection)
            if shard is None:
                return []
            found = shard.query(_request(dense, overfetch(limit), sparse, _filter(where),
                                         sparse_weight))
        query = np.asarray(dense, dtype=np.float32)
        return settle([ScoredPoint(r.payload["point_id"], float(r.score),
                                   float(np.dot(query, r.vector[DENSE])), r.payload)
                       for r in found], limit)

    def inventory(self, collection: str, field_name: str,
                  where: Filter | None = None) -> dict[str, str]:
        with self._lock:
            shard = self._shard(collection)
            return {} if shard is None else _scroll_all(shard, field_name, _filter(where))

    def drop(self, collection: str) -> None:
        with self._lock:
            shard = self._shards.pop(collection, None)
            if shard is not None:
                shard.close()
            shutil.rmtree(self._root / collection, ignore_errors=True)

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()

    def _shard(self, collection: str, create_with: int | None = None) -> q.EdgeShard | None:
        if collection in self._shards:
            return self._shards[collection]
        path = self._root / collection
        if (path / "edge_config.json").exists():
            shard = _load(path)
        elif create_with is not None:
            shard = _create(path, create_with)
        else:
            return None
        self._shards[collection] = shard
        return shard


def _load(path: Path) -> q.EdgeShard:
    try:
        return q.EdgeShard.load(str(path))
    except Exception as exc:  # the engine raises a bare Exception naming the OS error
        if "WouldBlock" not in str(exc):
            raise
        raise AppError(
            f"the embedded knowledge base ({path.parent}) is open in another process, most "
            "likely `omnireply serve` on the same data directory: stop it, or point both at "
            "a Qdrant server (OMNIREPLY_QDRANT__URL)", 503) from None


def _create(path: Path, dimension: int) -> q.EdgeShard:
    path.mkdir(parents=True, exist_ok=True)
    config = q.EdgeConfig(
        vectors={DENSE: q.EdgeVectorParams(size=dimension, distance=q.Distance.Cosine)},
        sparse_vectors={SPARSE: q.EdgeSparseVectorParams(modifier=q.Modifier.Idf)})
    shard = q.EdgeShard.create(str(path), config)
    for name in KEYWORD_FIELDS:
        shard.update(q.UpdateOperation.create_field_index(name, q.PayloadSchemaType.Keyword))
    return shard


def _point(point: Point) -> q.Point:
    vector: dict = {DENSE: list(point.dense)}
    if point.sparse is not None and point.sparse.indices:
        vector[SPARSE] = q.SparseVector(indices=point.sparse.indices, values=point.sparse.values)
    return q.Point(id=point_uuid(point.id), vector=vector,
                   payload={**point.payload, "point_id": point.id})


def _request(dense: list[float], limit: int, sparse: SparseVector | None,
             where: q.Filter | None, sparse_weight: float) -> q.QueryRequest:
    nearest = q.Query.Nearest(list(dense), using=DENSE)
    if sparse is None or not sparse.indices:
        return q.QueryRequest(limit=limit, query=nearest, filter=where, with_payload=True,
                              with_vector=[DENSE])
    lexical = q.Query.Nearest(q.SparseVector(indices=sparse.indices, values=sparse.values),
                              using=SPARSE)
    prefetches = [q.Prefetch(limit=PREFETCH, query=nearest, filter=where),
                  q.Prefetch(limit=PREFETCH, query=lexical, filter=where)]
    fusion = q.Fusion.Rrf(k=RRF_K, weights=[1.0, sparse_weight])
    return q.QueryRequest(limit=limit, prefetches=prefetches, query=fusion, with_payload=True,
                          with_vector=[DENSE])


def _filter(where: Filter | None) -> q.Filter | None:
    if where is None or not where.any_of:
        return None
    return q.Filter(must=[q.FieldCondition(key=key, match=q.MatchAny(any=list(values)))
                          for key, values in where.any_of.items()])


def _scroll_all(shard: q.EdgeShard, field_name: str,
                where: q.Filter | None) -> dict[str, str]:
    out, offset = {}, None
    while True:
        points, offset = shard.scroll(q.ScrollRequest(limit=1000, offset=offset, filter=where,
                                                      with_payload=True))
        out.update({p.payload["point_id"]: p.payload.get(field_name) for p in points})
        if offset is None:
            return out
