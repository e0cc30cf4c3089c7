"""Helpers for the customer-panel tests: a customer with conversations on several channels,
and the audit events of a workspace."""

from __future__ import annotations

import time

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.conversations import service as conversations
from app.db import unit_of_work
from app.workspaces.service import ensure_workspace, get_by_slug


def make_customer(runtime, slug: str, handle: str = "jonas@example.com",
                  channels: tuple[str, ...] = ("email",)) -> tuple[int, list[int]]:
    """A customer with one conversation per channel (each closed before the next, as after a
    resolved case); returns the customer id and the conversation ids."""
    ids = []
    with unit_of_work(runtime.session_factory) as session:
        ws = ensure_workspace(session, slug)
        for channel in channels:
            customer = conversations.resolve_customer(session, ws.id, channel, handle,
                                                      "Jonas Weber", handle, None, None)
            conversation = conversations.open_conversation(session, ws.id, customer.id,
                                                           channel)
            conversations.add_message(session, conversation, customer_id=customer.id,
                                      direction="inbound", channel=channel,
                                      external_id=f"{channel}-{time.monotonic_ns()}",
                                      text="Hello")
            conversation.status = "closed"
            ids.append(conversation.id)
        return customer.id, ids


def audit_events(runtime, slug: str) -> list[tuple[str, str, str, dict]]:
    """(actor, action, target, detail) of the workspace's audit events, oldest first."""
    with runtime.session_factory() as session:
        rows = session.scalars(select(AuditEvent).where(
            AuditEvent.workspace_id == get_by_slug(session, slug).id).order_by(AuditEvent.id))
        return [(e.actor, e.action, e.target, e.detail) for e in rows]
