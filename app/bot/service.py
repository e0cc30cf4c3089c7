"""Bot sessions: start one, pass each customer message through the dialogue, keep the
transcript, and hand the chat to the agents' inbox when the dialogue says so."""

from __future__ import annotations

import secrets
from dataclasses import asdict

from sqlalchemy.orm import Session

from app.bot.dialogue import BotKit, BotState, Turn, respond
from app.bot.models import BotSession
from app.bot.schemas import SessionIn
from app.channels import service as channels
from app.channels.schemas import CustomerIn, InboundMessage
from app.conversations import service as conversations
from app.db import in_workspace, utcnow

CUSTOMER, BOT = "customer", "bot"


def start(session: Session, workspace_id: int, body: SessionIn, languages: set[str]) -> BotSession:
    language = body.language if body.language in languages else "en"
    bot = BotSession(id=secrets.token_urlsafe(24), workspace_id=workspace_id,
                     channel=body.channel.value,
                     handle=body.handle or f"webchat-{secrets.token_hex(8)}",
                     market=body.market.upper() if body.market else None,
                     state=asdict(BotState(language=language)), transcript=[])
    session.add(bot)
    session.flush()
    return bot


def get(session: Session, workspace_id: int, session_id: str) -> BotSession:
    return in_workspace(session, BotSession, session_id, workspace_id, "bot session")


def state_of(bot: BotSession) -> BotState:
    data = dict(bot.state)
    data["verified"] = tuple(data.get("verified") or ())
    return BotState(**data)


def post(session: Session, workspace_id: int, session_id: str, text: str, kit: BotKit,
         max_text_chars: int) -> tuple[BotSession, Turn]:
    """The bot's turn for one customer message; after a hand-off the message goes to the
    agents' conversation and the bot stays silent."""
    bot = get(session, workspace_id, session_id)
    state = state_of(bot)
    _log(bot, CUSTOMER, text)
    if state.step == "handed_off":
        _forward(session, bot, text, max_text_chars)
        return bot, Turn("", state)
    linked = conversations.emails_linked_to(session, workspace_id, bot.channel, bot.handle)
    turn = respond(state, text, kit, linked)
    _log(bot, BOT, turn.reply)
    bot.state = asdict(turn.state)
    if turn.handoff:
        _hand_over(session, bot, text, turn, max_text_chars)
    bot.updated_at = utcnow()
    session.flush()
    return bot, turn


def _log(bot: BotSession, role: str, text: str) -> None:
    bot.transcript = [*bot.transcript, {"role": role, "text": text,
                                        "at": utcnow().isoformat()}]


def _hand_over(session: Session, bot: BotSession, text: str, handed: Turn,
               max_text_chars: int) -> None:
    """The agents get the chat so far in the customer's conversation (earlier turns as
    messages, the bot's as sent replies), the message that needs them, triaged and drafted
    like any inbound message, and a note of why the bot handed over and what it last said
    (a note, not a sent reply: the customer is still waiting for a person)."""
    customer = conversations.resolve_customer(session, bot.workspace_id, bot.channel,
                                              bot.handle, None, None, None, None)
    conversation = conversations.open_conversation(session, bot.workspace_id, customer.id,
                                                   bot.channel)
    earlier = bot.transcript[:-2]  # all but the message that needs a person and the reply
    for n, turn in enumerate(earlier):
        inbound = turn["role"] == CUSTOMER
        conversations.add_message(
            session, conversation, customer_id=customer.id,
            direction="inbound" if inbound else "outbound", channel=bot.channel,
            external_id=f"bot-{bot.id}-{n}", visibility="private", market=bot.market,
            text=turn["text"], sender_handle=bot.handle,
            delivery_status="received" if inbound else "sent",
            author=None if inbound else "bot")
    _forward(session, bot, text, max_text_chars, n=len(earlier))
    conversations.add_message(
        session, conversation, customer_id=customer.id, direction="system",
        channel=bot.channel, external_id=f"bot-{bot.id}-handoff", visibility="private",
        market=bot.market, order_id=handed.order.number if handed.order else None,
        text=f"The bot handed this chat over ({handed.handoff}). Its last reply to the "
             f"customer:\n\n{handed.reply}", sender_handle=bot.handle, author=BOT)
    bot.conversation_id = conversation.id


def _forward(session: Session, bot: BotSession, text: str, max_text_chars: int,
             n: int | None = None) -> None:
    n = len(bot.transcript) - 1 if n is None else n
    result = channels.ingest(session, bot.workspace_id, InboundMessage(
        channel=bot.channel, external_id=f"bot-{bot.id}-{n}", market=bot.market,
        customer=CustomerIn(handle=bot.handle), text=text), max_text_chars)
    bot.conversation_id = result.conversation_id
