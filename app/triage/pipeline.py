"""Triage as a pure function: text and context in, labels with reasons out.

No database, no settings: the caller injects the embedder, classifier, detector and rules.
The API (through the service), the tasks, the CLI and the evaluation runner all call this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.kit.datafiles import load_yaml
from app.providers.embeddings import Embedder
from app.providers.language import LanguageDetector
from app.triage.intent import IntentPrediction, NearestExampleClassifier
from app.triage.schemas import TriageInput, TriageOutput
from app.triage.signals import URGENCY_LEVELS, Signals


@dataclass(frozen=True)
class UrgencyPolicy:
    default: str
    by_intent: dict[str, str]
    negative_public_minimum: str
    negative_sentiment_minimum: str


def load_policy(path: Path) -> UrgencyPolicy:
    data = load_yaml(path)
    context = data.get("context") or {}
    return UrgencyPolicy(data.get("default_urgency", "normal"), data.get("intent_urgency") or {},
                         context.get("negative_public_minimum", "high"),
                         context.get("negative_sentiment_minimum", "normal"))


@dataclass(frozen=True)
class TriageKit:
    embedder: Embedder
    classifier: NearestExampleClassifier
    detector: LanguageDetector
    signals: Signals
    policy: UrgencyPolicy
    min_intent_confidence: float


def triage(item: TriageInput, kit: TriageKit) -> TriageOutput:
    return triage_many([item], kit)[0]


def triage_many(items: list[TriageInput], kit: TriageKit) -> list[TriageOutput]:
    """Embed the batch once, then label each message."""
    vectors = kit.embedder.embed([item.text for item in items], kind="query")
    return [_label(item, kit.classifier.predict(vector), kit)
            for item, vector in zip(items, vectors, strict=True)]


def _label(item: TriageInput, prediction: IntentPrediction, kit: TriageKit) -> TriageOutput:
    language = kit.detector.detect(item.text)
    sentiment, sentiment_reasons = _sentiment(item.text, kit.signals)
    urgency, urgency_reasons = _urgency(item, prediction.intent, sentiment, kit)
    confident = prediction.confidence >= kit.min_intent_confidence
    reasons = [f"intent {prediction.intent}: closest example \"{prediction.nearest_example}\""]
    if not confident:
        reasons.append(f"intent confidence {prediction.confidence:.2f} below "
                       f"{kit.min_intent_confidence:.2f}: needs a human")
    return TriageOutput(
        intent=prediction.intent, intent_confidence=prediction.confidence, sentiment=sentiment,
        urgency=urgency, language=language.code, language_confidence=language.confidence,
        reasons=reasons + sentiment_reasons + urgency_reasons, needs_human=not confident,
        model_id=kit.classifier.model_id, taxonomy_version=kit.classifier.taxonomy.tag)


def _sentiment(text: str, signals: Signals) -> tuple[str, list[str]]:
    hits = signals.hits(signals.sentiment, text)
    negative = [h for h in hits if h.level == "negative"]
    positive = [h for h in hits if h.level == "positive"]
    if len(negative) > len(positive) or (negative and not positive):
        return "negative", [f"sentiment negative: {h.reason}" for h in negative]
    if positive:
        return "positive", [f"sentiment positive: {h.reason}" for h in positive]
    return "neutral", []


def _urgency(item: TriageInput, intent: str, sentiment: str,
             kit: TriageKit) -> tuple[str, list[str]]:
    policy = kit.policy
    floor = policy.by_intent.get(intent, policy.default)
    candidates = [(floor, f"urgency {floor}: usual for intent {intent}")]
    for rule in kit.signals.hits(kit.signals.urgency, item.text):
        candidates.append((rule.level, f"urgency {rule.level}: {rule.reason}"))
    if sentiment == "negative" and item.visibility == "public":
        level = policy.negative_public_minimum
        candidates.append((level, f"urgency {level}: unhappy public message"))
    return _highest(candidates)


def _highest(candidates: list[tuple[str, str]]) -> tuple[str, list[str]]:
    rank = {level: i for i, level in enumerate(URGENCY_LEVELS)}
    top = max(rank[level] for level, _ in candidates)
    level = URGENCY_LEVELS[top]
    return level, [reason for lvl, reason in candidates if rank[lvl] == top]
