"""Customers, their identities on each channel, conversations and messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerIdentity(Base):
    """A handle that identifies a customer: a channel handle, an email or a phone number.

    ``kind`` is a channel name for platform handles, or ``email`` / ``phone``.
    """

    __tablename__ = "customer_identity"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")
    channel: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)


class Message(Base):
    """One inbound or outbound message. Inbound ones are unique per channel external id."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel", "external_id"),
        Index("ix_message_order", "workspace_id", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    direction: Mapped[str] = mapped_column(String(8))  # inbound | outbound
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(255))
    visibility: Mapped[str] = mapped_column(String(8), default="private")
    market: Mapped[str | None] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    order_id: Mapped[str | None] = mapped_column(String(64))
    sender_handle: Mapped[str | None] = mapped_column(String(320))
    sent_at: Mapped[datetime | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivery_status: Mapped[str] = mapped_column(String(16), default="received")
    draft_id: Mapped[int | None] = mapped_column(index=True)  # the draft this reply sent
    author: Mapped[str | None] = mapped_column(String(200))


class CustomerTag(Base):
    """A label on a customer (``vip``, ``wholesale``), one row each: adding or removing one
    never overwrites another agent's change, and "every VIP customer" is an indexed query on
    any database. Tags are normalised by ``conversations.customers.normalize_tag``."""

    __tablename__ = "customer_tag"
    __table_args__ = (UniqueConstraint("customer_id", "tag"),
                      Index("ix_customer_tag_workspace_tag", "workspace_id", "tag"))

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    tag: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CustomerNote(Base):
    """An internal note on a customer: shown in each of their conversations whatever the
    channel, never sent to the customer. ``author_kind``/``author_id`` say who wrote it (a
    ``user`` or an API ``key``), ``author`` is the name shown."""

    __tablename__ = "customer_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    author_kind: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
