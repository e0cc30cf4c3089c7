"""The batch CLIs of CONTRACT.md as functions over rows, shared with the evaluation runner."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.drafting.pipeline import DraftKit, draft, knowledge_query
from app.drafting.schemas import DraftInput, OrderFacts, first_name
from app.kit.channels import Channel, Visibility
from app.kit.jsonl import Row, merge
from app.knowledge.pipeline import KnowledgeKit, ground_many, search_many
from app.knowledge.schemas import KBQuery
from app.triage.pipeline import TriageKit, triage_many
from app.triage.schemas import TriageInput


class CaseIn(BaseModel):
    """A batch input row: id and text, with optional context (CONTRACT.md)."""

    id: str | int
    text: str = Field(min_length=1)
    channel: Channel | None = None
    visibility: Visibility = Visibility.PRIVATE
    market: str | None = None
    language: str | None = None
    customer: str | dict | None = None
    order_id: str | None = None
    order: OrderFacts | None = None  # the order system's facts, when the caller has them
    actions: list[str] = Field(default_factory=list)  # what an agent has already done


def _triage_input(case: CaseIn) -> TriageInput:
    return TriageInput(text=case.text, channel=case.channel, visibility=case.visibility,
                       market=case.market, order_id=case.order_id)


def triage_rows(rows: list[Row], kit: TriageKit) -> list[dict]:
    outs = triage_many([_triage_input(r.item) for r in rows], kit)
    return [merge(r.raw, {"id": r.item.id, **o.model_dump(
        include={"intent", "intent_confidence", "sentiment", "urgency", "language", "reasons",
                 "needs_human"})}) for r, o in zip(rows, outs, strict=True)]


def kb_rows(rows: list[Row], kit: KnowledgeKit, k: int) -> list[dict]:
    queries = [KBQuery(text=r.item.text, market=r.item.market, channel=r.item.channel,
                       language=r.item.language) for r in rows]
    results = search_many(queries, kit, k)
    return [merge(r.raw, {"id": r.item.id, "hits": [h.model_dump(
        include={"doc_id", "topic", "title", "score", "text"}) for h in res.hits]})
            for r, res in zip(rows, results, strict=True)]


def draft_rows(rows: list[Row], triage_kit: TriageKit, knowledge: KnowledgeKit,
               kit: DraftKit, k: int, passages: bool = False) -> list[dict]:
    """Drafts as CONTRACT.md has them; ``passages`` adds each citation's passage text (the
    evaluation's LLM judge reads it)."""
    triaged = triage_many([_triage_input(r.item) for r in rows], triage_kit)
    queries = [knowledge_query(r.item.text, r.item.market, r.item.channel, t, kit)
               for r, t in zip(rows, triaged, strict=True)]
    results = ground_many(queries, knowledge, k)
    return [merge(r.raw, _draft_out(r.item, t, res, kit, passages))
            for r, t, res in zip(rows, triaged, results, strict=True)]


def _draft_out(case: CaseIn, triage, knowledge, kit: DraftKit, passages: bool = False) -> dict:
    name = case.customer.get("name") if isinstance(case.customer, dict) else case.customer
    out = draft(DraftInput(text=case.text, channel=case.channel or "email",
                           visibility=case.visibility, market=case.market,
                           order_id=case.order_id, customer_name=first_name(name),
                           order=case.order, actions=case.actions), triage, knowledge, kit)
    return {"id": case.id, **out.model_dump(include={  # citations as CONTRACT.md has them
        "text": True, "language": True, "channel": True, "violations": True,
        "needs_human": True, "reason": True, "citations": {"__all__": {
            "doc_id", "topic", *(("passage",) if passages else ())}}})}
