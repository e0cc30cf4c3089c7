"""VectorStore on Qdrant: local mode (a directory, in-process) by default, a server by URL.

Credentials: none in local mode; ``OMNIREPLY_QDRANT__URL`` and optionally
``OMNIREPLY_QDRANT__API_KEY`` for a server. Local mode allows one process per directory
(qdrant-client holds a lock file) and filters point by point, so it suits small stores.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from qdrant_client import QdrantClient, models

from app.providers.vector_store import Filter, Point, ScoredPoint

_ID_NAMESPACE = uuid.UUID("6f0f5b0e-7d3c-4a55-9a51-0c9f6d1f1e2a")


def point_uuid(point_id: str) -> str:
    """Qdrant accepts integers or UUIDs as ids; ours are strings, so map them stably."""
    return str(uuid.uuid5(_ID_NAMESPACE, point_id))


class QdrantVectorStore:
    def __init__(self, url: str | None = None, api_key: str | None = None,
                 path: Path | None = None, timeout: float = 10.0) -> None:
        if url:
            self._client = QdrantClient(url=url, api_key=api_key, timeout=int(timeout))
        else:
            assert path is not None, "local mode needs a path"
            path.mkdir(parents=True, exist_ok=True)
            self._client = QdrantClient(path=str(path))

    def ensure_collection(self, name: str, dimension: int) -> None:
        if self._client.collection_exists(name):
            return
        self._client.create_collection(
            name, vectors_config=models.VectorParams(size=dimension,
                                                     distance=models.Distance.COSINE))

    def upsert(self, name: str, points: list[Point]) -> None:
        structs = [models.PointStruct(id=point_uuid(p.id), vector=p.vector,
                                      payload={**p.payload, "point_id": p.id}) for p in points]
        self._client.upsert(name, points=structs, wait=True)

    def search(self, name: str, vector: list[float], limit: int,
               where: Filter | None = None) -> list[ScoredPoint]:
        if not self._client.collection_exists(name):
            return []
        response = self._client.query_points(name, query=vector, limit=limit,
                                             query_filter=_to_qdrant(where), with_payload=True)
        return [ScoredPoint(p.payload["point_id"], float(p.score), p.payload)
                for p in response.points]

    def delete(self, name: str, ids: list[str]) -> None:
        selector = models.PointIdsList(points=[point_uuid(i) for i in ids])
        self._client.delete(name, points_selector=selector, wait=True)

    def count(self, name: str) -> int:
        if not self._client.collection_exists(name):
            return 0
        return self._client.count(name, exact=True).count

    def close(self) -> None:
        self._client.close()


def _to_qdrant(where: Filter | None) -> models.Filter | None:
    if where is None or not where.any_of:
        return None
    return models.Filter(must=[
        models.FieldCondition(key=key, match=models.MatchAny(any=values))
        for key, values in where.any_of.items()
    ])
