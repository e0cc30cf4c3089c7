"""The inbox: one row per conversation, newest activity first, with what an agent needs to
pick the next one (a read model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations.models import Conversation, Customer, Message
from app.db import utcnow
from app.drafting.models import Draft
from app.triage.models import TriageResult


@dataclass(frozen=True)
class InboxRow:
    conversation_id: int
    customer: str
    channel: str
    language: str
    intent: str
    urgency: str
    sentiment: str
    preview: str
    waiting_minutes: int | None  # since the last unanswered customer message
    draft_status: str | None
    needs_human: bool
    last_message_at: datetime


URGENCY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def inbox(session: Session, workspace_id: int, limit: int = 200) -> list[InboxRow]:
    """Every conversation (up to ``limit``), the most recently active first."""
    conversations = session.scalars(
        select(Conversation).where(Conversation.workspace_id == workspace_id)
        .order_by(Conversation.last_message_at.desc()).limit(limit))
    return [_row(session, c) for c in conversations]


def select_rows(rows: list[InboxRow], channel: str | None = None, needs_human: bool = False,
                sort: str = "recent") -> list[InboxRow]:
    """The rows an agent asked for: one channel, only those needing a human, sorted by
    recency (as given), urgency or waiting time."""
    rows = [r for r in rows if (channel is None or r.channel == channel)
            and (not needs_human or r.needs_human)]
    if sort == "urgency":
        rows.sort(key=lambda r: (URGENCY_ORDER.get(r.urgency, 9), -(r.waiting_minutes or 0)))
    elif sort == "waiting":
        rows.sort(key=lambda r: -(r.waiting_minutes or -1))
    return rows


def _row(session: Session, conversation: Conversation) -> InboxRow:
    messages = list(session.scalars(select(Message).where(
        Message.conversation_id == conversation.id).order_by(Message.id)))
    inbound = [m for m in messages if m.direction == "inbound"]
    last = inbound[-1] if inbound else messages[-1]
    triage = session.scalar(select(TriageResult).where(TriageResult.message_id == last.id))
    draft = session.scalar(select(Draft).where(Draft.message_id == last.id))
    answered = any(m.direction == "outbound" and m.id > last.id for m in messages)
    customer = session.get(Customer, conversation.customer_id)
    waiting = None if answered else int((utcnow() - last.received_at).total_seconds() // 60)
    return InboxRow(
        conversation_id=conversation.id, customer=(customer.name if customer else None) or "—",
        channel=last.channel, language=triage.language if triage else "und",
        intent=triage.intent if triage else "—", urgency=triage.urgency if triage else "normal",
        sentiment=triage.sentiment if triage else "neutral", preview=last.text[:140],
        waiting_minutes=waiting, draft_status=draft.status if draft else None,
        needs_human=bool(draft and draft.needs_human and draft.status == "pending"),
        last_message_at=conversation.last_message_at)
