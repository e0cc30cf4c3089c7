"""The customer panel's forms on the conversation page: add or remove a tag, add a note,
delete a note (its author or an admin). CSRF-checked POSTs that go back to the conversation."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.conversations import customers
from app.deps import get_rt, get_session
from app.web.router import _back, _form_workspace, current_user
from app.wiring import Runtime

router = APIRouter(include_in_schema=False)


@router.post("/customers/{customer_id}/tags")
def add_tag(customer_id: int, tag: str = Form(...), csrf: str = Form(...),
            conversation_id: int = Form(...), workspace: str = Form(...),
            session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
            me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    customers.add_tag(session, ws.id, customer_id, tag, customers.user_actor(user))
    session.commit()
    return _back(conversation_id, ws)


@router.post("/customers/{customer_id}/tags/remove")
def remove_tag(customer_id: int, tag: str = Form(...), csrf: str = Form(...),
               conversation_id: int = Form(...), workspace: str = Form(...),
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    customers.remove_tag(session, ws.id, customer_id, tag, customers.user_actor(user))
    session.commit()
    return _back(conversation_id, ws)


@router.post("/customers/{customer_id}/notes")
def add_note(customer_id: int, text: str = Form(...), csrf: str = Form(...),
             conversation_id: int = Form(...), workspace: str = Form(...),
             session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
             me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    customers.add_note(session, ws.id, customer_id, text, customers.user_actor(user))
    session.commit()
    return _back(conversation_id, ws)


@router.post("/customers/{customer_id}/notes/{note_id}/delete")
def delete_note(customer_id: int, note_id: int, csrf: str = Form(...),
                conversation_id: int = Form(...), workspace: str = Form(...),
                session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
                me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    customers.delete_note(session, ws.id, customer_id, note_id, customers.user_actor(user))
    session.commit()
    return _back(conversation_id, ws)
