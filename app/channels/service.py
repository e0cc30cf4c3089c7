"""Ingest normalized messages, and deliver approved replies through the channel's sender."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.channels.adapters.base import Outbound
from app.channels.adapters.registry import SenderRegistry
from app.channels.schemas import InboundMessage, IngestResult
from app.conversations import service as conversations
from app.db import utcnow
from app.errors import invalid
from app.outbox import service as outbox

TRIAGE_TASK = "triage.message"


def ingest(session: Session, workspace_id: int, message: InboundMessage,
           max_text_chars: int) -> IngestResult:
    """Store a message and its triage task in the caller's transaction; a known
    (channel, external_id) is a duplicate and stores nothing."""
    if len(message.text) > max_text_chars:
        raise invalid("text", f"is {len(message.text)} characters; the limit is {max_text_chars}")
    existing = conversations.find_message(session, workspace_id, message.channel,
                                          message.external_id)
    if existing is not None:
        return IngestResult(message_id=existing.id, conversation_id=existing.conversation_id,
                            customer_id=existing.customer_id, duplicate=True)
    return _store(session, workspace_id, message)


def _store(session: Session, workspace_id: int, message: InboundMessage) -> IngestResult:
    c = message.customer
    customer = conversations.resolve_customer(session, workspace_id, message.channel, c.handle,
                                              c.name, c.email, c.phone, message.order_id)
    conversation = conversations.open_conversation(session, workspace_id, customer.id,
                                                   message.channel)
    stored = conversations.add_message(
        session, conversation, customer_id=customer.id, direction="inbound",
        channel=message.channel.value, external_id=message.external_id,
        visibility=message.visibility.value, market=message.market, text=message.text,
        order_id=message.order_id, sender_handle=c.handle, sent_at=message.sent_at)
    outbox.enqueue(session, TRIAGE_TASK, {"message_id": stored.id}, workspace_id)
    return IngestResult(message_id=stored.id, conversation_id=conversation.id,
                        customer_id=customer.id)


def deliver(session: Session, senders: SenderRegistry, message_id: int) -> bool:
    """Send one queued outbound message; a message already sent is not sent again."""
    message = conversations.get_message(session, message_id)
    if message.direction != "outbound" or message.delivery_status == "sent":
        return False
    sender = senders.for_channel(message.channel)
    receipt = sender.send(Outbound(message.workspace_id, message.channel,
                                   message.sender_handle or "", message.text,
                                   idempotency_key=f"message-{message.id}"))
    message.delivery_status = "sent"
    message.sent_at = utcnow()
    message.author = message.author or "agent"
    session.flush()
    return not receipt.duplicate
