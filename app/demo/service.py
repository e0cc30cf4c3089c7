"""Demo data: messages across channels and languages, ingested like any webhook would."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.accounts.service import (
    authenticate_key,
    authenticate_password,
    create_api_key,
    ensure_first_admin,
)
from app.channels import service as channels
from app.channels.schemas import InboundMessage
from app.db import unit_of_work, utcnow
from app.orders.seed import seed_demo_orders
from app.workspaces.service import ensure_workspace

MESSAGES = Path(__file__).resolve().parent / "data" / "messages.jsonl"


def load_messages(path: Path = MESSAGES) -> list[InboundMessage]:
    with path.open(encoding="utf-8") as handle:
        return [InboundMessage.model_validate(json.loads(line)) for line in handle if line.strip()]


def seed_messages(factory: sessionmaker[Session], workspace_slug: str,
                  messages: list[InboundMessage], max_text_chars: int,
                  on_each: Callable[[bool], None] | None = None) -> int:
    """Ingest each message in its own transaction; duplicates are skipped. Returns new ones."""
    created = 0
    for message in messages:
        with unit_of_work(factory) as session:
            workspace = ensure_workspace(session, workspace_slug)
            result = channels.ingest(session, workspace.id, message, max_text_chars)
        created += not result.duplicate
        if on_each:
            on_each(result.duplicate)
    return created


def seed_orders(factory: sessionmaker[Session], workspace_slug: str) -> int:
    """The demo store's orders, dated from now (again on every seed, so a delayed order stays
    delayed); returns how many were new."""
    with unit_of_work(factory) as session:
        workspace = ensure_workspace(session, workspace_slug)
        return seed_demo_orders(session, workspace.id, utcnow())


def demo_api_key(factory: sessionmaker[Session], path: Path) -> str:
    """The admin API key the README's tour uses: kept in ``path`` (readable by its owner
    only), made on first use, and made again when the saved one no longer works."""
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        with factory() as session:
            if authenticate_key(session, key) is not None:
                return key
    with unit_of_work(factory) as session:
        _, key = create_api_key(session, "demo tour", "admin", [])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key + "\n", encoding="utf-8")
    path.chmod(0o600)
    return key


DEMO_ADMIN = "admin@omnireply.local"


def demo_login(factory: sessionmaker[Session], path: Path) -> tuple[str, str] | None:
    """The first-run admin's sign-in for the web UI: made when no user exists yet and kept
    in ``path`` (readable by its owner only); None when other users exist and no saved
    login works."""
    if path.exists():
        email, _, password = path.read_text(encoding="utf-8").strip().partition(" ")
        with factory() as session:
            if authenticate_password(session, email, password) is not None:
                return email, password
    with unit_of_work(factory) as session:
        password = ensure_first_admin(session, DEMO_ADMIN)
    if password is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{DEMO_ADMIN} {password}\n", encoding="utf-8")
    path.chmod(0o600)
    return DEMO_ADMIN, password
