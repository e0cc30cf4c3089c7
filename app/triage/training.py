"""Train the intent and sentiment classifiers, or load the artifact their data made."""

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
                        extra: list[tuple[str, str]] | None = None,
                        retrain: bool = False) -> TrainedClassifier:
    """Load the artifact made from exactly this taxonomy, data and embedder, or train it."""
    texts, labels = examples(taxonomy, extra)
    return _load_or_train(embedder, models_dir, texts, labels, taxonomy.tag,
                          {"kind": "intent", "taxonomy": taxonomy.tag}, retrain)


def ensure_sentiment_model(paths: list[Path], embedder: Embedder, models_dir: Path,
                           retrain: bool = False) -> TrainedClassifier:
    """Load or train the sentiment model on our own labelled examples (JSON Lines files)."""
    rows = [json.loads(line) for path in paths
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, labels = [r["text"] for r in rows], [r["sentiment"] for r in rows]
    tag = "sentiment:" + "+".join(path.stem for path in paths)
    return _load_or_train(embedder, models_dir, texts, labels, tag,
                          {"kind": "sentiment", "data": [p.name for p in paths]}, retrain)


def _load_or_train(embedder: Embedder, models_dir: Path, texts: list[str], labels: list[str],
                   tag: str, meta: dict, retrain: bool) -> TrainedClassifier:
    """The artifact versioned by tag, data and embedder: loaded when present (unless
    ``retrain``), else trained and saved."""
    version = classifier.data_version(tag, embedder.model_id, texts, labels)
    loaded = None if retrain else classifier.load(models_dir, version)
    if loaded is not None:
        return loaded
    log.info("training %s model %s on %d examples", meta["kind"], version, len(texts))
    vectors = embedder.embed(texts, kind="query")
    trained = classifier.train(texts, vectors, labels, {
        **meta, "version": version, "embedder": embedder.model_id})
    classifier.save(trained, models_dir)
    return trained
