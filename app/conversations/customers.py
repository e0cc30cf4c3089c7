"""The customer panel: tags (``vip``…) and internal notes that belong to the customer, so
they show in every conversation whatever the channel. Every change goes to the audit trail
as ``customer.tags`` (added, removed), ``customer.note_add`` or ``customer.note_delete``
(note id and text) on target ``customer:<id>``, by the actor's name (a user's e-mail, an API
key's name). Services flush; callers commit."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.service import Principal
from app.audit import service as audit
from app.conversations.models import Conversation, Customer, CustomerNote, CustomerTag
from app.conversations.schemas import CustomerConversation, CustomerOut, IdentityOut, NoteOut
from app.conversations.service import identities_of
from app.db import in_workspace
from app.errors import AppError, invalid, not_found

TAG = re.compile(r"[a-z0-9_-]{1,32}")
MAX_TAGS = 20
MAX_NOTE_CHARS = 2000


def user_actor(user: User) -> Principal:
    """A signed-in user acting in the web UI; named by e-mail, as in the review trail."""
    return Principal("user", user.id, user.email, user.role, tuple(user.workspaces))


def get_customer(session: Session, workspace_id: int, customer_id: int) -> Customer:
    return in_workspace(session, Customer, customer_id, workspace_id, "customer")


def normalize_tag(raw: str) -> str:
    """Trimmed and lower-cased; 1-32 of a-z, 0-9, '-' and '_', else a 422."""
    tag = raw.strip().lower()
    if not TAG.fullmatch(tag):
        raise invalid("tags", f"{raw.strip()[:40]!r} is not a valid tag: use 1-32 letters "
                              "a-z, digits, '-' or '_'")
    return tag


def tags_of(session: Session, customer_id: int) -> list[str]:
    return list(session.scalars(select(CustomerTag.tag).where(
        CustomerTag.customer_id == customer_id).order_by(CustomerTag.tag)))


def set_tags(session: Session, workspace_id: int, customer_id: int, tags: list[str],
             actor: Principal) -> list[str]:
    """Replace the customer's tags with this set; returns the tags now held, sorted."""
    get_customer(session, workspace_id, customer_id)
    wanted = sorted({normalize_tag(t) for t in tags})
    if len(wanted) > MAX_TAGS:
        raise invalid("tags", f"at most {MAX_TAGS} tags per customer ({len(wanted)} given)")
    held = {row.tag: row for row in session.scalars(select(CustomerTag).where(
        CustomerTag.customer_id == customer_id))}
    added = [t for t in wanted if t not in held]
    removed = sorted(t for t in held if t not in wanted)
    for tag in removed:
        session.delete(held[tag])
    session.add_all(CustomerTag(workspace_id=workspace_id, customer_id=customer_id, tag=t)
                    for t in added)
    session.flush()
    if added or removed:
        _audit(session, workspace_id, customer_id, actor, "customer.tags", added=added,
               removed=removed)
    return wanted


def add_tag(session: Session, workspace_id: int, customer_id: int, raw: str,
            actor: Principal) -> list[str]:
    return set_tags(session, workspace_id, customer_id,
                    [*tags_of(session, customer_id), raw], actor)


def remove_tag(session: Session, workspace_id: int, customer_id: int, raw: str,
               actor: Principal) -> list[str]:
    gone = raw.strip().lower()
    return set_tags(session, workspace_id, customer_id,
                    [t for t in tags_of(session, customer_id) if t != gone], actor)


def add_note(session: Session, workspace_id: int, customer_id: int, text: str,
             actor: Principal) -> CustomerNote:
    get_customer(session, workspace_id, customer_id)
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise invalid("text", "a note cannot be empty")
    if len(body) > MAX_NOTE_CHARS:
        raise invalid("text", f"at most {MAX_NOTE_CHARS} characters ({len(body)} given)")
    if "\x00" in body:
        raise invalid("text", "must not contain NUL characters")
    note = CustomerNote(workspace_id=workspace_id, customer_id=customer_id, text=body,
                        author=actor.name, author_kind=actor.kind, author_id=actor.id)
    session.add(note)
    session.flush()
    _audit(session, workspace_id, customer_id, actor, "customer.note_add", note_id=note.id,
           text=body)
    return note


def may_delete(note: CustomerNote, actor: Principal) -> bool:
    """A note may be deleted by its author or by an admin."""
    return actor.role == "admin" or (note.author_kind, note.author_id) == (actor.kind,
                                                                           actor.id)


def delete_note(session: Session, workspace_id: int, customer_id: int, note_id: int,
                actor: Principal) -> None:
    get_customer(session, workspace_id, customer_id)
    note = session.get(CustomerNote, note_id)
    if note is None or note.customer_id != customer_id:
        raise not_found("note", note_id)
    if not may_delete(note, actor):
        raise AppError(f"note {note_id} was written by {note.author}; only its author or an "
                       "admin may delete it", 403)
    _audit(session, workspace_id, customer_id, actor, "customer.note_delete", note_id=note.id,
           text=note.text, author=note.author)
    session.delete(note)
    session.flush()


def notes_of(session: Session, customer_id: int) -> list[CustomerNote]:
    """The customer's notes, the newest first."""
    return list(session.scalars(select(CustomerNote).where(
        CustomerNote.customer_id == customer_id)
        .order_by(CustomerNote.created_at.desc(), CustomerNote.id.desc())))


def conversations_of(session: Session, customer_id: int) -> list[Conversation]:
    """The customer's conversations on every channel, the most recently active first."""
    return list(session.scalars(select(Conversation).where(
        Conversation.customer_id == customer_id)
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())))


def panel(session: Session, workspace_id: int, customer_id: int,
          viewer: Principal) -> CustomerOut:
    """Everything the customer panel shows, with which notes this viewer may delete."""
    customer = get_customer(session, workspace_id, customer_id)
    return CustomerOut(
        id=customer.id, name=customer.name,
        identities=[IdentityOut(kind=i.kind, handle=i.handle)
                    for i in identities_of(session, customer.id)],
        tags=tags_of(session, customer.id),
        notes=[NoteOut(id=n.id, text=n.text, author=n.author, created_at=n.created_at,
                       deletable=may_delete(n, viewer)) for n in notes_of(session, customer.id)],
        conversations=[CustomerConversation.model_validate(c)
                       for c in conversations_of(session, customer.id)])


def _audit(session: Session, workspace_id: int, customer_id: int, actor: Principal,
           action: str, **detail) -> None:
    audit.record(session, workspace_id, actor.name, action, f"customer:{customer_id}",
                 **detail)
