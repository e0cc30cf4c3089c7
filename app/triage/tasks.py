from __future__ import annotations

from app.kit.taskqueue import celery_app
from app.outbox.service import TRANSIENT, run_task
from app.triage import service
from app.wiring import get_runtime


@celery_app.task(name="triage.message", autoretry_for=TRANSIENT, retry_backoff=True,
                 max_retries=5)
def triage_message(message_id: int, outbox_id: int | None = None) -> None:
    runtime = get_runtime()
    run_task(runtime.session_factory, outbox_id,
             lambda session: service.triage_message(session, runtime.triage_kit, message_id))
