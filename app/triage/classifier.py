"""A trained text classifier: multinomial logistic regression over sentence embeddings plus
character and word n-grams (TF-IDF), whose probabilities are measured for calibration (ECE).

Used for intent and sentiment. Training takes seconds on a taxonomy's examples, so a store
can replace the taxonomy and retrain with one command. The artifact is versioned by what made
it (taxonomy, embedder, training data) and every prediction names that version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

REGULARIZATION_C = 30.0
RECIPE = "lr-c30+emb+char2-5+word1-2@1000/grams"
TEXT_CHARS = 1000  # n-grams of a message's opening; the embedding sees the whole text


@dataclass(frozen=True)
class IntentPrediction:
    intent: str
    confidence: float
    runner_up: str
    runner_up_confidence: float


_CHARS = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True).build_analyzer()
_WORDS = TfidfVectorizer(ngram_range=(1, 2), lowercase=True).build_analyzer()


def _given(grams: list[str]) -> list[str]:
    """The analyzer of vectorizers fed n-grams already cut (module-level, so it pickles)."""
    return grams


@dataclass(frozen=True)
class Grams:
    """The character and word n-grams of a batch of texts, cut once and shared by every
    classifier that reads the batch (intent and sentiment)."""

    chars: list[list[str]]
    words: list[list[str]]

    @classmethod
    def of(cls, texts: list[str]) -> Grams:
        texts = [t[:TEXT_CHARS] for t in texts]
        return cls([_CHARS(t) for t in texts], [_WORDS(t) for t in texts])


@dataclass
class Featurizer:
    """Dense embeddings side by side with character and word n-grams of the same texts."""

    chars: TfidfVectorizer
    words: TfidfVectorizer

    @classmethod
    def fit(cls, texts: list[str]) -> Featurizer:
        grams = Grams.of(texts)
        chars = TfidfVectorizer(analyzer=_given, min_df=2, sublinear_tf=True)
        words = TfidfVectorizer(analyzer=_given, sublinear_tf=True)
        return cls(chars.fit(grams.chars), words.fit(grams.words))

    def transform(self, texts: list[str], vectors: np.ndarray, grams: Grams | None = None):
        grams = grams or Grams.of(texts)
        dense = csr_matrix(np.asarray(vectors, dtype=np.float32))
        return hstack([dense, self.chars.transform(grams.chars),
                       self.words.transform(grams.words)]).tocsr()


@dataclass
class TrainedClassifier:
    labels: list[str]
    estimator: LogisticRegression
    featurizer: Featurizer
    meta: dict = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        return f"{self.meta.get('kind', 'intent')}-lr@{self.meta['version']}"

    def probabilities(self, texts: list[str], vectors: np.ndarray,
                      grams: Grams | None = None) -> np.ndarray:
        return self.estimator.predict_proba(self.featurizer.transform(texts, vectors, grams))

    def predict(self, texts: list[str], vectors: np.ndarray,
                grams: Grams | None = None) -> list[IntentPrediction]:
        return [_prediction(self.labels, row)
                for row in self.probabilities(texts, vectors, grams)]


def _prediction(labels: list[str], row: np.ndarray) -> IntentPrediction:
    first, second = np.argsort(-row)[:2]
    return IntentPrediction(labels[first], round(float(row[first]), 4), labels[second],
                            round(float(row[second]), 4))


def train(texts: list[str], vectors: np.ndarray, labels: list[str],
          meta: dict) -> TrainedClassifier:
    featurizer = Featurizer.fit(texts)
    estimator = LogisticRegression(C=REGULARIZATION_C, max_iter=3000)
    estimator.fit(featurizer.transform(texts, vectors), labels)
    order = [str(c) for c in estimator.classes_]
    trained_at = datetime.now(UTC).isoformat(timespec="seconds")
    return TrainedClassifier(order, estimator, featurizer, {
        **meta, "n_examples": len(labels), "labels": order, "trained_at": trained_at})


def data_version(taxonomy_tag: str, embedder_id: str, texts: list[str],
                 labels: list[str]) -> str:
    """Names an artifact by everything that shaped it (including this module's recipe)."""
    recipe = [RECIPE, embedder_id, texts, labels]
    digest = hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode()).hexdigest()
    return f"{taxonomy_tag}-{digest[:10]}"


def save(classifier: TrainedClassifier, directory: Path) -> Path:
    target = directory / classifier.meta["version"]
    target.mkdir(parents=True, exist_ok=True)
    joblib.dump({"labels": classifier.labels, "estimator": classifier.estimator,
                 "featurizer": classifier.featurizer}, target / "model.joblib")
    (target / "meta.json").write_text(json.dumps(classifier.meta, indent=2, ensure_ascii=False))
    return target


def load(directory: Path, version: str) -> TrainedClassifier | None:
    target = directory / version
    if not (target / "model.joblib").exists():
        return None
    payload = joblib.load(target / "model.joblib")
    meta = json.loads((target / "meta.json").read_text())
    return TrainedClassifier(payload["labels"], payload["estimator"], payload["featurizer"],
                             meta)
