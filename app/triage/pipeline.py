"""Triage as a pure function: text and context in, labels with reasons out.

No database, no settings: the caller injects the embedder, classifier, detector and rules.
The API (through the service), the tasks, the CLI and the evaluation runner all call this.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.providers.embeddings import Embedder
from app.providers.language import LanguageDetector
from app.providers.llm import LLMError
from app.triage.classifier import Grams, IntentPrediction, TrainedClassifier
from app.triage.llm_classifier import LLMIntentClassifier
from app.triage.schemas import TriageInput, TriageOutput
from app.triage.signals import Rule, Signals
from app.triage.urgency import UrgencyPolicy, decide


@dataclass(frozen=True)
class TriageKit:
    embedder: Embedder
    classifier: TrainedClassifier
    taxonomy_tag: str
    detector: LanguageDetector
    signals: Signals
    policy: UrgencyPolicy
    min_intent_confidence: float
    sentiment_model: TrainedClassifier | None = None
    min_sentiment_confidence: float = 0.5
    llm: LLMIntentClassifier | None = None
    llm_mode: str = "low_confidence"  # low_confidence | second_opinion


def triage(item: TriageInput, kit: TriageKit) -> TriageOutput:
    return triage_many([item], kit)[0]


def triage_many(items: list[TriageInput], kit: TriageKit) -> list[TriageOutput]:
    """Embed the batch and cut its n-grams once, then label each message."""
    texts = [item.text for item in items]
    if not texts:
        return []
    vectors = kit.embedder.embed(texts, kind="query")
    grams = Grams.of(texts)
    intents = kit.classifier.predict(texts, vectors, grams)
    moods = (kit.sentiment_model.predict(texts, vectors, grams) if kit.sentiment_model
             else [None] * len(texts))
    return [_label(item, intent, mood, kit)
            for item, intent, mood in zip(items, intents, moods, strict=True)]


def _label(item: TriageInput, prediction: IntentPrediction, mood: IntentPrediction | None,
           kit: TriageKit) -> TriageOutput:
    language = kit.detector.detect(item.text)
    scope = rule_languages(language.code)
    intent, confidence, model_id, reasons, needs_human = _intent(item, prediction, kit)
    moods = kit.signals.hits(kit.signals.sentiment, item.text, scope)
    alarms = kit.signals.hits(kit.signals.urgency, item.text, scope)
    sentiment, sentiment_confidence, sentiment_reasons = _sentiment(mood, moods, kit)
    urgency, urgency_reasons = decide(item, intent, sentiment, kit.signals, kit.policy, scope,
                                      alarms)
    local = intent == prediction.intent  # the local model's runner-up fits its choice
    return TriageOutput(
        intent=intent, intent_confidence=confidence,
        intent_runner_up=prediction.runner_up if local else None,
        intent_runner_up_confidence=prediction.runner_up_confidence if local else None,
        sentiment=sentiment,
        sentiment_confidence=sentiment_confidence,
        urgency=urgency, language=language.code, language_confidence=language.confidence,
        signals=sorted({rule.id for rule in (*moods, *alarms)}),
        reasons=reasons + sentiment_reasons + urgency_reasons, needs_human=needs_human,
        model_id=model_id, taxonomy_version=kit.taxonomy_tag)


def _intent(item: TriageInput, local: IntentPrediction,
            kit: TriageKit) -> tuple[str, float, str, list[str], bool]:
    """The local model's intent; the LLM's when configured and the local one is unsure (or
    as a second opinion). Any LLM failure keeps the local result."""
    confident = local.confidence >= kit.min_intent_confidence
    reasons = [f"intent {local.intent} ({local.confidence:.2f}); runner-up "
               f"{local.runner_up} ({local.runner_up_confidence:.2f})"]
    base = (local.intent, local.confidence, kit.classifier.model_id)
    if kit.llm is None or (confident and kit.llm_mode != "second_opinion"):
        if not confident:
            reasons.append(f"intent confidence {local.confidence:.2f} below "
                           f"{kit.min_intent_confidence:.2f}: needs a human")
        return (*base, reasons, not confident)
    try:
        answer = kit.llm.classify(item.text)
    except LLMError as exc:
        reasons.append(f"LLM classifier failed ({exc}); kept the local model")
        return (*base, reasons, not confident)
    return _with_llm(local, answer, kit, reasons, confident)


def _with_llm(local: IntentPrediction, answer, kit: TriageKit, reasons: list[str],
              confident: bool) -> tuple[str, float, str, list[str], bool]:
    model_id = f"{kit.classifier.model_id}+{kit.llm.model_id}"
    said = f"LLM: {answer.intent} ({answer.confidence:.2f}): {answer.reason}"
    if kit.llm_mode == "second_opinion" and confident:
        agree = answer.intent == local.intent
        reasons.append(said + ("" if agree else "; disagrees with the local model"))
        return local.intent, local.confidence, model_id, reasons, not agree
    unsure = answer.confidence < kit.min_intent_confidence
    reasons.append(said + ("; still unsure: needs a human" if unsure else ""))
    return answer.intent, answer.confidence, model_id, reasons, unsure


def rule_languages(code: str) -> set[str] | None:
    """Rules of the message's language and English (customers mix in English terms such as
    'chargeback'); every language when detection is unsure."""
    return None if code == "und" else {code, "en"}


def _sentiment(mood: IntentPrediction | None, hits: list[Rule],
               kit: TriageKit) -> tuple[str, float, list[str]]:
    """The trained model decides; when it is unsure (or absent) the rules that matched do."""
    ruled, reasons = _sentiment_rules(hits)
    if mood is None:
        return ruled, 1.0 if reasons else 0.5, reasons
    if mood.confidence >= kit.min_sentiment_confidence or not reasons:
        return mood.intent, mood.confidence, [f"sentiment {mood.intent} "
                                              f"({mood.confidence:.2f}) by the model", *reasons]
    return ruled, mood.confidence, [f"sentiment model unsure ({mood.intent} "
                                    f"{mood.confidence:.2f}); rules decide", *reasons]


def _sentiment_rules(hits: list[Rule]) -> tuple[str, list[str]]:
    negative = [h for h in hits if h.level == "negative"]
    positive = [h for h in hits if h.level == "positive"]
    if len(negative) > len(positive) or (negative and not positive):
        return "negative", [f"rule: {h.reason}" for h in negative]
    if positive:
        return "positive", [f"rule: {h.reason}" for h in positive]
    return "neutral", []


