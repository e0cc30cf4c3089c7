"""VectorStore on a Qdrant server (``OMNIREPLY_QDRANT__URL``), through qdrant-client.

Credentials: the server URL, and ``OMNIREPLY_QDRANT__API_KEY`` when the server requires one.
Limits: the server's request size (points are sent in batches of 256) and timeout. The same
class runs against qdrant-client's local mode in tests, which speaks the same client API.
"""

from __future__ import annotations

import numpy as np
from qdrant_client import QdrantClient, models

from app.providers.qdrant_edge import DENSE, KEYWORD_FIELDS, SPARSE, point_uuid
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

BATCH = 256


class QdrantServerStore:
    def __init__(self, client: QdrantClient) -> None:
        self._client = client

    @classmethod
    def connect(cls, url: str, api_key: str | None, timeout: float) -> QdrantServerStore:
        return cls(QdrantClient(url=url, api_key=api_key, timeout=int(timeout)))

    def upsert(self, collection: str, points: list[Point]) -> None:
        if not points:
            return
        self._ensure(collection, len(points[0].dense))
        for start in range(0, len(points), BATCH):
            self._client.upsert(collection, points=[_point(p) for p in
                                                    points[start:start + BATCH]], wait=True)

    def delete(self, collection: str, ids: list[str]) -> None:
        if ids and self._client.collection_exists(collection):
            selector = models.PointIdsList(points=[point_uuid(i) for i in ids])
            self._client.delete(collection, points_selector=selector, wait=True)

    def search(self, collection: str, dense: list[float], limit: int,
               sparse: SparseVector | None = None, where: Filter | None = None,
               sparse_weight: float = 1.0) -> list[ScoredPoint]:
        if not self._client.collection_exists(collection):
            return []
        response = self._client.query_points(collection, **_query(
            dense, overfetch(limit), sparse, _filter(where), sparse_weight))
        query = np.asarray(dense, dtype=np.float32)
        return settle([ScoredPoint(p.payload["point_id"], float(p.score),
                                   float(np.dot(query, p.vector[DENSE])), p.payload)
                       for p in response.points], limit)

    def inventory(self, collection: str, field_name: str,
                  where: Filter | None = None) -> dict[str, str]:
        if not self._client.collection_exists(collection):
            return {}
        out, offset = {}, None
        while True:
            points, offset = self._client.scroll(collection, limit=1000, offset=offset,
                                                 scroll_filter=_filter(where),
                                                 with_payload=["point_id", field_name])
            out.update({p.payload["point_id"]: p.payload.get(field_name) for p in points})
            if offset is None:
                return out

    def drop(self, collection: str) -> None:
        if self._client.collection_exists(collection):
            self._client.delete_collection(collection)

    def close(self) -> None:
        self._client.close()

    def _ensure(self, collection: str, dimension: int) -> None:
        if self._client.collection_exists(collection):
            return
        self._client.create_collection(
            collection,
            vectors_config={DENSE: models.VectorParams(size=dimension,
                                                       distance=models.Distance.COSINE)},
            sparse_vectors_config={SPARSE: models.SparseVectorParams(
                modifier=models.Modifier.IDF)})
        for name in KEYWORD_FIELDS:
            self._client.create_payload_index(collection, name,
                                              models.PayloadSchemaType.KEYWORD)


def _point(point: Point) -> models.PointStruct:
    vector: dict = {DENSE: list(point.dense)}
    if point.sparse is not None and point.sparse.indices:
        vector[SPARSE] = models.SparseVector(indices=point.sparse.indices,
                                             values=point.sparse.values)
    return models.PointStruct(id=point_uuid(point.id), vector=vector,
                              payload={**point.payload, "point_id": point.id})


def _query(dense: list[float], limit: int, sparse: SparseVector | None,
           where: models.Filter | None, sparse_weight: float) -> dict:
    common = {"limit": limit, "with_payload": True, "with_vectors": [DENSE]}
    if sparse is None or not sparse.indices:
        return {**common, "query": list(dense), "using": DENSE, "query_filter": where}
    lexical = models.SparseVector(indices=sparse.indices, values=sparse.values)
    fusion = models.RrfQuery(rrf=models.Rrf(k=RRF_K, weights=[1.0, sparse_weight]))
    return {**common, "query": fusion,
            "prefetch": [models.Prefetch(query=list(dense), using=DENSE, limit=PREFETCH,
                                         filter=where),
                         models.Prefetch(query=lexical, using=SPARSE, limit=PREFETCH,
                                         filter=where)]}


def _filter(where: Filter | None) -> models.Filter | None:
    if where is None or not where.any_of:
        return None
    return models.Filter(must=[
        models.FieldCondition(key=key, match=models.MatchAny(any=list(values)))
        for key, values in where.any_of.items()])
