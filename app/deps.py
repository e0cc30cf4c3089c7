"""FastAPI dependencies: the runtime, a request-scoped session, the workspace.

Write endpoints call ``commit(request, session)`` before they return, so a 2xx is only ever
sent for a committed change; the dependency's exit only rolls back and closes.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

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


def get_workspace(session: Session = Depends(get_session),
                  runtime: Runtime = Depends(get_rt),
                  x_workspace: str | None = Header(default=None)) -> Workspace:
    """The workspace named by the X-Workspace header, else the default one."""
    return workspaces.get_by_slug(session, x_workspace or runtime.settings.default_workspace)
