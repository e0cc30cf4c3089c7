"""The inbox: one row per conversation, newest activity first, with what an agent needs to
pick the next one (a read model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.conversations.customers import tags_of
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
    tags: tuple[str, ...] = ()  # the customer's (vip, ...)
    status: str = "open"  # the conversation's
    assignee_id: int | None = None
    assignee: str | None = None  # the assignee's name


URGENCY_ORDER = {"urgent": 0, "high": 1, "normal": 2, "low": 3}


def inbox(session: Session, workspace_id: int, limit: int = 200) -> list[InboxRow]:
    """Every conversation (up to ``limit``), the most recently active first."""
    conversations = session.scalars(
        select(Conversation).where(Conversation.workspace_id == workspace_id)
        .order_by(Conversation.last_message_at.desc()).limit(limit))
    return [_row(session, c) for c in conversations]


VIEWS = ("all", "mine", "unassigned", "needs_human")
FILTERS = ("channel", "language", "intent", "urgency", "sentiment", "status")
SORTS = ("recent", "urgency", "waiting", "channel", "language", "intent", "sentiment",
         "status")


@dataclass(frozen=True)
class InboxQuery:
    """What an agent asked the inbox for: a view, exact-match filters and a sort."""

    view: str = "all"
    filters: tuple[tuple[str, str], ...] = ()  # (field, value) pairs of FILTERS
    sort: str = "recent"
    me: int | None = None  # the user asking, for "mine"


def select_rows(rows: list[InboxRow], query: InboxQuery) -> list[InboxRow]:
    """The rows an agent asked for, sorted by recency (as given), urgency, waiting time
    (longest first) or a field's value."""
    rows = [r for r in rows if _in_view(r, query) and all(
        getattr(r, name) == value for name, value in query.filters)]
    if query.sort == "urgency":
        rows.sort(key=lambda r: (URGENCY_ORDER.get(r.urgency, 9), -(r.waiting_minutes or 0)))
    elif query.sort == "waiting":
        rows.sort(key=lambda r: -(r.waiting_minutes or -1))
    elif query.sort in SORTS and query.sort != "recent":
        rows.sort(key=lambda r: getattr(r, query.sort))
    return rows


def _in_view(row: InboxRow, query: InboxQuery) -> bool:
    if query.view == "mine":
        return query.me is not None and row.assignee_id == query.me
    if query.view == "unassigned":
        return row.assignee_id is None
    if query.view == "needs_human":
        return row.needs_human
    return True


def choices(rows: list[InboxRow]) -> dict[str, list[str]]:
    """The values each filter can take in these rows."""
    return {name: sorted({getattr(r, name) for r in rows}) for name in FILTERS}


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
        last_message_at=conversation.last_message_at,
        tags=tuple(tags_of(session, conversation.customer_id)), status=conversation.status,
        assignee_id=conversation.assignee_id, assignee=_name(session, conversation.assignee_id))


def _name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user else None
