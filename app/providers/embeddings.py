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
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)
