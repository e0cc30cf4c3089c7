from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.channels import service
from app.channels.schemas import InboundMessage, IngestResult
from app.deps import commit, get_rt, get_session, get_workspace, require
from app.wiring import Runtime
from app.workspaces.models import Workspace

# messages come from channel integrations, the self-service bot, or an admin
router = APIRouter(prefix="/v1", tags=["messages"],
                   dependencies=[Depends(require("integration", "bot", "admin"))])


@router.post("/messages", status_code=202, response_model=IngestResult,
             responses={200: {"model": IngestResult, "description": "Duplicate: already stored"}})
def post_message(message: InboundMessage, request: Request,
                 session: Session = Depends(get_session),
                 workspace: Workspace = Depends(get_workspace),
                 runtime: Runtime = Depends(get_rt)):
    """Accept one normalized message. 202 when new (triage and drafting follow in the
    background); 200 with ``duplicate: true`` when this channel's external_id is known."""
    limit = runtime.settings.api.max_text_chars
    try:
        result = service.ingest(session, workspace.id, message, limit)
        commit(request, session)
    except IntegrityError:  # the same message raced in on another request
        session.rollback()
        result = service.ingest(session, workspace.id, message, limit)
    return JSONResponse(result.model_dump(), status_code=200 if result.duplicate else 202)
