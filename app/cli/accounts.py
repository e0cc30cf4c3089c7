"""omnireply users and keys: people who sign in and API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli import base
from app.cli.base import (
    app,
    err,
)
from app.wiring import Runtime

users_app = typer.Typer(no_args_is_help=True, help="People who sign in.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys for programs.")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
WorkspacesOpt = Annotated[list[str] | None, typer.Option(
    "--workspace", help="A workspace slug it may act in (repeat); all when omitted")]


def _audit_account(session, rt: Runtime, scope: list[str], action: str, target: str,
                   **detail) -> None:
    """Record an account change (actor 'cli') in the audit trail of each existing workspace
    the account is for; an account of all workspaces, in the default workspace."""
    from sqlalchemy import select

    from app.accounts.models import ALL_WORKSPACES
    from app.audit.service import record
    from app.workspaces.models import Workspace

    slugs = [s for s in scope if s != ALL_WORKSPACES] or [rt.settings.default_workspace]
    for ws in session.scalars(select(Workspace).where(Workspace.slug.in_(slugs))):
        record(session, ws.id, "cli", action, target, **detail)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Sign-in e-mail address")],
    role: Annotated[str, typer.Option(help="agent | qa_lead | admin")] = "agent",
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    workspace: WorkspacesOpt = None,
    password: Annotated[str | None, typer.Option(
        help="At least 10 characters; asked for when omitted",
        prompt=True, hide_input=True, confirmation_prompt=True)] = None,
) -> None:
    """Create a user with an argon2-hashed password."""
    from app.accounts.service import create_user
    from app.db import unit_of_work
    from app.setup import prepare_database

    rt = base.open_runtime()
    prepare_database(rt)
    with unit_of_work(rt.session_factory) as session:
        user = create_user(session, email, name or email.split("@")[0], role, password or "",
                           workspace or [])
        _audit_account(session, rt, user.workspaces, "user.create", f"user:{user.email}",
                       email=user.email, name=user.name, role=user.role,
                       workspaces=list(user.workspaces))
        err.print(f"user {user.email} ({user.role}) created, workspaces: "
                  f"{', '.join(user.workspaces)}")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'shopify sync'")],
    role: Annotated[str, typer.Option(help="agent | qa_lead | admin | bot | integration")]
    = "integration",
    workspace: WorkspacesOpt = None,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from app.accounts.service import create_api_key
    from app.db import unit_of_work
    from app.setup import prepare_database

    rt = base.open_runtime()
    prepare_database(rt)
    with unit_of_work(rt.session_factory) as session:
        row, key = create_api_key(session, name, role, workspace or [])
        _audit_account(session, rt, row.workspaces, "key.create", f"key:{row.prefix}",
                       name=row.name, role=row.role, workspaces=list(row.workspaces))
        err.print(f"API key {row.prefix} ({row.role}) for {', '.join(row.workspaces)}; "
                  "store it now, it is not shown again:")
    print(key)


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key's prefix")]) -> None:
    """Revoke an API key: it stops working at once."""
    from sqlalchemy import select

    from app.accounts.models import ApiKey
    from app.accounts.service import revoke_api_key
    from app.db import unit_of_work

    rt = base.open_runtime()
    with unit_of_work(rt.session_factory) as session:
        already = session.scalar(select(ApiKey.revoked_at).where(ApiKey.prefix == prefix))
        row = revoke_api_key(session, prefix)
        if already is None:
            _audit_account(session, rt, row.workspaces, "key.revoke", f"key:{row.prefix}",
                           name=row.name, role=row.role)
        err.print(f"API key {row.prefix} ({row.name}) revoked")
