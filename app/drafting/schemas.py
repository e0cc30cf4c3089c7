from __future__ import annotations

from pydantic import BaseModel, Field


def first_name(name: str | None) -> str | None:
    """How a reply addresses the customer: the first word of the name, if any."""
    return name.split()[0] if name and name.split() else None


class OrderFacts(BaseModel):
    """What the store's order system says about an order (dates as ISO 8601 strings)."""

    order_id: str | None = None
    status: str | None = Field(default=None, description=(
        "processing | shipped | in_transit | out_for_delivery | delivered | delayed | "
        "cancelled | returned"))
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_on: str | None = None
    delivered_on: str | None = None
    eta: str | None = None


class DraftInput(BaseModel):
    text: str
    channel: str = "email"
    visibility: str = "private"
    market: str | None = None
    order_id: str | None = None
    customer_name: str | None = None
    order: OrderFacts | None = None
    actions: list[str] = Field(default_factory=list, description=(
        "What an agent has recorded as done (refund_issued, order_cancelled, "
        "replacement_sent, compensation, order_changed): the draft may say so."))


class Citation(BaseModel):
    doc_id: str
    topic: str
    title: str = ""
    heading: str = ""  # the section quoted from
    passage: str = ""  # its text as drafted from, for the agent to read


class ViolationOut(BaseModel):
    rule: str
    detail: str


class Translation(BaseModel):
    """The customer's message and the draft in the agent's language (LLM configured)."""

    language: str
    message: str
    draft: str


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
    repairs: list[ViolationOut] = Field(default_factory=list)
    translation: Translation | None = None
