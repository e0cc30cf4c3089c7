from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import not_found
from app.workspaces.models import Workspace


def ensure_workspace(session: Session, slug: str, name: str | None = None) -> Workspace:
    """Return the workspace with this slug, creating it on first use."""
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        workspace = Workspace(slug=slug, name=name or slug.replace("-", " ").title())
        session.add(workspace)
        session.flush()
    return workspace


def get_by_slug(session: Session, slug: str) -> Workspace:
    workspace = session.scalar(select(Workspace).where(Workspace.slug == slug))
    if workspace is None:
        raise not_found("workspace", slug)
    return workspace
