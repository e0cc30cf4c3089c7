"""The cross-channel timeline of a conversation, with triage and drafts (a read model)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.conversations import service as conversations
from app.conversations.models import Customer
from app.conversations.schemas import (
    ConversationOut,
    DraftSummary,
    IdentityOut,
    TimelineMessage,
    TriageOut,
)
from app.drafting.service import drafts_for_conversation
from app.triage.service import result_for


def timeline(session: Session, workspace_id: int, conversation_id: int) -> ConversationOut:
    conversation = conversations.get_conversation(session, workspace_id, conversation_id)
    customer = session.get(Customer, conversation.customer_id)
    drafts = {d.message_id: d for d in drafts_for_conversation(session, conversation.id)}
    messages = [_message(session, m, drafts.get(m.id))
                for m in conversations.messages_of(session, conversation.id)]
    return ConversationOut(
        id=conversation.id, status=conversation.status, channel=conversation.channel,
        channels=sorted({m.channel for m in messages}), customer_id=customer.id,
        customer_name=customer.name,
        identities=[IdentityOut(kind=i.kind, handle=i.handle)
                    for i in conversations.identities_of(session, customer.id)],
        created_at=conversation.created_at, last_message_at=conversation.last_message_at,
        messages=messages, assignee_id=conversation.assignee_id)


def _message(session: Session, message, draft) -> TimelineMessage:
    triage = result_for(session, message.id) if message.direction == "inbound" else None
    return TimelineMessage(
        id=message.id, direction=message.direction, channel=message.channel,
        visibility=message.visibility, external_id=message.external_id, text=message.text,
        order_id=message.order_id, sent_at=message.sent_at, received_at=message.received_at,
        delivery_status=message.delivery_status, author=message.author,
        triage=TriageOut.model_validate(triage, from_attributes=True) if triage else None,
        draft=DraftSummary.model_validate(draft, from_attributes=True) if draft else None)
