"""Triage: urgency rules in several languages, sentiment, language, and the data files."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.triage.pipeline import triage
from app.triage.schemas import TriageInput
from app.triage.taxonomy import load_taxonomy

CONTRACT_INTENTS = [
    "order_status", "shipping_delay", "delivery_problem", "cancel_order", "change_order",
    "return_request", "refund_request", "refund_status", "payment_issue", "invoice_request",
    "customs_duties", "product_question", "warranty_defect", "account_issue", "discount_promo",
    "complaint", "contact_human", "feedback_praise", "spam_other"]


def test_the_shipped_taxonomy_is_the_contract_v1():
    taxonomy = load_taxonomy(PROJECT_ROOT / "prompts" / "triage" / "taxonomy-v1.yaml")
    assert taxonomy.names == CONTRACT_INTENTS
    assert taxonomy.tag == "default@1"
    assert min(len(i.examples) for i in taxonomy.intents) >= 20


@pytest.mark.parametrize(("text", "reason"), [
    ("If this isn't sorted by Friday I'm handing it to my lawyer.",
     "urgency urgent: legal action or a lawyer mentioned"),
    ("Wenn ich bis Montag nichts höre, schalte ich meinen Anwalt ein.",
     "urgency urgent: legal action or a lawyer mentioned"),
    ("La lampe a commencé à fumer et il y avait une odeur de brûlé !",
     "urgency urgent: injury or safety hazard"),
    ("He abierto una disputa en PayPal porque no llega el pedido.",
     "urgency urgent: chargeback, payment dispute or marketplace claim opened or threatened"),
    ("アカウントが乗っ取られました。知らない注文があります。",
     "urgency urgent: hacked or compromised account"),
    ("台灯插上电后冒烟了，差点着火！", "urgency urgent: injury or safety hazard"),
])
def test_what_must_never_be_missed_is_urgent_in_every_language(sqlite_runtime, text, reason):
    result = triage(TriageInput(text=text), sqlite_runtime.triage_kit)
    assert result.urgency == "urgent"
    assert reason in result.reasons


def test_an_unhappy_public_comment_is_at_least_high(sqlite_runtime):
    text = "Honestly disappointed, the vase arrived and looks nothing like the photos."
    private = triage(TriageInput(text=text), sqlite_runtime.triage_kit)
    public = triage(TriageInput(text=text, visibility="public"), sqlite_runtime.triage_kit)
    assert private.sentiment == public.sentiment == "negative"
    assert public.urgency in {"high", "urgent"}
    assert "urgency high: unhappy public message" in public.reasons or public.urgency == "urgent"


def test_praise_is_positive_and_low(sqlite_runtime):
    result = triage(TriageInput(text="Thank you so much, the lamp is gorgeous and arrived early!"),
                    sqlite_runtime.triage_kit)
    assert result.sentiment == "positive"
    assert result.urgency == "low"
    assert result.intent == "feedback_praise"


@pytest.mark.parametrize(("text", "language"), [
    ("Bonjour, je n'ai toujours pas reçu ma commande.", "fr"),
    ("Hallo, meine Bestellung ist noch nicht angekommen.", "de"),
    ("Hola, mi pedido todavía no ha llegado.", "es"),
    ("注文した商品がまだ届いていません。", "ja"),
    ("我的订单还没有到。", "zh"),
])
def test_language(sqlite_runtime, text, language):
    assert triage(TriageInput(text=text), sqlite_runtime.triage_kit).language == language


def test_result_records_model_and_taxonomy(sqlite_runtime):
    result = triage(TriageInput(text="Where is my parcel?"), sqlite_runtime.triage_kit)
    assert result.model_id == sqlite_runtime.triage_kit.classifier.model_id
    assert result.model_id.startswith("intent-lr@default@1-")
    assert result.taxonomy_version == "default@1"
    assert result.reasons[0] == (
        f"intent {result.intent} ({result.intent_confidence:.2f}); runner-up "
        f"{result.intent_runner_up} ({result.intent_runner_up_confidence:.2f})")
    assert (result.intent, result.intent_runner_up) == ("order_status", "delivery_problem")


def test_the_rules_that_matched_are_listed_by_id(sqlite_runtime):
    """Callers (the bot's anger check) read which rules matched without parsing reasons."""
    text = ("This is absolutely unacceptable!!! Still waiting after three weeks, the lamp "
            "arrived broken")
    result = triage(TriageInput(text=text), sqlite_runtime.triage_kit)
    assert result.signals == ["anger", "frustration", "lost_or_damaged", "problem",
                              "strong_anger"]
    assert triage(TriageInput(text="Where is my parcel?"),
                  sqlite_runtime.triage_kit).signals == []


def test_a_bad_pattern_is_reported_with_its_rule_language_and_text(tmp_path):
    import pytest

    from app.errors import AppError
    from app.triage.signals import load_signals

    path = tmp_path / "signals.yaml"
    path.write_text("version: 1\nurgency:\n  urgent:\n    - id: legal\n      reason: lawyer\n"
                    "      patterns: {de: ['Anwalt(']}\n", encoding="utf-8")
    with pytest.raises(AppError, match=r"rule legal \(de\): bad pattern 'Anwalt\(': "):
        load_signals(path)
