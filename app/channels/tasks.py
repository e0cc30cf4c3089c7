from __future__ import annotations

from app.channels import service
from app.kit.taskqueue import celery_app
from app.outbox.service import TRANSIENT, run_task
from app.wiring import get_runtime


@celery_app.task(name="channels.deliver", autoretry_for=TRANSIENT, retry_backoff=True,
                 max_retries=8)
def deliver(message_id: int, outbox_id: int | None = None) -> None:
    runtime = get_runtime()
    run_task(runtime.session_factory, outbox_id,
             lambda session: service.deliver(session, runtime.senders, message_id))
