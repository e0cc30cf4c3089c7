"""Admin API for the knowledge base: list, read, upload or replace, delete, reindex."""

from __future__ import annotations

import re
from datetime import datetime

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.deps import commit, get_rt, get_session, get_workspace, require
from app.errors import invalid
from app.knowledge import service
from app.outbox import service as outbox
from app.wiring import Runtime
from app.workspaces.models import Workspace

router = APIRouter(prefix="/v1/kb", tags=["knowledge base"])
READ = Depends(require("agent", "qa_lead", "admin", "integration"))
ADMIN = Depends(require("admin"))  # changing the knowledge base
DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,299}$"


class DocumentOut(BaseModel):
    doc_id: str
    topic: str
    title: str
    language: str
    markets: list[str]
    channels: list[str]
    version: str
    effective_date: str
    origin: str
    chunks: int
    updated_at: datetime

    model_config = {"from_attributes": True}


class DocumentSource(DocumentOut):
    source: str


class DocumentIn(BaseModel):
    content: str = Field(min_length=1, max_length=500_000,
                         description="Markdown with front matter (topic, title, language, ...)")
    actor: str = Field(default="api", min_length=1, max_length=200)


@router.get("/documents", response_model=list[DocumentOut], dependencies=[READ])
def list_documents(session: Session = Depends(get_session),
                   workspace: Workspace = Depends(get_workspace)):
    return service.documents(session, workspace.id)


@router.get("/documents/{doc_id:path}", response_model=DocumentSource, dependencies=[READ])
def get_document(doc_id: str, session: Session = Depends(get_session),
                 workspace: Workspace = Depends(get_workspace)):
    return service.get_document(session, workspace.id, doc_id)


@router.put("/documents/{doc_id:path}", response_model=DocumentOut, dependencies=[ADMIN])
def put_document(doc_id: str, request: Request, body: DocumentIn = Body(...),
                 session: Session = Depends(get_session),
                 workspace: Workspace = Depends(get_workspace),
                 runtime: Runtime = Depends(get_rt)):
    """Upload or replace a document; it is searchable when this returns."""
    _check_id(doc_id)
    row, _ = service.put_document(session, workspace.id, doc_id, body.content,
                                  runtime.knowledge_kit(workspace.slug), body.actor)
    commit(request, session)
    return row


@router.delete("/documents/{doc_id:path}", status_code=204, dependencies=[ADMIN])
def delete_document(doc_id: str, request: Request, actor: str = "api",
                    session: Session = Depends(get_session),
                    workspace: Workspace = Depends(get_workspace),
                    runtime: Runtime = Depends(get_rt)):
    service.delete_document(session, workspace.id, doc_id,
                            runtime.knowledge_kit(workspace.slug), actor)
    commit(request, session)


@router.post("/reindex", status_code=202, dependencies=[ADMIN])
def reindex(request: Request, actor: str = "api", session: Session = Depends(get_session),
            workspace: Workspace = Depends(get_workspace)):
    """Bring the index up to date with the documents, in the background."""
    task_id = outbox.enqueue(session, "knowledge.reindex", {"workspace_id": workspace.id,
                                                            "actor": actor}, workspace.id)
    commit(request, session)
    return JSONResponse({"queued": True, "outbox_id": task_id}, status_code=202)


def _check_id(doc_id: str) -> None:
    if not re.match(DOC_ID, doc_id) or ".." in doc_id:
        raise invalid("doc_id", "use letters, digits, '.', '_', '-' and '/' (e.g. en/returns)")
