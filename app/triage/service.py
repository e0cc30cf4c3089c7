"""Triage a stored message and hand it on to drafting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations import service as conversations
from app.conversations.customers import tags_of
from app.conversations.models import Message
from app.outbox import service as outbox
from app.triage.models import TriageResult
from app.triage.pipeline import TriageKit, triage
from app.triage.schemas import TriageInput, TriageOutput

DRAFT_TASK = "drafting.draft_for_message"


def triage_message(session: Session, kit: TriageKit, message_id: int) -> TriageResult:
    """Idempotent: a message that already has a result keeps it."""
    existing = result_for(session, message_id)
    if existing is not None:
        return existing
    message = conversations.get_message(session, message_id)
    out = triage(context_for(session, message), kit)
    result = TriageResult(workspace_id=message.workspace_id, message_id=message.id,
                          **out.model_dump())
    session.add(result)
    session.flush()
    outbox.enqueue(session, DRAFT_TASK, {"message_id": message.id}, message.workspace_id)
    return result


def context_for(session: Session, message: Message) -> TriageInput:
    """The message with what the conversation says about it: earlier unanswered messages,
    how long the oldest has waited, and the customer's tags."""
    waiting = conversations.unanswered_before(session, message)
    hours = ((message.received_at - waiting[0].received_at).total_seconds() / 3600
             if waiting else 0.0)
    return TriageInput(text=message.text, channel=message.channel,
                       visibility=message.visibility, market=message.market,
                       order_id=message.order_id, prior_contacts=len(waiting),
                       waiting_hours=round(hours, 2),
                       customer_tags=tags_of(session, message.customer_id))


def result_for(session: Session, message_id: int) -> TriageResult | None:
    return session.scalar(select(TriageResult).where(TriageResult.message_id == message_id))


def to_output(result: TriageResult) -> TriageOutput:
    return TriageOutput(**{k: getattr(result, k) for k in TriageOutput.model_fields})
