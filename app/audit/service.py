from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


def record(session: Session, workspace_id: int, actor: str, action: str, target: str,
           **detail) -> AuditEvent:
    event = AuditEvent(workspace_id=workspace_id, actor=actor, action=action, target=target,
                       detail=detail)
    session.add(event)
    session.flush()
    return event


def recent(session: Session, workspace_id: int, limit: int = 100) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
