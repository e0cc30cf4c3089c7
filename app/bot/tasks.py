from __future__ import annotations

from sqlalchemy import select

from app.bot import proactive
from app.db import unit_of_work, utcnow
from app.kit.taskqueue import celery_app
from app.wiring import Runtime, get_runtime
from app.workspaces.models import Workspace


@celery_app.task(name="bot.notice_delays")
def notice_delays() -> int:
    """Beat runs this periodically (in-process without a broker): drafts for late or stuck
    shipments in every workspace."""
    return notice_all(get_runtime())


def notice_all(runtime: Runtime) -> int:
    made = 0
    with unit_of_work(runtime.session_factory) as session:
        for workspace in session.scalars(select(Workspace).order_by(Workspace.id)):
            made += len(proactive.notice_delays(
                session, workspace, runtime.orders_for(workspace.slug), runtime.notice_kit,
                utcnow(), runtime.settings.orders.quiet_days))
    return made
