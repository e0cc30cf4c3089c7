"""The Embedder port, and a deterministic fake for tests of other code."""

from __future__ import annotations

import hashlib
import re
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
