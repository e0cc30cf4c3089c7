from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from app.conversations.schemas import ConversationOut
from app.deps import commit, get_rt, get_session, get_workspace, require
from app.review import analytics, assignment, audit_trail, corrections, service
from app.review.schemas import (
    ApproveIn,
    AssignIn,
    AuditPageOut,
    DecisionOut,
    DraftOut,
    RegenerateIn,
    RejectIn,
    TriageCorrectionIn,
    TriageCorrectionOut,
)
from app.review.timeline import timeline
from app.wiring import Runtime
from app.workspaces.models import Workspace

router = APIRouter(prefix="/v1", tags=["review"],
                   dependencies=[Depends(require("agent", "qa_lead", "admin"))])


@router.get("/conversations/{conversation_id}", response_model=ConversationOut)
def get_conversation(conversation_id: int, session: Session = Depends(get_session),
                     workspace: Workspace = Depends(get_workspace)):
    """The conversation's timeline across channels, with triage and drafts."""
    return timeline(session, workspace.id, conversation_id)


@router.put("/conversations/{conversation_id}/assignee", response_model=ConversationOut)
def assign(conversation_id: int, body: AssignIn, request: Request,
           session: Session = Depends(get_session),
           workspace: Workspace = Depends(get_workspace)):
    """Assign the conversation to a user of the workspace, or to nobody (null)."""
    assignment.assign(session, workspace, conversation_id, body.assignee_id, body.actor)
    out = timeline(session, workspace.id, conversation_id)
    commit(request, session)
    return out


@router.get("/drafts", response_model=list[DraftOut])
def list_drafts(status: Literal["pending", "approved", "rejected"] | None = None,
                limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                session: Session = Depends(get_session),
                workspace: Workspace = Depends(get_workspace)):
    return service.list_drafts(session, workspace.id, status, limit, offset)


@router.get("/drafts/{draft_id}", response_model=DraftOut)
def get_draft(draft_id: int, session: Session = Depends(get_session),
              workspace: Workspace = Depends(get_workspace)):
    return service.get_draft(session, workspace.id, draft_id)


@router.post("/drafts/{draft_id}/approve", response_model=DecisionOut,
             responses={409: {"description": "The draft was already approved or rejected"}})
def approve(draft_id: int, request: Request, body: ApproveIn | None = None,
            session: Session = Depends(get_session),
            workspace: Workspace = Depends(get_workspace)):
    """Approve the draft (optionally with edited text); the reply is sent exactly once."""
    body = body or ApproveIn()
    draft, outbound = service.approve(session, workspace.id, draft_id, body.actor, body.text)
    commit(request, session)
    return DecisionOut(draft=DraftOut.model_validate(draft), outbound_message_id=outbound.id)


@router.post("/drafts/{draft_id}/reject", response_model=DecisionOut,
             responses={409: {"description": "The draft was already approved or rejected"}})
def reject(draft_id: int, body: RejectIn, request: Request,
           session: Session = Depends(get_session),
           workspace: Workspace = Depends(get_workspace)):
    draft = service.reject(session, workspace.id, draft_id, body.actor, body.reason)
    commit(request, session)
    return DecisionOut(draft=DraftOut.model_validate(draft))


@router.post("/drafts/{draft_id}/regenerate", response_model=DraftOut,
             responses={409: {"description": "The draft was already approved or rejected"}})
def regenerate(draft_id: int, request: Request, body: RegenerateIn | None = None,
               session: Session = Depends(get_session),
               workspace: Workspace = Depends(get_workspace),
               runtime: Runtime = Depends(get_rt)):
    """Draft the reply again from the message's current triage (corrections included) and
    the knowledge base as it is now; the previous text stays in the review trail."""
    body = body or RegenerateIn()
    draft = service.regenerate(session, workspace.id, draft_id, body.actor,
                               runtime.draft_kit, runtime.knowledge_kit,
                               runtime.settings.knowledge.top_k)
    out = DraftOut.model_validate(draft)
    commit(request, session)
    return out


@router.post("/messages/{message_id}/triage", response_model=list[TriageCorrectionOut])
def correct_triage(message_id: int, body: TriageCorrectionIn, request: Request,
                   session: Session = Depends(get_session),
                   workspace: Workspace = Depends(get_workspace),
                   runtime: Runtime = Depends(get_rt)):
    """Correct a message's intent and/or urgency; each change is kept as labelled data with
    who made it and when (nothing changed: an empty list)."""
    made = corrections.correct_triage(session, workspace.id, message_id, body.actor,
                                      runtime.triage_kit.classifier.labels, body.intent,
                                      body.urgency)
    out = [TriageCorrectionOut.model_validate(c) for c in made]
    commit(request, session)
    return out


analytics_router = APIRouter(prefix="/v1/analytics", tags=["analytics"],
                             dependencies=[Depends(require("qa_lead", "admin"))])


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


@analytics_router.get("/acceptance")
def acceptance(start: datetime | None = None, end: datetime | None = None,
               session: Session = Depends(get_session),
               workspace: Workspace = Depends(get_workspace)) -> dict:
    """Sent as is, edited (median character edit distance) and rejected, overall and per
    intent, channel, language, drafter and agent, for drafts decided in [start, end)."""
    return analytics.acceptance(analytics.decisions(session, workspace.id, _utc(start),
                                                    _utc(end)))


@analytics_router.get("/acceptance.csv", response_class=PlainTextResponse)
def acceptance_csv(start: datetime | None = None, end: datetime | None = None,
                   session: Session = Depends(get_session),
                   workspace: Workspace = Depends(get_workspace)) -> PlainTextResponse:
    """One row per decided draft, for a spreadsheet."""
    body = analytics.as_csv(analytics.decisions(session, workspace.id, _utc(start), _utc(end)))
    return PlainTextResponse(body, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="acceptance-{workspace.slug}.csv"'})


audit_router = APIRouter(prefix="/v1", tags=["audit"],
                         dependencies=[Depends(require("qa_lead", "admin"))])


def _trail_filter(actor: str | None = None, action: str | None = None,
                  target: str | None = None, start: datetime | None = None,
                  end: datetime | None = None) -> audit_trail.TrailFilter:
    """Filters of the audit trail: an actor, an action or its kind (``draft``), a target
    (``draft:12``, ``message:34``, ``key:<prefix>``), a period [start, end)."""
    return audit_trail.TrailFilter(actor or None, action or None, target or None, _utc(start),
                                   _utc(end))


@audit_router.get("/audit", response_model=AuditPageOut)
def audit(filters: audit_trail.TrailFilter = Depends(_trail_filter),
          limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
          session: Session = Depends(get_session),
          workspace: Workspace = Depends(get_workspace)):
    """Who did what, when: review decisions (edits with the text before and after), triage
    corrections, knowledge-base writes and account changes, newest first."""
    return audit_trail.trail(session, workspace.id, filters, limit, offset)


@audit_router.get("/audit.csv", response_class=PlainTextResponse)
def audit_csv(filters: audit_trail.TrailFilter = Depends(_trail_filter),
              session: Session = Depends(get_session),
              workspace: Workspace = Depends(get_workspace)) -> PlainTextResponse:
    """The matching entries (up to 50,000, newest first) for a spreadsheet."""
    page = audit_trail.trail(session, workspace.id, filters, audit_trail.MAX_EXPORT)
    return PlainTextResponse(audit_trail.as_csv(page.entries), media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="audit-{workspace.slug}.csv"'})
