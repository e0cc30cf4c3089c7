"""Who works on a conversation: one assignee or none, every change in the audit trail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.service import may_enter
from app.audit import service as audit
from app.conversations import service as conversations
from app.conversations.models import Conversation
from app.errors import invalid
from app.workspaces.models import Workspace

ASSIGNABLE_ROLES = ("agent", "qa_lead", "admin")


def assign(session: Session, workspace: Workspace, conversation_id: int,
           assignee_id: int | None, actor: str) -> Conversation:
    """Assign the conversation to an active user who works in the workspace, or to nobody
    (``None``). Assigning it to whom it already belongs changes nothing."""
    conversation = conversations.get_conversation(session, workspace.id, conversation_id)
    if assignee_id is not None:
        _assignable(session, workspace, assignee_id)
    if conversation.assignee_id == assignee_id:
        return conversation
    before = conversation.assignee_id
    conversation.assignee_id = assignee_id
    audit.record(session, workspace.id, actor, "conversation.assign",
                 f"conversation:{conversation.id}", before=_email(session, before),
                 after=_email(session, assignee_id))
    session.flush()
    return conversation


def assignees(session: Session, workspace: Workspace) -> list[User]:
    """Everyone a conversation of this workspace can be assigned to, by name."""
    users = session.scalars(select(User).where(User.active.is_(True),
                                               User.role.in_(ASSIGNABLE_ROLES))
                            .order_by(User.name))
    return [u for u in users if may_enter(u.workspaces, workspace.slug)]


def _assignable(session: Session, workspace: Workspace, user_id: int) -> User:
    user = session.get(User, user_id)
    if (user is None or not user.active or user.role not in ASSIGNABLE_ROLES
            or not may_enter(user.workspaces, workspace.slug)):
        raise invalid("assignee_id", f"user {user_id} cannot take conversations in "
                      f"workspace {workspace.slug!r} (unknown, inactive, a bot or elsewhere)")
    return user


def _email(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.email if user else None
