from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.kit.taskqueue import celery_app
from app.knowledge import service
from app.outbox.service import TRANSIENT, run_task
from app.wiring import Runtime, get_runtime
from app.workspaces.models import Workspace


@celery_app.task(name="knowledge.reindex", autoretry_for=TRANSIENT, retry_backoff=True,
                 max_retries=3)
def reindex(workspace_id: int, actor: str = "api", outbox_id: int | None = None) -> None:
    runtime = get_runtime()
    run_task(runtime.session_factory, outbox_id,
             lambda session: _reindex(session, runtime, workspace_id, actor))


def _reindex(session: Session, runtime: Runtime, workspace_id: int, actor: str) -> None:
    workspace = session.get(Workspace, workspace_id)
    report = service.index_workspace(session, workspace_id,
                                     runtime.knowledge_kit(workspace.slug))
    audit.record(session, workspace_id, actor, "kb.reindex", workspace.slug, **report.as_dict())
