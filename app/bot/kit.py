"""The bot's kit from the service's parts: replies, the order source, triage, and sentences
of the knowledge base (the policy for a delayed, held or lost parcel; the support hours)."""

from __future__ import annotations

from collections.abc import Callable

from app.bot.dialogue import MAX_FAILURES, BotKit, Replies
from app.drafting.composer import passage_sentences
from app.drafting.grounding import NOT_FACTS
from app.knowledge.pipeline import KnowledgeKit, ground_many
from app.knowledge.schemas import KBQuery
from app.orders.ports import Order, OrderProvider
from app.triage.pipeline import TriageKit, triage
from app.triage.schemas import TriageInput

POLICY_TOPICS = {"delayed": ["shipping-times", "lost-parcel"],
                 "customs_hold": ["customs-duties"],
                 "lost": ["lost-parcel"],
                 "returned_to_sender": ["lost-parcel", "order-tracking"]}
HOURS_TOPICS = ["contact-hours"]
QUOTED = 2  # sentences


def bot_kit(replies: Replies, orders: OrderProvider, triage_kit: TriageKit,
            knowledge: KnowledgeKit, channel: str, market: str | None,
            max_failures: int = MAX_FAILURES) -> BotKit:
    def quote(question: str, language: str, topics: list[str], where: str | None) -> list[str]:
        return quote_knowledge(knowledge, question, language, topics, channel, where)

    def policy(order: Order, language: str) -> list[str]:
        question = replies.get(language)["questions"][order.status]
        return quote(question, language, POLICY_TOPICS.get(order.status, []), order.market)

    def hours(language: str) -> list[str]:
        return quote(replies.get(language)["questions"]["hours"], language, HOURS_TOPICS, market)

    return BotKit(replies, orders, _triage(triage_kit, channel, market), policy, hours,
                  max_failures)


def quote_knowledge(knowledge: KnowledgeKit, question: str, language: str,
                    topics: list[str], channel: str | None, market: str | None,
                    limit: int = QUOTED) -> list[str]:
    """The opening sentences (a section states its rule first) of the section of the given
    topics that best answers the question, in the customer's language; none when the
    knowledge base has no confident passage."""
    result = ground_many([KBQuery(text=question, market=market, channel=channel,
                                  language=language, prefer_topics=topics,
                                  whole_topics=topics)], knowledge)[0]
    sections = sorted((p for p in result.sections
                       if p.topic in topics and p.language == language),
                      key=lambda p: -p.similarity)
    if not result.confident or not sections:
        return []
    facts = [s for s in passage_sentences(sections[0].text) if not s.endswith(NOT_FACTS)]
    return facts[:limit]


def _triage(kit: TriageKit, channel: str, market: str | None) -> Callable:
    return lambda text: triage(TriageInput(text=text, channel=channel, market=market), kit)
