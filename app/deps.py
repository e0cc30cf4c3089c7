"""FastAPI dependencies: the runtime, a request-scoped session, who is calling, the workspace.

Write endpoints call ``commit(request, session)`` before they return, so a 2xx is only ever
sent for a committed change; the dependency's exit only rolls back and closes.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from app.accounts.service import Principal, authenticate_key
from app.errors import AppError, not_found
from app.wiring import Runtime
from app.workspaces import service as workspaces
from app.workspaces.models import Workspace


def get_rt(request: Request) -> Runtime:
    return request.app.state.runtime


def get_session(request: Request) -> Iterator[Session]:
    session = request.app.state.runtime.session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def commit(request: Request, session: Session) -> None:
    """The request boundary: commit, then wake the outbox relay for the new tasks."""
    session.commit()
    relay = getattr(request.app.state, "relay", None)
    if relay is not None:
        relay.wake()


def get_principal(request: Request, session: Session = Depends(get_session)) -> Principal:
    """The caller, by API key: ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    key = request.headers.get("x-api-key")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if key is None and scheme.lower() == "bearer":
        key = token.strip()
    if not key:
        raise AppError("authentication required: send 'Authorization: Bearer <API key>' "
                       "(omnireply keys create)", 401)
    principal = authenticate_key(session, key)
    if principal is None:
        raise AppError("invalid or revoked API key", 401)
    return principal


def require(*roles: str):
    """A dependency that lets only these roles through (403 for the others)."""

    def check(principal: Principal = Depends(get_principal)) -> Principal:
        if principal.role not in roles:
            raise AppError(f"role {principal.role} may not do this (allowed: "
                           f"{', '.join(roles)})", 403)
        return principal

    return check


def get_workspace(session: Session = Depends(get_session),
                  runtime: Runtime = Depends(get_rt),
                  principal: Principal = Depends(get_principal),
                  x_workspace: str | None = Header(default=None)) -> Workspace:
    """The workspace named by the X-Workspace header, else the default one; a workspace the
    caller may not enter is reported as not found, like one that does not exist."""
    slug = x_workspace or runtime.settings.default_workspace
    if not principal.may_enter(slug):
        raise not_found("workspace", slug)
    return workspaces.get_by_slug(session, slug)
