"""Pages for QA leads and admins: the audit trail (/audit), and for admins the users
(/admin/users) and API keys (/admin/keys) of a workspace.

Refusals are pages, not JSON: a role that may not open a page gets a 403 page, a workspace the
user may not enter a 404 page. Every account change made here is written to the audit trail
of the workspace whose page it was made on, with the admin as the actor.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.accounts import service as accounts
from app.accounts.models import ALL_WORKSPACES, KEY_ROLES, USER_ROLES, User
from app.audit import service as audit
from app.deps import get_rt, get_session
from app.errors import AppError, invalid
from app.review import audit_trail
from app.web.router import LEADS, _form_workspace, _page, _workspace, current_user
from app.wiring import Runtime

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
ACTION_KINDS = ("draft", "draft.approve", "draft.edit", "draft.reject", "draft.regenerate",
                "triage.correct", "customer", "kb", "user", "key")
DONE = {"user-created": "User created.", "role-changed": "Role changed.",
        "user-disabled": "User disabled: they can no longer sign in.",
        "user-enabled": "User enabled.", "key-revoked": "API key revoked: it stops working now."}


class PageError(Exception):
    """A refusal shown as an HTML page (with the navigation of who is signed in)."""

    def __init__(self, status: int, message: str, me=None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        # plain values: the request's session is closed when the page is rendered
        self.user = {"name": me[0].name, "role": me[0].role} if me else None
        self.csrf = me[1].csrf if me else ""


def page_error(request: Request, exc: PageError) -> HTMLResponse:
    return _page(request, "error.html", {"user": exc.user, "csrf": exc.csrf,
                                         "status": exc.status, "message": exc.message},
                 exc.status)


def _role(me, roles: tuple[str, ...], what: str):
    if me[0].role not in roles:
        raise PageError(403, f"Your role ({me[0].role}) may not open {what}. "
                             "Ask an admin if you need it.", me)
    return me


def lead(me=Depends(current_user)):
    return _role(me, LEADS, "the audit trail (QA leads and admins)")


def admin(me=Depends(current_user)):
    return _role(me, ("admin",), "the admin pages (admins only)")


def _ws(session: Session, rt: Runtime, me, slug: str | None):
    try:
        return _workspace(session, rt, me[0], slug)
    except AppError as exc:
        raise PageError(exc.status_code, exc.message, me) from exc


def _form(session: Session, rt: Runtime, me, csrf: str, workspace: str):
    """A form's checks, refused as a page: its CSRF token, then its workspace."""
    try:
        return _form_workspace(session, rt, me, csrf, workspace)
    except AppError as exc:
        raise PageError(exc.status_code, exc.message, me) from exc


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


# -- the audit trail ----------------------------------------------------------------------


def _day(value: str, name: str, me, days_after: int = 0) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise PageError(422, f"{name}: not a date (YYYY-MM-DD): {value[:40]}", me) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=days_after)


def _trail_filter(me, actor: str, action: str, target: str, since: str,
                  until: str) -> audit_trail.TrailFilter:
    """The page's filters; ``until`` is a whole day (inclusive)."""
    return audit_trail.TrailFilter(actor.strip() or None, action.strip() or None,
                                   target.strip() or None, _day(since, "from", me),
                                   _day(until, "to", me, days_after=1))


@router.get("/audit")
def audit_page(request: Request, actor: str = "", action: str = "", target: str = "",
               since: str = "", until: str = "", offset: int = 0,
               workspace: str | None = None, session: Session = Depends(get_session),
               rt: Runtime = Depends(get_rt), me=Depends(lead)) -> HTMLResponse:
    ws = _ws(session, rt, me, workspace)
    filters = _trail_filter(me, actor, action, target, since, until)
    page = audit_trail.trail(session, ws.id, filters, PER_PAGE, max(0, offset))
    form = {"actor": actor, "action": action, "target": target, "since": since,
            "until": until}
    return _page(request, "audit.html", {
        "user": me[0], "csrf": me[1].csrf, "workspace": ws.slug, "page": page, "form": form,
        "kinds": ACTION_KINDS, "query": urlencode({"workspace": ws.slug} | form),
        "diff": audit_trail.word_diff, "when": _when})


@router.get("/audit.csv")
def audit_csv(actor: str = "", action: str = "", target: str = "", since: str = "",
              until: str = "", workspace: str | None = None,
              session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
              me=Depends(lead)) -> Response:
    ws = _ws(session, rt, me, workspace)
    filters = _trail_filter(me, actor, action, target, since, until)
    page = audit_trail.trail(session, ws.id, filters, audit_trail.MAX_EXPORT)
    return Response(audit_trail.as_csv(page.entries), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="audit-{ws.slug}.csv"'})


# -- users --------------------------------------------------------------------------------


def _done(what: str, ws, code: str) -> Response:
    return RedirectResponse(f"/admin/{what}?{urlencode({'workspace': ws.slug, 'done': code})}",
                            status_code=303)


def _text(value: str, name: str, longest: int) -> str:
    value = value.strip()
    if not value or len(value) > longest or "\x00" in value:
        raise invalid(name, f"required, at most {longest} characters")
    return value


def _users(request: Request, session: Session, me, ws, status: int = 200, **shown) -> Response:
    user, web = me
    return _page(request, "admin_users.html", {
        "user": user, "csrf": web.csrf, "workspace": ws.slug, "roles": USER_ROLES,
        "users": accounts.users_of(session, ws.slug), "when": _when,
        "may_manage": lambda u: accounts.may_manage(user.workspaces, u.workspaces),
        "everywhere": ALL_WORKSPACES in user.workspaces, "min_password": accounts.MIN_PASSWORD,
        "notice": None, "error": None, "form": {}} | shown, status)


@router.get("/admin/users")
def users_page(request: Request, workspace: str | None = None, done: str = "",
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(admin)) -> Response:
    return _users(request, session, me, _ws(session, rt, me, workspace),
                  notice=DONE.get(done))


def _new_user(session: Session, admin_user: User, ws, email: str, name: str, role: str,
              password: str, scope: str) -> User:
    workspaces = accounts.scope_for(admin_user.workspaces, ws.slug, scope == "all")
    made = accounts.create_user(session, _text(email, "email", 254), _text(name, "name", 200),
                                role, password, workspaces)
    audit.record(session, ws.id, admin_user.email, "user.create", f"user:{made.email}",
                 email=made.email, name=made.name, role=made.role,
                 workspaces=list(made.workspaces))
    return made


@router.post("/admin/users")
def create_user(request: Request, email: str = Form(""), name: str = Form(""),
                role: str = Form("agent"), password: str = Form(""),
                scope: str = Form("workspace"), csrf: str = Form(""),
                workspace: str = Form(""), session: Session = Depends(get_session),
                rt: Runtime = Depends(get_rt), me=Depends(admin)) -> Response:
    user, ws = _form(session, rt, me, csrf, workspace)
    try:
        _new_user(session, user, ws, email, name, role, password, scope)
    except AppError as exc:
        form = {"email": email, "name": name, "role": role, "scope": scope}
        return _users(request, session, me, ws, exc.status_code, error=exc.message, form=form)
    session.commit()
    return _done("users", ws, "user-created")


@router.post("/admin/users/{user_id}/role")
def change_role(request: Request, user_id: int, role: str = Form(""), csrf: str = Form(""),
                workspace: str = Form(""), session: Session = Depends(get_session),
                rt: Runtime = Depends(get_rt), me=Depends(admin)) -> Response:
    user, ws = _form(session, rt, me, csrf, workspace)
    try:
        target = accounts.managed_user(session, user, ws.slug, user_id)
        before = accounts.set_role(session, user, target, role)
    except AppError as exc:
        return _users(request, session, me, ws, exc.status_code, error=exc.message)
    if before != role:
        audit.record(session, ws.id, user.email, "user.role", f"user:{target.email}",
                     before=before, after=role)
    session.commit()
    return _done("users", ws, "role-changed")


def _switch(request: Request, session: Session, rt: Runtime, me, user_id: int, csrf: str,
            workspace: str, active: bool) -> Response:
    user, ws = _form(session, rt, me, csrf, workspace)
    verb = "enable" if active else "disable"
    try:
        target = accounts.managed_user(session, user, ws.slug, user_id)
        changed = accounts.set_active(session, user, target, active)
    except AppError as exc:
        return _users(request, session, me, ws, exc.status_code, error=exc.message)
    if changed:
        audit.record(session, ws.id, user.email, f"user.{verb}", f"user:{target.email}")
    session.commit()
    return _done("users", ws, f"user-{verb}d")


@router.post("/admin/users/{user_id}/disable")
def disable_user(request: Request, user_id: int, csrf: str = Form(""),
                 workspace: str = Form(""), session: Session = Depends(get_session),
                 rt: Runtime = Depends(get_rt), me=Depends(admin)) -> Response:
    return _switch(request, session, rt, me, user_id, csrf, workspace, active=False)


@router.post("/admin/users/{user_id}/enable")
def enable_user(request: Request, user_id: int, csrf: str = Form(""),
                workspace: str = Form(""), session: Session = Depends(get_session),
                rt: Runtime = Depends(get_rt), me=Depends(admin)) -> Response:
    return _switch(request, session, rt, me, user_id, csrf, workspace, active=True)


# -- API keys -----------------------------------------------------------------------------


def _keys(request: Request, session: Session, me, ws, status: int = 200, **shown) -> Response:
    user, web = me
    response = _page(request, "admin_keys.html", {
        "user": user, "csrf": web.csrf, "workspace": ws.slug, "roles": KEY_ROLES,
        "keys": accounts.keys_of(session, ws.slug), "when": _when,
        "may_manage": lambda k: accounts.may_manage(user.workspaces, k.workspaces),
        "everywhere": ALL_WORKSPACES in user.workspaces, "notice": None, "error": None,
        "form": {}, "new_key": None} | shown, status)
    response.headers["Cache-Control"] = "no-store"  # a new key is on the page once
    return response


@router.get("/admin/keys")
def keys_page(request: Request, workspace: str | None = None, done: str = "",
              session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
              me=Depends(admin)) -> Response:
    return _keys(request, session, me, _ws(session, rt, me, workspace), notice=DONE.get(done))


@router.post("/admin/keys")
def create_key(request: Request, name: str = Form(""), role: str = Form("integration"),
               scope: str = Form("workspace"), csrf: str = Form(""),
               workspace: str = Form(""), session: Session = Depends(get_session),
               rt: Runtime = Depends(get_rt), me=Depends(admin)) -> Response:
    """Make a key and show it on the page this answers with: the only time it is shown."""
    user, ws = _form(session, rt, me, csrf, workspace)
    try:
        workspaces = accounts.scope_for(user.workspaces, ws.slug, scope == "all")
        row, key = accounts.create_api_key(session, _text(name, "name", 200), role, workspaces)
    except AppError as exc:
        form = {"name": name, "role": role, "scope": scope}
        return _keys(request, session, me, ws, exc.status_code, error=exc.message, form=form)
    audit.record(session, ws.id, user.email, "key.create", f"key:{row.prefix}", name=row.name,
                 role=row.role, workspaces=list(row.workspaces))
    session.commit()
    return _keys(request, session, me, ws, new_key={"key": key, "prefix": row.prefix,
                                                    "name": row.name})


@router.post("/admin/keys/{prefix}/revoke")
def revoke_key(request: Request, prefix: str, csrf: str = Form(""), workspace: str = Form(""),
               session: Session = Depends(get_session), rt: Runtime = Depends(get_rt),
               me=Depends(admin)) -> Response:
    user, ws = _form(session, rt, me, csrf, workspace)
    try:
        row = accounts.managed_key(session, user, ws.slug, prefix)
    except AppError as exc:
        return _keys(request, session, me, ws, exc.status_code, error=exc.message)
    if row.revoked_at is None:
        accounts.revoke_api_key(session, prefix)
        audit.record(session, ws.id, user.email, "key.revoke", f"key:{prefix}", name=row.name,
                     role=row.role)
    session.commit()
    return _done("keys", ws, "key-revoked")
