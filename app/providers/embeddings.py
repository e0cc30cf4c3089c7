"""The Embedder port, and a deterministic fake for tests of other code."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Literal, Protocol

import numpy as np

Kind = Literal["query", "passage"]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    ``kind`` says whether the texts are search queries (customer messages) or passages
    (knowledge-base chunks, taxonomy examples); asymmetric models such as E5 embed them
    differently, symmetric ones ignore it.
    """

    model_id: str
    dimension: int

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray: ...


class CachedEmbedder:
    """Remembers the vectors of texts it has embedded (e.g. knowledge-base sentences, which
    every draft ranks again); embeds only the texts it has not seen. Bounded, least recently
    used first out."""

    def __init__(self, inner: Embedder, max_texts: int = 50_000) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dimension = inner.dimension
        self._max = max_texts
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if (kind, t) not in self._vectors))
        if missing:
            fresh = self.inner.embed(missing, kind=kind)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[(kind, text)] = vector
                while len(self._vectors) > self._max:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                self._vectors.move_to_end((kind, text))
                rows.append(self._vectors[(kind, text)])
        return np.stack(rows) if rows else np.zeros((0, self.dimension), dtype=np.float32)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Float32 rows scaled to length 1 (all-zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, np.float32(1e-12))


class FakeEmbedder:
    """Bag-of-words hashed into a fixed space: same words, similar vectors. Tests only."""

    model_id = "fake-hash-embedder@1"

    def __init__(self, dimension: int = 64) -> None:
        self.dimension = dimension

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        return unit_rows(out)
