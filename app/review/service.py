"""Approve, edit, reject or regenerate drafts. Only approved text is sent, exactly once.

The state change is a conditional UPDATE (pending -> approved/rejected), so two approvals
racing each other cannot both win: the loser gets 409.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.conversations import service as conversations
from app.conversations.models import Message
from app.db import in_workspace, utcnow
from app.drafting import service as drafting
from app.drafting.models import Draft
from app.drafting.pipeline import DraftKit
from app.errors import AppError, conflict
from app.knowledge.pipeline import KnowledgeKit
from app.outbox import service as outbox
from app.review.models import ReviewEvent

DELIVER_TASK = "channels.deliver"


def list_drafts(session: Session, workspace_id: int, status: str | None,
                limit: int = 50, offset: int = 0) -> list[Draft]:
    query = select(Draft).where(Draft.workspace_id == workspace_id)
    if status:
        query = query.where(Draft.status == status)
    return list(session.scalars(query.order_by(Draft.id).limit(limit).offset(offset)))


def get_draft(session: Session, workspace_id: int, draft_id: int) -> Draft:
    return in_workspace(session, Draft, draft_id, workspace_id, "draft")


def approve(session: Session, workspace_id: int, draft_id: int, actor: str,
            edited_text: str | None = None) -> tuple[Draft, Message]:
    draft = get_draft(session, workspace_id, draft_id)
    final = edited_text if edited_text is not None else draft.text
    if not final.strip():
        raise AppError("text: an approved reply cannot be empty", 422)
    _transition(session, draft, "approved", final)
    action = "edit" if edited_text is not None and edited_text != draft.text else "approve"
    _record(session, draft, actor, action, after=final)
    outbound = _queue_reply(session, draft, final, actor)
    return draft, outbound


def reject(session: Session, workspace_id: int, draft_id: int, actor: str,
           reason: str) -> Draft:
    draft = get_draft(session, workspace_id, draft_id)
    _transition(session, draft, "rejected", None)
    _record(session, draft, actor, "reject", after=None, reason=reason)
    return draft


def regenerate(session: Session, workspace_id: int, draft_id: int, actor: str,
               kit: DraftKit, knowledge_for: Callable[[str], KnowledgeKit],
               top_k: int) -> Draft:
    """Draft the reply again (after a triage correction or a knowledge-base change) in
    place of the pending draft; the old text stays in the review trail."""
    draft = get_draft(session, workspace_id, draft_id)
    before = draft.text
    out = drafting.compose(session, conversations.get_message(session, draft.message_id),
                           kit, knowledge_for, top_k)
    _while_pending(session, draft, **drafting.fields_of(out), created_at=utcnow())
    _record(session, draft, actor, "regenerate", after=draft.text, before=before)
    return draft


def _transition(session: Session, draft: Draft, status: str, final_text: str | None) -> None:
    _while_pending(session, draft, status=status, final_text=final_text, decided_at=utcnow())


def _while_pending(session: Session, draft: Draft, **values) -> None:
    """Change the draft only while it is pending (one conditional UPDATE, so of two racing
    changes one wins and the other gets 409); the draft is refreshed either way."""
    changed = session.execute(
        update(Draft).where(Draft.id == draft.id, Draft.status == "pending")
        .values(**values).execution_options(synchronize_session=False))
    session.refresh(draft)
    if changed.rowcount != 1:
        raise conflict(f"draft {draft.id} is already {draft.status}; nothing was changed")


def _record(session: Session, draft: Draft, actor: str, action: str, after: str | None,
            reason: str | None = None, before: str | None = None) -> None:
    session.add(ReviewEvent(workspace_id=draft.workspace_id, draft_id=draft.id, actor=actor,
                            action=action, before_text=draft.text if before is None
                            else before, after_text=after, reason=reason))


def _queue_reply(session: Session, draft: Draft, text: str, actor: str) -> Message:
    inbound = conversations.get_message(session, draft.message_id)
    conversation = conversations.get_conversation(session, draft.workspace_id,
                                                  draft.conversation_id)
    outbound = conversations.add_message(
        session, conversation, customer_id=inbound.customer_id, direction="outbound",
        channel=inbound.channel, external_id=f"omnireply-draft-{draft.id}",
        visibility=inbound.visibility, market=inbound.market, text=text, order_id=inbound.order_id,
        sender_handle=inbound.sender_handle, delivery_status="queued", draft_id=draft.id,
        author=actor)
    outbox.enqueue(session, DELIVER_TASK, {"message_id": outbound.id}, draft.workspace_id)
    return outbound


def events_for(session: Session, draft_id: int) -> list[ReviewEvent]:
    return list(session.scalars(select(ReviewEvent).where(ReviewEvent.draft_id == draft_id)
                                .order_by(ReviewEvent.id)))
