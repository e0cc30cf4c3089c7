"""Customers, identities, threading and the timeline. Services flush; callers commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations.identity import identities_for
from app.conversations.models import Conversation, Customer, CustomerIdentity, Message
from app.db import in_workspace, utcnow
from app.errors import not_found

OPEN_STATUSES = ("open", "pending")


def resolve_customer(session: Session, workspace_id: int, channel: str, handle: str,
                     name: str | None, email: str | None, phone: str | None,
                     order_id: str | None) -> Customer:
    """Find the customer by any identity (or by order number), else create one; then attach
    the identities this message revealed that nobody else holds."""
    pairs = identities_for(channel, handle, email, phone)
    customer = _by_identities(session, workspace_id, pairs) or _by_order(
        session, workspace_id, order_id)
    if customer is None:
        customer = Customer(workspace_id=workspace_id, name=name)
        session.add(customer)
        session.flush()
    elif name and not customer.name:
        customer.name = name
    _attach(session, workspace_id, customer.id, pairs)
    return customer


def _by_identities(session: Session, workspace_id: int,
                   pairs: list[tuple[str, str]]) -> Customer | None:
    for kind, handle in pairs:  # the channel handle first, then email, then phone
        customer_id = session.scalar(select(CustomerIdentity.customer_id).where(
            CustomerIdentity.workspace_id == workspace_id, CustomerIdentity.kind == kind,
            CustomerIdentity.handle == handle))
        if customer_id is not None:
            return session.get(Customer, customer_id)
    return None


def _by_order(session: Session, workspace_id: int, order_id: str | None) -> Customer | None:
    if not order_id:
        return None
    customer_id = session.scalar(
        select(Message.customer_id)
        .where(Message.workspace_id == workspace_id, Message.order_id == order_id,
               Message.direction == "inbound")
        .order_by(Message.id).limit(1))
    return session.get(Customer, customer_id) if customer_id else None


def _attach(session: Session, workspace_id: int, customer_id: int,
            pairs: list[tuple[str, str]]) -> None:
    for kind, handle in pairs:
        taken = session.scalar(select(CustomerIdentity.id).where(
            CustomerIdentity.workspace_id == workspace_id, CustomerIdentity.kind == kind,
            CustomerIdentity.handle == handle))
        if taken is None:
            session.add(CustomerIdentity(workspace_id=workspace_id, customer_id=customer_id,
                                         kind=kind, handle=handle))
    session.flush()


def open_conversation(session: Session, workspace_id: int, customer_id: int,
                      channel: str) -> Conversation:
    """The customer's latest open conversation on any channel, or a new one."""
    conversation = session.scalar(
        select(Conversation)
        .where(Conversation.workspace_id == workspace_id,
               Conversation.customer_id == customer_id,
               Conversation.status.in_(OPEN_STATUSES))
        .order_by(Conversation.last_message_at.desc()).limit(1))
    if conversation is None:
        conversation = Conversation(workspace_id=workspace_id, customer_id=customer_id,
                                    channel=channel)
        session.add(conversation)
        session.flush()
    return conversation


def add_message(session: Session, conversation: Conversation, **fields) -> Message:
    message = Message(workspace_id=conversation.workspace_id,
                      conversation_id=conversation.id, **fields)
    session.add(message)
    conversation.last_message_at = utcnow()
    session.flush()
    return message


def emails_linked_to(session: Session, workspace_id: int, channel: str,
                     handle: str) -> frozenset[str]:
    """The e-mail addresses of the customer who holds this channel handle (none: unknown)."""
    kind, value = identities_for(channel, handle, None, None)[0]
    customer_id = session.scalar(select(CustomerIdentity.customer_id).where(
        CustomerIdentity.workspace_id == workspace_id, CustomerIdentity.kind == kind,
        CustomerIdentity.handle == value))
    if customer_id is None:
        return frozenset()
    return frozenset(session.scalars(select(CustomerIdentity.handle).where(
        CustomerIdentity.customer_id == customer_id, CustomerIdentity.kind == "email")))


def find_message(session: Session, workspace_id: int, channel: str,
                 external_id: str) -> Message | None:
    return session.scalar(select(Message).where(
        Message.workspace_id == workspace_id, Message.channel == channel,
        Message.external_id == external_id))


def get_message(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id)
    if message is None:
        raise not_found("message", message_id)
    return message


def get_conversation(session: Session, workspace_id: int, conversation_id: int) -> Conversation:
    return in_workspace(session, Conversation, conversation_id, workspace_id, "conversation")


def messages_of(session: Session, conversation_id: int) -> list[Message]:
    return list(session.scalars(select(Message).where(
        Message.conversation_id == conversation_id).order_by(Message.received_at, Message.id)))


def identities_of(session: Session, customer_id: int) -> list[CustomerIdentity]:
    return list(session.scalars(select(CustomerIdentity).where(
        CustomerIdentity.customer_id == customer_id).order_by(CustomerIdentity.id)))


def unanswered_before(session: Session, message: Message) -> list[Message]:
    """Inbound messages of the conversation after our last reply and before ``message``."""
    earlier = [m for m in messages_of(session, message.conversation_id)
               if (m.received_at, m.id) < (message.received_at, message.id)]
    waiting: list[Message] = []
    for m in earlier:
        waiting = [] if m.direction == "outbound" else [*waiting, m]
    return waiting
