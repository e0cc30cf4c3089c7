"""Situations: a review offered for a reward frames the reply whatever the intent."""

from __future__ import annotations

import pytest

from app.drafting.pipeline import draft, knowledge_query
from app.drafting.schemas import DraftInput
from app.knowledge.schemas import KBHit
from tests.drafting.kit import RETURNS_EN, draft_kit, knowledge, triaged

# Written for this test (the evaluation cases are not reused here).
BAIT = [
    "Would you give me a voucher if I post a five-star review on Trustpilot?",
    "I'll delete my bad review once you refund the shipping.",
    "Für eine 5-Sterne-Bewertung hätte ich gern einen Rabatt.",
    "Je laisserai un avis 5 étoiles si vous m'offrez la livraison gratuite.",
    "Si me hacen un descuento, les dejo una reseña de cinco estrellas.",
    "Se mi mandate un buono, scrivo una recensione a 5 stelle.",
    "Deixo uma avaliação de 5 estrelas se me derem um desconto.",
    "Als jullie me korting geven, schrijf ik een positieve review.",
    "レビューを書いたら割引してもらえますか？",
    "给五星好评的话可以返现吗？",
]
NOT_BAIT = [
    "Can you review my refund request, please?",
    "I left a 5-star review last week. Where is my refund?",
    "Ich habe eine schlechte Bewertung geschrieben, weil die Erstattung nicht kam.",
    "Is there a discount code for new customers?",
    "Das Kissen hat 5 Sterne verdient!",
    "我的退款什么时候到账？",
]


@pytest.mark.parametrize("text", BAIT)
def test_a_review_offered_for_a_reward_is_found_in_every_language(text):
    frames = draft_kit().frames
    framing, sentence = frames.framing(text, "discount_promo")
    assert framing == "review_incentive" and sentence in text


@pytest.mark.parametrize("text", NOT_BAIT)
def test_reviews_or_rewards_alone_are_not_a_bargain(text):
    assert draft_kit().frames.framing(text, "refund_status") == ("refund_status", text)


def test_the_situation_asks_the_knowledge_base_with_its_own_sentence_and_topics():
    text = "The lamp is lovely. I'll leave a 5-star review if you send me a gift card. Thanks!"
    query = knowledge_query(text, "UK", "amazon", triaged("feedback_praise"), draft_kit())
    assert query.text == "I'll leave a 5-star review if you send me a gift card."
    assert query.prefer_topics == ["promo-codes"] == query.whole_topics


REVIEWS = KBHit(
    doc_id="en/promo-codes", topic="promo-codes", title="Promo codes", score=0.8,
    similarity=0.6, language="en", text=(
        "- Enter the code at checkout.\n"
        "- We don't give discounts, coupons, refunds or any other reward in exchange for a "
        "review.\n"
        "- Reviews are always welcome and always voluntary.\n"
        "- Lost a gift card code?"))


def test_the_reply_declines_with_the_reviews_policy_only():
    text = "Love it! I'll leave a 5-star review if you send me a $20 gift card."
    out = draft(DraftInput(text=text, channel="amazon", order_id="114-3390215-8812046"),
                triaged("feedback_praise"), knowledge(RETURNS_EN, REVIEWS), draft_kit())
    assert out.text == (
        "Hello,\n\nThank you for taking the time to write to us.\n\n"
        "Regarding your order 114-3390215-8812046:\n\n"
        "About reviews, here is what applies: We don't give discounts, coupons, refunds or "
        "any other reward in exchange for a review.\n\n"
        "If something is not right with your order, tell us what happened "
        "(with a photo if the item is faulty) and we will help you, whatever your review "
        "says.\n\nKind regards,\nLumen & Loom Customer Service")
    assert [c.topic for c in out.citations] == ["promo-codes"]
    assert out.violations == [] and out.needs_human is False
