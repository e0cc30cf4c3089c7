from __future__ import annotations

from pydantic import BaseModel, Field


class TriageInput(BaseModel):
    text: str
    channel: str | None = None
    visibility: str = "private"
    market: str | None = None
    order_id: str | None = None
    prior_contacts: int = Field(default=0, ge=0, description="Unanswered earlier messages")
    waiting_hours: float = Field(default=0.0, ge=0, description="Age of the oldest of them")
    customer_tags: list[str] = []


class TriageOutput(BaseModel):
    intent: str
    intent_confidence: float = Field(ge=0, le=1)
    intent_runner_up: str | None = Field(
        default=None,
        description="The local model's second choice (None when an LLM chose another intent)")
    intent_runner_up_confidence: float | None = Field(default=None, ge=0, le=1)
    sentiment: str
    sentiment_confidence: float = Field(default=0.5, ge=0, le=1)
    urgency: str
    language: str
    language_confidence: float = Field(ge=0, le=1)
    reasons: list[str]
    signals: list[str] = Field(default_factory=list, description=(
        "Ids of the sentiment and urgency rules the text matched (prompts/triage/signals-*)"))
    needs_human: bool
    model_id: str
    taxonomy_version: str
