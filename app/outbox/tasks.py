from __future__ import annotations

from app.kit.taskqueue import celery_app
from app.outbox.relay import sweep
from app.wiring import get_runtime


@celery_app.task(name="outbox.sweep", ignore_result=True)
def sweep_outbox() -> int:
    """Periodic safety net (celery beat): dispatch outbox rows whose lease ran out."""
    runtime = get_runtime()
    cfg = runtime.settings.celery
    return sweep(runtime.session_factory, runtime.dispatch, cfg.outbox_lease_seconds,
                 cfg.outbox_max_attempts)
