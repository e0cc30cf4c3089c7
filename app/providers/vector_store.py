"""The VectorStore port: hybrid (dense + sparse) search over named collections.

A point has a dense vector, optionally a sparse (lexical) vector, and a payload. ``search``
ranks by dense similarity alone, or, given a sparse query too, by reciprocal rank fusion of
both; each hit also carries its dense cosine similarity, which callers use as confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

RRF_K = 60
PREFETCH = 50  # candidates per side before fusion


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class Point:
    id: str
    dense: list[float]
    payload: dict
    sparse: SparseVector | None = None


@dataclass(frozen=True)
class ScoredPoint:
    id: str
    score: float       # what ranked it: fused RRF score, or the cosine when dense-only
    similarity: float  # dense cosine similarity to the query
    payload: dict


@dataclass(frozen=True)
class Filter:
    """Payload filters: ``any_of`` maps a key to accepted values (a list payload matches
    when it shares one)."""

    any_of: dict[str, list[str]] = field(default_factory=dict)

    def matches(self, payload: dict) -> bool:
        return all(_overlaps(payload.get(key), values) for key, values in self.any_of.items())


def _overlaps(actual: object, accepted: list[str]) -> bool:
    items = actual if isinstance(actual, list) else [actual]
    return any(item in accepted for item in items)


class VectorStore(Protocol):
    def upsert(self, collection: str, points: list[Point]) -> None:
        """Insert or replace points; the collection is created on first use."""

    def delete(self, collection: str, ids: list[str]) -> None: ...

    def search(self, collection: str, dense: list[float], limit: int,
               sparse: SparseVector | None = None, where: Filter | None = None,
               sparse_weight: float = 1.0) -> list[ScoredPoint]:
        """Dense ranking, or RRF of dense (weight 1) and sparse (``sparse_weight``)."""

    def inventory(self, collection: str, field_name: str,
                  where: Filter | None = None) -> dict[str, str]:
        """Every point id (matching ``where``) with the value of one payload field."""

    def drop(self, collection: str) -> None: ...


def rrf(rankings: list[list[str]], k: int = RRF_K,
        weights: list[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion as Qdrant computes it: sum of w / (k + rank), rank from 0."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, point_id in enumerate(ranking):
            scores[point_id] = scores.get(point_id, 0.0) + weight / (k + rank)
    return scores


class InMemoryVectorStore:
    """Brute-force hybrid search in dicts, same semantics as the real stores. Tests only."""

    def __init__(self) -> None:
        self._collections: dict[str, dict[str, Point]] = {}

    def upsert(self, collection: str, points: list[Point]) -> None:
        self._collections.setdefault(collection, {}).update({p.id: p for p in points})

    def delete(self, collection: str, ids: list[str]) -> None:
        for point_id in ids:
            self._collections.get(collection, {}).pop(point_id, None)

    def search(self, collection: str, dense: list[float], limit: int,
               sparse: SparseVector | None = None, where: Filter | None = None,
               sparse_weight: float = 1.0) -> list[ScoredPoint]:
        points = [p for p in self._collections.get(collection, {}).values()
                  if where is None or where.matches(p.payload)]
        query = np.asarray(dense, dtype=np.float32)
        cosine = {p.id: float(np.dot(query, p.dense)) for p in points}
        dense_rank = sorted(cosine, key=lambda i: -cosine[i])[:PREFETCH]
        if sparse is None:
            fused = {i: cosine[i] for i in dense_rank}
        else:
            fused = rrf([dense_rank, _sparse_rank(points, sparse)], weights=[1.0, sparse_weight])
        by_id = {p.id: p for p in points}
        order = sorted(fused, key=lambda i: -fused[i])[:limit]
        return [ScoredPoint(i, fused[i], cosine[i], by_id[i].payload) for i in order]

    def inventory(self, collection: str, field_name: str,
                  where: Filter | None = None) -> dict[str, str]:
        return {p.id: p.payload.get(field_name) for p in
                self._collections.get(collection, {}).values()
                if where is None or where.matches(p.payload)}

    def drop(self, collection: str) -> None:
        self._collections.pop(collection, None)


def _sparse_rank(points: list[Point], query: SparseVector) -> list[str]:
    wanted = set(query.indices)
    scored = [(sum(v for i, v in zip(p.sparse.indices, p.sparse.values, strict=True)
                   if i in wanted), p.id) for p in points if p.sparse is not None]
    return [pid for score, pid in sorted(scored, key=lambda s: -s[0]) if score > 0][:PREFETCH]


def settle(points: list[ScoredPoint], limit: int) -> list[ScoredPoint]:
    """The best ``limit`` points in a fixed order: fused scores tie often, and a store may
    return tied points in any order, so ties go by dense similarity, then id. Adapters ask
    the store for ``overfetch(limit)`` points and settle them, so that the cut does not
    fall inside a group of ties."""
    return sorted(points, key=lambda p: (-p.score, -p.similarity, p.id))[:limit]


def overfetch(limit: int) -> int:
    return limit * 2
