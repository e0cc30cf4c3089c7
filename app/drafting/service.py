"""Draft a reply for a triaged message and store it as pending review."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.conversations import service as conversations
from app.conversations.models import Customer, Message
from app.drafting.models import Draft
from app.drafting.pipeline import DraftKit, draft, knowledge_query
from app.drafting.schemas import DraftInput, DraftOutput, first_name
from app.errors import AppError
from app.knowledge.pipeline import KnowledgeKit, ground_many
from app.triage import service as triage_service
from app.workspaces.models import Workspace


def draft_for_message(session: Session, message_id: int, kit: DraftKit,
                      knowledge_for: Callable[[str], KnowledgeKit], top_k: int) -> Draft:
    """Idempotent: a message that already has a draft keeps it."""
    existing = session.scalar(select(Draft).where(Draft.message_id == message_id))
    if existing is not None:
        return existing
    message = conversations.get_message(session, message_id)
    out = compose(session, message, kit, knowledge_for, top_k)
    row = Draft(workspace_id=message.workspace_id, conversation_id=message.conversation_id,
                message_id=message.id, **fields_of(out))
    session.add(row)
    session.flush()
    return row


def compose(session: Session, message: Message, kit: DraftKit,
            knowledge_for: Callable[[str], KnowledgeKit], top_k: int) -> DraftOutput:
    """A draft for the message from its current triage (an agent's corrections included)
    and the knowledge base as it is now."""
    result = triage_service.result_for(session, message.id)
    if result is None:
        raise AppError(f"message {message.id} has no triage yet", 409)
    triage = triage_service.to_output(result)
    customer = session.get(Customer, message.customer_id)
    knowledge = knowledge_for(session.get(Workspace, message.workspace_id).slug)
    hits = ground_many([knowledge_query(message.text, message.market, message.channel,
                                        triage, kit)], knowledge, top_k)[0]
    return draft(DraftInput(text=message.text, channel=message.channel,
                            visibility=message.visibility, market=message.market,
                            order_id=message.order_id,
                            customer_name=first_name(customer.name if customer else None)),
                 triage, hits, kit)


def fields_of(out: DraftOutput) -> dict:
    """The columns of a Draft row that hold a drafted reply."""
    return dict(text=out.text, language=out.language, channel=out.channel,
                citations=[c.model_dump() for c in out.citations],
                violations=[v.model_dump() for v in out.violations],
                repairs=[r.model_dump() for r in out.repairs],
                translation=out.translation.model_dump() if out.translation else None,
                needs_human=out.needs_human, reason=out.reason, drafter=out.drafter,
                prompt_id=out.prompt_id, model_id=out.model_id)


def drafts_for_conversation(session: Session, conversation_id: int) -> list[Draft]:
    return list(session.scalars(select(Draft).where(Draft.conversation_id == conversation_id)
                                .order_by(Draft.id)))
