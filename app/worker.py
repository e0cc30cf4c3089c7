"""Celery worker entry point: ``celery -A app.worker worker`` or ``omnireply worker``.

Each worker process builds its runtime once (composition root) on start.
"""

from __future__ import annotations

from celery.signals import worker_process_init

from app.config import get_settings
from app.kit import taskqueue
from app.wiring import build_runtime, limit_threads, set_runtime

limit_threads()
_settings = get_settings()
celery_app = taskqueue.configure(_settings.celery.broker_url, _settings.celery.result_backend)
celery_app.conf.beat_schedule = {
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 15.0},
    "bot-notice-delays": {"task": "bot.notice_delays",
                          "schedule": _settings.orders.notice_interval_minutes * 60.0},
}


@worker_process_init.connect
def _init_runtime(**_) -> None:
    set_runtime(build_runtime(get_settings()))
