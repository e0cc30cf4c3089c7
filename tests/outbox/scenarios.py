"""Outbox scenarios shared by the SQLite and PostgreSQL tests."""

from __future__ import annotations

from sqlalchemy import func, select

from app.channels import service as channels
from app.channels.schemas import InboundMessage
from app.db import unit_of_work
from app.drafting.models import Draft
from app.outbox.models import OutboxEntry
from app.outbox.relay import drain, sweep
from app.triage.models import TriageResult
from app.workspaces.service import ensure_workspace
from tests.factories import inbound


def ingest_one(runtime, workspace: str) -> int:
    with unit_of_work(runtime.session_factory) as session:
        ws = ensure_workspace(session, workspace)
        result = channels.ingest(session, ws.id, InboundMessage.model_validate(inbound()), 20_000)
    return result.message_id


def rows_for(runtime, message_id: int) -> list[tuple[str, str, int]]:
    with runtime.session_factory() as session:
        rows = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).all()
        return [(r.task, r.status, r.attempts) for r in rows
                if r.payload.get("message_id") == message_id]


def crashed_worker_loses_nothing(runtime, workspace: str) -> None:
    """The worker dies after taking the task: the row comes back after its lease."""
    message_id = ingest_one(runtime, workspace)
    lost: list = []
    assert sweep(runtime.session_factory, lost.append, lease_seconds=0, max_attempts=5) >= 1
    assert rows_for(runtime, message_id) == [("triage.message", "pending", 1)]

    drain(runtime.session_factory, runtime.dispatch, lease_seconds=60, max_attempts=5)
    assert rows_for(runtime, message_id) == [
        ("triage.message", "done", 2), ("drafting.draft_for_message", "done", 1)]
    with runtime.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(TriageResult)
                              .where(TriageResult.message_id == message_id)) == 1
        assert session.scalar(select(func.count()).select_from(Draft)
                              .where(Draft.message_id == message_id)) == 1


def failing_dispatch_keeps_the_row(runtime, workspace: str) -> None:
    """The broker is down: dispatch raises, the row stays pending for the next sweep."""
    message_id = ingest_one(runtime, workspace)

    def broker_down(_claim):
        raise ConnectionError("broker unreachable")
    sweep(runtime.session_factory, broker_down, lease_seconds=0, max_attempts=5)
    assert rows_for(runtime, message_id) == [("triage.message", "pending", 1)]


def exhausted_rows_are_kept_as_failed(runtime, workspace: str) -> None:
    message_id = ingest_one(runtime, workspace)
    for _ in range(3):
        sweep(runtime.session_factory, lambda _c: None, lease_seconds=0, max_attempts=2)
    assert rows_for(runtime, message_id) == [("triage.message", "failed", 2)]
