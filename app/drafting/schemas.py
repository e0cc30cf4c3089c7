from __future__ import annotations

from pydantic import BaseModel


class DraftInput(BaseModel):
    text: str
    channel: str = "email"
    visibility: str = "private"
    market: str | None = None
    order_id: str | None = None
    customer_name: str | None = None


class Citation(BaseModel):
    doc_id: str
    topic: str


class ViolationOut(BaseModel):
    rule: str
    detail: str


class DraftOutput(BaseModel):
    text: str
    language: str
    channel: str
    citations: list[Citation]
    violations: list[ViolationOut]
    needs_human: bool
    reason: str
    drafter: str
    prompt_id: str
    model_id: str
