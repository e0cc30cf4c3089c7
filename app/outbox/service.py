"""Write tasks to the outbox inside the caller's transaction; claim and complete them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import unit_of_work, utcnow
from app.errors import TransientError
from app.outbox.models import OutboxEntry

TRANSIENT = (TransientError, OperationalError)
ERROR_BACKOFF = 30.0


@dataclass(frozen=True)
class Claim:
    outbox_id: int
    task: str
    payload: dict


def enqueue(session: Session, task: str, payload: dict, workspace_id: int | None = None) -> int:
    """Record a task; it is handed to the queue only after the caller commits."""
    entry = OutboxEntry(task=task, payload=payload, workspace_id=workspace_id)
    session.add(entry)
    session.flush()
    return entry.id


def claim_due(session: Session, lease_seconds: int, max_attempts: int,
              limit: int = 50) -> list[Claim]:
    """Lease pending rows that are due; rows over max_attempts are marked failed."""
    now = utcnow()
    _fail_exhausted(session, max_attempts)
    query = (
        select(OutboxEntry)
        .where(OutboxEntry.status == "pending", OutboxEntry.available_at <= now)
        .order_by(OutboxEntry.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claims = []
    for entry in session.scalars(query):
        entry.attempts += 1
        entry.available_at = now + timedelta(seconds=lease_seconds)
        claims.append(Claim(entry.id, entry.task, dict(entry.payload)))
    session.flush()
    return claims


def _fail_exhausted(session: Session, max_attempts: int) -> None:
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.status == "pending", OutboxEntry.attempts >= max_attempts,
               OutboxEntry.available_at <= utcnow())
        .values(status="failed", last_error="attempts exhausted")
    )


def complete(session: Session, outbox_id: int | None) -> None:
    """Mark a row done in the same transaction as the work it asked for."""
    if outbox_id is None:
        return
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == outbox_id)
        .values(status="done", done_at=utcnow())
    )


def record_error(session: Session, outbox_id: int, error: str, retry_in_seconds: float) -> None:
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == outbox_id, OutboxEntry.status == "pending")
        .values(last_error=error[:2000],
                available_at=utcnow() + timedelta(seconds=retry_in_seconds))
    )


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxEntry.status, func.count()).group_by(OutboxEntry.status))
    return {status: count for status, count in rows}


def run_task(factory: sessionmaker[Session], outbox_id: int | None,
             work: Callable[[Session], object]) -> None:
    """Do a task's work and complete its outbox row in one transaction.

    Transient errors propagate for the task queue to retry with backoff; any other error is
    recorded on the row, which the relay dispatches again later (up to its max attempts).
    """
    try:
        with unit_of_work(factory) as session:
            work(session)
            complete(session, outbox_id)
    except TRANSIENT:
        raise
    except Exception as exc:
        if outbox_id is not None:
            with unit_of_work(factory) as session:
                record_error(session, outbox_id, f"{type(exc).__name__}: {exc}", ERROR_BACKOFF)
        raise
