"""The customer panel over the API: identities, tags, internal notes and conversations."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from app.accounts.service import Principal
from app.conversations import customers
from app.conversations.schemas import CustomerOut, NoteIn, NoteOut, TagsIn, TagsOut
from app.deps import commit, get_session, get_workspace, require
from app.workspaces.models import Workspace

REVIEWER = require("agent", "qa_lead", "admin")
router = APIRouter(prefix="/v1/customers", tags=["customers"],
                   dependencies=[Depends(REVIEWER)])


@router.get("/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: int, session: Session = Depends(get_session),
                 workspace: Workspace = Depends(get_workspace),
                 actor: Principal = Depends(REVIEWER)):
    """The customer's identities on every channel, tags, internal notes (newest first, with
    whether the caller may delete each) and conversations (most recently active first)."""
    return customers.panel(session, workspace.id, customer_id, actor)


@router.put("/{customer_id}/tags", response_model=TagsOut)
def put_tags(customer_id: int, body: TagsIn, request: Request,
             session: Session = Depends(get_session),
             workspace: Workspace = Depends(get_workspace),
             actor: Principal = Depends(REVIEWER)):
    """Replace the customer's tags. Each is trimmed and lower-cased and must then be 1-32
    of a-z, 0-9, '-' and '_'; at most 20. A change is written to the audit trail."""
    tags = customers.set_tags(session, workspace.id, customer_id, body.tags, actor)
    commit(request, session)
    return TagsOut(tags=tags)


@router.post("/{customer_id}/notes", response_model=NoteOut, status_code=201)
def post_note(customer_id: int, body: NoteIn, request: Request,
              session: Session = Depends(get_session),
              workspace: Workspace = Depends(get_workspace),
              actor: Principal = Depends(REVIEWER)):
    """Add an internal note (1-2000 characters), shown in all the customer's conversations."""
    note = customers.add_note(session, workspace.id, customer_id, body.text, actor)
    commit(request, session)
    return NoteOut(id=note.id, text=note.text, author=note.author,
                   created_at=note.created_at, deletable=True)


@router.delete("/{customer_id}/notes/{note_id}", status_code=204,
               responses={403: {"description": "Neither the note's author nor an admin"}})
def delete_note(customer_id: int, note_id: int, request: Request,
                session: Session = Depends(get_session),
                workspace: Workspace = Depends(get_workspace),
                actor: Principal = Depends(REVIEWER)) -> Response:
    """Delete a note: its author or an admin may. The audit trail keeps what it said."""
    customers.delete_note(session, workspace.id, customer_id, note_id, actor)
    commit(request, session)
    return Response(status_code=204)
