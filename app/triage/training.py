"""Train the intent classifier from a taxonomy (and optional extra labelled examples)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from app.providers.embeddings import Embedder
from app.triage import classifier
from app.triage.classifier import TrainedClassifier
from app.triage.taxonomy import Taxonomy

log = logging.getLogger(__name__)


def examples(taxonomy: Taxonomy,
             extra: list[tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """The taxonomy's examples plus extra (text, intent) pairs whose intent it defines."""
    pairs = [(e, i.name) for i in taxonomy.intents for e in i.examples]
    known = set(taxonomy.names)
    pairs += [(text, intent) for text, intent in extra or [] if intent in known]
    return [t for t, _ in pairs], [label for _, label in pairs]


def ensure_intent_model(taxonomy: Taxonomy, embedder: Embedder, models_dir: Path,
                        extra: list[tuple[str, str]] | None = None) -> TrainedClassifier:
    """Load the artifact made from exactly this taxonomy, data and embedder, or train it."""
    texts, labels = examples(taxonomy, extra)
    version = classifier.data_version(taxonomy.tag, embedder.model_id, texts, labels)
    loaded = classifier.load(models_dir, version)
    if loaded is not None:
        return loaded
    log.info("training intent model %s on %d examples", version, len(texts))
    return train_and_save(taxonomy, embedder, models_dir, texts, labels, version)


def ensure_sentiment_model(paths: list[Path], embedder: Embedder,
                           models_dir: Path) -> TrainedClassifier:
    """Load or train the sentiment model on our own labelled examples (JSON Lines files)."""
    rows = [json.loads(line) for path in paths
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, labels = [r["text"] for r in rows], [r["sentiment"] for r in rows]
    tag = "sentiment:" + "+".join(path.stem for path in paths)
    version = classifier.data_version(tag, embedder.model_id, texts, labels)
    loaded = classifier.load(models_dir, version)
    if loaded is not None:
        return loaded
    vectors = embedder.embed(texts, kind="query")
    trained = classifier.train(texts, vectors, labels, {
        "kind": "sentiment", "version": version, "data": [p.name for p in paths],
        "embedder": embedder.model_id})
    classifier.save(trained, models_dir)
    return trained


def train_and_save(taxonomy: Taxonomy, embedder: Embedder, models_dir: Path,
                   texts: list[str], labels: list[str], version: str) -> TrainedClassifier:
    vectors = embedder.embed(texts, kind="query")
    trained = classifier.train(texts, vectors, labels, {
        "kind": "intent", "version": version, "taxonomy": taxonomy.tag,
        "embedder": embedder.model_id})
    classifier.save(trained, models_dir)
    return trained
