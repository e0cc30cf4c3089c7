"""Agents correct a message's intent or urgency. The triage shown changes, and each change is
kept as labelled data (for retraining) with who made it and when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations.models import Message
from app.db import in_workspace
from app.errors import AppError, invalid
from app.review.models import TriageCorrection
from app.triage.service import result_for
from app.triage.signals import URGENCY_LEVELS


def correct_triage(session: Session, workspace_id: int, message_id: int, actor: str,
                   intents: list[str], intent: str | None = None,
                   urgency: str | None = None) -> list[TriageCorrection]:
    """Apply the corrections that change something; returns what was recorded."""
    in_workspace(session, Message, message_id, workspace_id, "message")
    if intent is not None and intent not in intents:
        raise invalid("intent", f"not in the taxonomy: {intent!r}")
    if urgency is not None and urgency not in URGENCY_LEVELS:
        raise invalid("urgency", f"must be one of {', '.join(URGENCY_LEVELS)}")
    result = result_for(session, message_id)
    if result is None:
        raise AppError(f"message {message_id} has no triage yet", 409)
    made = []
    for field, value in (("intent", intent), ("urgency", urgency)):
        if value is not None and value != getattr(result, field):
            made.append(TriageCorrection(workspace_id=workspace_id, message_id=message_id,
                                         field=field, before=getattr(result, field),
                                         after=value, actor=actor))
            setattr(result, field, value)
    session.add_all(made)
    session.flush()
    return made


def labelled(session: Session, workspace_id: int) -> list[dict]:
    """The corrected messages as labelled examples: text and the latest corrected labels."""
    rows: dict[int, dict] = {}
    query = select(TriageCorrection, Message).join(
        Message, Message.id == TriageCorrection.message_id).where(
        TriageCorrection.workspace_id == workspace_id).order_by(TriageCorrection.id)
    for correction, message in session.execute(query):
        row = rows.setdefault(message.id, {"id": message.id, "text": message.text,
                                           "channel": message.channel})
        row[correction.field] = correction.after
    return list(rows.values())
