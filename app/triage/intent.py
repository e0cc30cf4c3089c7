"""Nearest-example intent classifier over the taxonomy's examples, in embedding space.

Each intent scores the similarity of its closest example; a softmax over those scores gives
the confidence. Issue #4 replaces this with a trained, calibrated model behind the same call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.providers.embeddings import Embedder
from app.triage.taxonomy import Taxonomy

SOFTMAX_TEMPERATURE = 0.05


@dataclass(frozen=True)
class IntentPrediction:
    intent: str
    confidence: float
    nearest_example: str


class NearestExampleClassifier:
    def __init__(self, taxonomy: Taxonomy, embedder: Embedder,
                 example_vectors: np.ndarray | None = None) -> None:
        self.taxonomy = taxonomy
        self._labels = [i.name for i in taxonomy.intents for _ in i.examples]
        self._examples = [e for i in taxonomy.intents for e in i.examples]
        self._vectors = (example_vectors if example_vectors is not None
                         else embedder.embed(self._examples, kind="query"))
        self.model_id = f"nearest-example:{embedder.model_id}"

    @property
    def example_vectors(self) -> np.ndarray:
        return self._vectors

    def predict(self, query_vector: np.ndarray) -> IntentPrediction:
        sims = self._vectors @ query_vector
        names = self.taxonomy.names
        best = np.array([max(sims[j] for j, label in enumerate(self._labels) if label == n)
                         for n in names])
        probs = np.exp((best - best.max()) / SOFTMAX_TEMPERATURE)
        probs /= probs.sum()
        top = int(np.argmax(probs))
        nearest = int(np.argmax(np.where(np.array(self._labels) == names[top], sims, -9)))
        return IntentPrediction(names[top], round(float(probs[top]), 4), self._examples[nearest])
