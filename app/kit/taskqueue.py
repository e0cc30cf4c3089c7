"""The Celery application. Configured once by the composition root; eager when no broker."""

from __future__ import annotations

from celery import Celery

celery_app = Celery("omnireply", include=[
    "app.triage.tasks",
    "app.drafting.tasks",
    "app.channels.tasks",
    "app.outbox.tasks",
    "app.knowledge.tasks",
    "app.bot.tasks",
])


def configure(broker_url: str | None, result_backend: str | None) -> Celery:
    eager = not broker_url
    celery_app.conf.update(
        broker_url=broker_url or "memory://",
        result_backend=result_backend,
        task_always_eager=eager,
        task_eager_propagates=False,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return celery_app
