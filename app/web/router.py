"""The agents' web UI: sign in, the inbox, a conversation with its draft, approve or reject.

Server-rendered (Jinja2, autoescaped: customer text is always text), no inline scripts
(a Content-Security-Policy forbids them), every form carries a CSRF token.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.service import authenticate_password, may_enter
from app.conversations import customers
from app.conversations import service as conversations
from app.db import utcnow
from app.deps import get_rt, get_session
from app.errors import AppError, invalid, not_found
from app.review import analytics, assignment, corrections
from app.review import service as review
from app.review.inbox import FILTERS, SORTS, VIEWS, InboxQuery, choices, inbox, select_rows
from app.review.timeline import timeline
from app.triage.signals import URGENCY_LEVELS
from app.web import sessions
from app.wiring import Runtime
from app.workspaces import service as workspaces

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
REVIEWERS = ("agent", "qa_lead", "admin")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


class SignIn(Exception):
    """Not signed in (or the session ended): go to the sign-in page."""


def _secret(rt: Runtime) -> bytes:
    return sessions.secret_for(rt.settings.data_dir)


def current_user(request: Request, session: Session = Depends(get_session),
                 rt: Runtime = Depends(get_rt)) -> tuple[User, sessions.WebSession]:
    web = sessions.read(_secret(rt), request.cookies.get(sessions.COOKIE))
    user = session.get(User, web.user_id) if web else None
    if web is None or user is None or not user.active:
        raise SignIn()
    if user.role not in REVIEWERS:
        raise AppError(f"role {user.role} may not use the inbox", 403)
    return user, web


def _workspace(session: Session, rt: Runtime, user: User, slug: str | None):
    """As for the API: a workspace the user may not enter is not found, like a missing one."""
    slug = slug or rt.settings.default_workspace
    if not may_enter(user.workspaces, slug):
        raise not_found("workspace", slug)
    return workspaces.get_by_slug(session, slug)


def _page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _check_csrf(web: sessions.WebSession, token: str) -> None:
    if not sessions.same_token(web.csrf, token):
        raise AppError("the form expired or came from elsewhere (CSRF); reload and retry", 403)


def _form_workspace(session: Session, rt: Runtime, me, csrf: str, workspace: str):
    """A conversation form's checks: its CSRF token, then the workspace it acts in."""
    user, web = me
    _check_csrf(web, csrf)
    return user, _workspace(session, rt, user, workspace)


def _back(conversation_id: int, ws) -> Response:
    return RedirectResponse(f"/conversations/{conversation_id}?workspace={ws.slug}",
                            status_code=303)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/inbox", status_code=303)


@router.get("/login")
def login_form(request: Request, error: str | None = None) -> HTMLResponse:
    token = request.cookies.get(sessions.LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = _page(request, "login.html", {"csrf": token, "error": error},
                     401 if error else 200)
    response.set_cookie(sessions.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=3600)
    return response


@router.post("/login")
def login(request: Request, email: str = Form(...), password: str = Form(...),
          csrf: str = Form(...), session: Session = Depends(get_session),
          rt: Runtime = Depends(get_rt)) -> Response:
    if not sessions.same_token(request.cookies.get(sessions.LOGIN_CSRF_COOKIE), csrf):
        return login_form(request, error="The form expired. Please try again.")
    who = authenticate_password(session, email, password)
    session.commit()  # a rehashed password is kept
    if who is None:
        return login_form(request, error="Wrong e-mail or password.")
    cookie, _ = sessions.issue(_secret(rt), who.id)
    response = RedirectResponse("/inbox", status_code=303)
    response.set_cookie(sessions.COOKIE, cookie, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https",
                        max_age=sessions.LIFETIME_SECONDS)
    response.delete_cookie(sessions.LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(csrf: str = Form(...), me=Depends(current_user)) -> Response:
    _check_csrf(me[1], csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response


@router.get("/inbox")
def inbox_page(request: Request, workspace: str | None = None,
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(current_user)) -> HTMLResponse:
    user, web = me
    ws = _workspace(session, rt, user, workspace)
    everything = inbox(session, ws.id)
    query = _inbox_query(request, user)
    return _page(request, "inbox.html", {
        "user": user, "csrf": web.csrf, "workspace": ws.slug,
        "rows": select_rows(everything, query), "q": query, "views": VIEWS, "sorts": SORTS,
        "choices": choices(everything), "selected": dict(query.filters),
        "query": urlencode({"workspace": ws.slug, **_asked(request)})})


@router.get("/inbox/rows")
def inbox_rows(request: Request, workspace: str | None = None,
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(current_user)) -> HTMLResponse:
    """The inbox's rows alone, which the page fetches every few seconds (live update)."""
    user, _ = me
    ws = _workspace(session, rt, user, workspace)
    rows = select_rows(inbox(session, ws.id), _inbox_query(request, user))
    return _page(request, "_inbox_rows.html", {"rows": rows, "workspace": ws.slug})


def _asked(request: Request) -> dict[str, str]:
    """The inbox's view, filters and sort as the agent asked for them (empty ones left out)."""
    names = ("view", "sort", *FILTERS)
    return {k: v for k, v in request.query_params.items() if k in names and v}


def _inbox_query(request: Request, user: User) -> InboxQuery:
    asked = _asked(request)
    view = asked.get("view", "all")
    sort = asked.get("sort", "recent")
    if view not in VIEWS:
        raise invalid("view", f"must be one of {', '.join(VIEWS)}")
    if sort not in SORTS:
        raise invalid("sort", f"must be one of {', '.join(SORTS)}")
    return InboxQuery(view=view, sort=sort, me=user.id,
                      filters=tuple((k, asked[k]) for k in FILTERS if k in asked))


@router.get("/conversations/{conversation_id}")
def conversation_page(request: Request, conversation_id: int, workspace: str | None = None,
                      session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
                      me=Depends(current_user)) -> HTMLResponse:
    user, web = me
    ws = _workspace(session, rt, user, workspace)
    view = timeline(session, ws.id, conversation_id)
    pending = [m for m in view.messages if m.draft and m.draft.status == "pending"]
    return _page(request, "conversation.html", {
        "user": user, "csrf": web.csrf, "c": view, "workspace": ws.slug,
        "draft": pending[-1].draft if pending else None,
        "tone": rt.draft_kit.tones.get(pending[-1].channel) if pending else None,
        "assignee_id": conversations.get_conversation(session, ws.id,
                                                      conversation_id).assignee_id,
        "assignees": assignment.assignees(session, ws),
        "intents": rt.triage_kit.classifier.labels,
        "urgencies": URGENCY_LEVELS, "tag_limit": customers.MAX_TAGS,
        "customer": customers.panel(session, ws.id, view.customer_id,
                                    customers.user_actor(user))})


@router.post("/drafts/{draft_id}/approve")
def approve(draft_id: int, text: str = Form(...), csrf: str = Form(...),
            conversation_id: int = Form(...), workspace: str = Form(...),
            session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
            me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    draft = review.get_draft(session, ws.id, draft_id)
    edited = text.replace("\r\n", "\n")
    if draft.status == "pending":  # a second click finds it approved: nothing sent twice
        review.approve(session, ws.id, draft_id, user.email,
                       edited if edited != draft.text else None)
        session.commit()
    return _back(conversation_id, ws)


@router.post("/drafts/{draft_id}/reject")
def reject(draft_id: int, reason: str = Form(..., min_length=1, max_length=500),
           csrf: str = Form(...), conversation_id: int = Form(...),
           workspace: str = Form(...), session: Session = Depends(get_session),
           rt: Runtime = Depends(get_rt), me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    if review.get_draft(session, ws.id, draft_id).status == "pending":
        review.reject(session, ws.id, draft_id, user.email, reason)
        session.commit()
    return _back(conversation_id, ws)


@router.post("/conversations/{conversation_id}/assign")
def assign(conversation_id: int, assignee: str = Form(""), take: bool = Form(False),
           csrf: str = Form(...), workspace: str = Form(...),
           session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
           me=Depends(current_user)) -> Response:
    """Assign the conversation to a user (their id), to nobody (""), or take it."""
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    if assignee and not assignee.isdigit():
        raise invalid("assignee", "must be a user id or empty")
    who = user.id if take else int(assignee) if assignee else None
    assignment.assign(session, ws, conversation_id, who, user.email)
    session.commit()
    return _back(conversation_id, ws)


@router.post("/drafts/{draft_id}/regenerate")
def regenerate(draft_id: int, csrf: str = Form(...), conversation_id: int = Form(...),
               workspace: str = Form(...), session: Session = Depends(get_session),
               rt: Runtime = Depends(get_rt), me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    if review.get_draft(session, ws.id, draft_id).status == "pending":
        review.regenerate(session, ws.id, draft_id, user.email, rt.draft_kit,
                          rt.knowledge_kit, rt.settings.knowledge.top_k)
        session.commit()
    return _back(conversation_id, ws)


LEADS = ("qa_lead", "admin")


def _decisions(session: Session, rt: Runtime, user: User, workspace: str | None, days: int):
    """The workspace and its review decisions of the last ``days`` days, for QA leads and
    admins only."""
    if user.role not in LEADS:
        raise AppError(f"role {user.role} may not see the analytics (QA leads and admins)", 403)
    ws = _workspace(session, rt, user, workspace)
    start = utcnow() - timedelta(days=max(1, min(days, 3650)))
    return ws, analytics.decisions(session, ws.id, start)


@router.get("/analytics")
def analytics_page(request: Request, days: int = 30, workspace: str | None = None,
                   session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
                   me=Depends(current_user)) -> HTMLResponse:
    user, web = me
    ws, decided = _decisions(session, rt, user, workspace, days)
    return _page(request, "analytics.html", {
        "user": user, "csrf": web.csrf, "workspace": ws.slug, "days": days,
        "r": analytics.acceptance(decided)})


@router.get("/analytics.csv")
def analytics_csv(days: int = 30, workspace: str | None = None,
                  session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
                  me=Depends(current_user)) -> Response:
    ws, decided = _decisions(session, rt, me[0], workspace, days)
    return Response(analytics.as_csv(decided), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="acceptance-{ws.slug}.csv"'})


@router.post("/messages/{message_id}/triage")
def correct_triage(message_id: int, intent: str = Form(...), urgency: str = Form(...),
                   csrf: str = Form(...), conversation_id: int = Form(...),
                   workspace: str = Form(...), session: Session = Depends(get_session),
                   rt: Runtime = Depends(get_rt), me=Depends(current_user)) -> Response:
    user, ws = _form_workspace(session, rt, me, csrf, workspace)
    corrections.correct_triage(session, ws.id, message_id, user.email,
                               rt.triage_kit.classifier.labels, intent, urgency)
    session.commit()
    return _back(conversation_id, ws)
