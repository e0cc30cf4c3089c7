"""The VectorStore port, its value types, and an in-memory fake for tests of other code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Point:
    id: str
    vector: list[float]
    payload: dict


@dataclass(frozen=True)
class ScoredPoint:
    id: str
    score: float
    payload: dict


@dataclass(frozen=True)
class Filter:
    """Payload equality filters. ``any_of`` maps a key to accepted values (list payloads
    match when they share a value)."""

    any_of: dict[str, list[str]] = field(default_factory=dict)

    def matches(self, payload: dict) -> bool:
        return all(_overlaps(payload.get(key), values) for key, values in self.any_of.items())


def _overlaps(actual: object, accepted: list[str]) -> bool:
    items = actual if isinstance(actual, list) else [actual]
    return any(item in accepted for item in items)


class VectorStore(Protocol):
    def ensure_collection(self, name: str, dimension: int) -> None: ...
    def upsert(self, name: str, points: list[Point]) -> None: ...
    def search(self, name: str, vector: list[float], limit: int,
               where: Filter | None = None) -> list[ScoredPoint]: ...
    def delete(self, name: str, ids: list[str]) -> None: ...
    def count(self, name: str) -> int: ...


class InMemoryVectorStore:
    """Brute-force cosine search in a dict. Tests only."""

    def __init__(self) -> None:
        self._collections: dict[str, dict[str, Point]] = {}

    def ensure_collection(self, name: str, dimension: int) -> None:
        self._collections.setdefault(name, {})

    def upsert(self, name: str, points: list[Point]) -> None:
        self._collections[name].update({p.id: p for p in points})

    def search(self, name: str, vector: list[float], limit: int,
               where: Filter | None = None) -> list[ScoredPoint]:
        query = np.asarray(vector, dtype=np.float32)
        points = [p for p in self._collections.get(name, {}).values()
                  if where is None or where.matches(p.payload)]
        scored = [ScoredPoint(p.id, float(np.dot(query, p.vector)), p.payload) for p in points]
        return sorted(scored, key=lambda s: -s.score)[:limit]

    def delete(self, name: str, ids: list[str]) -> None:
        for point_id in ids:
            self._collections.get(name, {}).pop(point_id, None)

    def count(self, name: str) -> int:
        return len(self._collections.get(name, {}))
