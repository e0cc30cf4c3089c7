from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from app.kit.text import no_nul


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
    assignee_id: int | None = None


class TagsIn(BaseModel):
    tags: list[str] = Field(max_length=100, description="The customer's whole set of tags; "
                            "each is trimmed and lower-cased (1-32 of a-z 0-9 - _), at most "
                            "20 distinct.")


class TagsOut(BaseModel):
    tags: list[str]


class NoteIn(BaseModel):
    text: str = Field(description="1-2000 characters once trimmed; internal, never sent "
                      "to the customer.")

    _nul = field_validator("text")(no_nul)


class NoteOut(BaseModel):
    id: int
    text: str
    author: str
    created_at: datetime
    deletable: bool = Field(description="Whether the caller may delete it (its author or an "
                                        "admin).")


class CustomerConversation(BaseModel):
    id: int
    channel: str
    status: str
    created_at: datetime
    last_message_at: datetime

    model_config = {"from_attributes": True}


class CustomerOut(BaseModel):
    """The customer panel: who they are on each channel, their tags, the internal notes and
    their conversations (the most recently active first)."""

    id: int
    name: str | None
    identities: list[IdentityOut]
    tags: list[str]
    notes: list[NoteOut]
    conversations: list[CustomerConversation]
