from __future__ import annotations

from app.drafting import service
from app.kit.taskqueue import celery_app
from app.outbox.service import TRANSIENT, run_task
from app.wiring import get_runtime


@celery_app.task(name="drafting.draft_for_message", autoretry_for=TRANSIENT,
                 retry_backoff=True, max_retries=5)
def draft_for_message(message_id: int, outbox_id: int | None = None) -> None:
    runtime = get_runtime()
    run_task(runtime.session_factory, outbox_id, lambda session: service.draft_for_message(
        session, message_id, runtime.draft_kit, runtime.knowledge_kit,
        runtime.settings.knowledge.top_k))
