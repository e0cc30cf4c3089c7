from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class IdentityOut(BaseModel):
    kind: str
    handle: str


class TriageOut(BaseModel):
    intent: str
    intent_confidence: float
    sentiment: str
    urgency: str
    language: str
    reasons: list[str]
    needs_human: bool
    model_id: str
    taxonomy_version: str


class DraftSummary(BaseModel):
    id: int
    status: str
    text: str
    final_text: str | None
    language: str
    citations: list[dict]
    violations: list[dict]
    needs_human: bool
    reason: str
    drafter: str = ""
    prompt_id: str
    model_id: str


class TimelineMessage(BaseModel):
    id: int
    direction: str
    channel: str
    visibility: str
    external_id: str
    text: str
    order_id: str | None
    sent_at: datetime | None
    received_at: datetime
    delivery_status: str
    author: str | None
    triage: TriageOut | None = None
    draft: DraftSummary | None = None


class ConversationOut(BaseModel):
    id: int
    status: str
    channel: str
    channels: list[str]
    customer_id: int
    customer_name: str | None
    identities: list[IdentityOut]
    created_at: datetime
    last_message_at: datetime
    messages: list[TimelineMessage]
