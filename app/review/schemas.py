from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from app.kit.text import no_nul


class ApproveIn(BaseModel):
    text: str | None = Field(default=None, min_length=1, max_length=20_000,
                             description="Edited text; omit to send the draft as it is.")
    actor: str = Field(default="api", min_length=1, max_length=200)

    _nul = field_validator("text", "actor")(no_nul)


class AssignIn(BaseModel):
    assignee_id: int | None = Field(description="A user's id; null unassigns")
    actor: str = Field(default="api", min_length=1, max_length=200)

    _nul = field_validator("actor")(no_nul)


class RegenerateIn(BaseModel):
    actor: str = Field(default="api", min_length=1, max_length=200)

    _nul = field_validator("actor")(no_nul)


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    actor: str = Field(default="api", min_length=1, max_length=200)

    _nul = field_validator("reason", "actor")(no_nul)


class DraftOut(BaseModel):
    id: int
    conversation_id: int
    message_id: int
    status: str
    text: str
    final_text: str | None
    language: str
    channel: str
    citations: list[dict]
    violations: list[dict]
    repairs: list[dict] = []
    translation: dict | None = None
    needs_human: bool
    reason: str
    drafter: str
    prompt_id: str
    model_id: str
    created_at: datetime
    decided_at: datetime | None

    model_config = {"from_attributes": True}


class DecisionOut(BaseModel):
    draft: DraftOut
    outbound_message_id: int | None = None


class TriageCorrectionIn(BaseModel):
    intent: str | None = Field(default=None, max_length=64)
    urgency: str | None = Field(default=None, max_length=16)
    actor: str = Field(default="api", min_length=1, max_length=200)

    _nul = field_validator("actor")(no_nul)


class TriageCorrectionOut(BaseModel):
    message_id: int
    field: str
    before: str
    after: str
    actor: str
    created_at: datetime

    model_config = {"from_attributes": True}


class AuditEntryOut(BaseModel):
    """One entry of the audit trail: when, who, what on which target, and what changed."""

    source: str = Field(description="review | triage | audit (the table it comes from)")
    id: int
    at: datetime
    actor: str
    action: str = Field(description="draft.approve|edit|reject|regenerate, triage.correct, "
                                    "customer.*, kb.*, user.*, key.*")
    target: str = Field(description="draft:<id>, message:<id>, customer:<id>, user:<email>, "
                                    "key:<prefix>, or a knowledge-base document")
    summary: str
    detail: dict
    before: str | None = Field(default=None, description="Draft text before (review)")
    after: str | None = Field(default=None, description="Text sent (review)")

    model_config = {"from_attributes": True}


class AuditPageOut(BaseModel):
    total: int
    limit: int
    offset: int
    entries: list[AuditEntryOut]

    model_config = {"from_attributes": True}
