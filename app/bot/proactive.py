"""Proactive delay notices: shipments past their promised date, or without a carrier event
for days, get a draft to the customer in the agents' inbox. Nothing is sent until an agent
approves it; each shipment problem is noticed once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.bot.dialogue import Replies
from app.conversations import service as conversations
from app.drafting import composer
from app.drafting.composer import Frames, Style
from app.drafting.models import Draft
from app.drafting.schemas import first_name
from app.drafting.tone import ToneProfile
from app.orders.checks import is_late, is_stuck
from app.orders.ports import Order, OrderProvider, Shipment
from app.workspaces.models import Workspace

CHANNEL_OF = {"amazon": "amazon", "ebay": "ebay", "shopee": "shopee",
              "tiktok_shop": "tiktok_shop"}  # own store and Shopify orders: e-mail
DRAFTER = "proactive"
AUTHOR = "omnireply"


@dataclass(frozen=True)
class NoticeKit:
    replies: Replies
    frames: Frames
    tones: dict[str, ToneProfile]
    brand: str


def notice_delays(session: Session, workspace: Workspace, orders: OrderProvider,
                  kit: NoticeKit, now: datetime, quiet_days: int) -> list[Draft]:
    """A pending draft for each late or stuck shipment not noticed before."""
    made = []
    for order in orders.late_or_stuck(now, quiet_days):
        for shipment in order.shipments:
            problem = ("late" if is_late(shipment, now)
                       else "stuck" if is_stuck(shipment, now, quiet_days) else None)
            if problem:
                draft = _notice(session, workspace, order, shipment, problem, kit)
                if draft is not None:
                    made.append(draft)
    return made


def _notice(session: Session, workspace: Workspace, order: Order, shipment: Shipment,
            problem: str, kit: NoticeKit) -> Draft | None:
    channel = CHANNEL_OF.get(order.marketplace, "email")
    key = f"proactive-{order.number}-{shipment.tracking_number}-{problem}"
    if conversations.find_message(session, workspace.id, channel, key) is not None:
        return None  # noticed before
    handle = order.email or f"{order.marketplace}:{order.number}"
    customer = conversations.resolve_customer(session, workspace.id, channel, handle,
                                              order.customer_name, order.email, None,
                                              order.number)
    conversation = conversations.open_conversation(session, workspace.id, customer.id, channel)
    note = conversations.add_message(
        session, conversation, customer_id=customer.id, direction="system", channel=channel,
        external_id=key, visibility="private", market=order.market, text=_why(order, shipment,
                                                                             problem),
        order_id=order.number, sender_handle=handle, author=AUTHOR)
    language = kit.frames.market_languages.get(order.market.upper(), "en")
    tone = kit.tones[channel]
    text = _text(kit, tone, language, order, shipment, problem)
    draft = Draft(workspace_id=workspace.id, conversation_id=conversation.id,
                  message_id=note.id, text=text, language=language, channel=channel,
                  citations=[], violations=[], repairs=[], needs_human=False,
                  reason=f"proactive notice: shipment {problem}", drafter=DRAFTER,
                  prompt_id=f"{kit.replies.tag}+{tone.tag}", model_id="none")
    session.add(draft)
    session.flush()
    return draft


def _why(order: Order, shipment: Shipment, problem: str) -> str:
    if problem == "late":
        return (f"Proactive notice: {shipment.carrier} shipment {shipment.tracking_number} of "
                f"order {order.number} is past its promised date "
                f"({shipment.promised_by.isoformat()}) and not delivered.")
    last = shipment.last_event
    since = (last.at if last else shipment.shipped_at).date().isoformat()
    return (f"Proactive notice: {shipment.carrier} shipment {shipment.tracking_number} of "
            f"order {order.number} has had no carrier event since {since}.")


def _text(kit: NoticeKit, tone: ToneProfile, language: str, order: Order,
          shipment: Shipment, problem: str) -> str:
    """The order's state when it is late; when it is stuck, that the carrier has gone quiet
    (its last state, e.g. "out for delivery today", would no longer be true)."""
    table = kit.replies.get(language)
    lead = table["stuck"] if problem == "stuck" else table["status"][order.status]
    lines = [lead.format(number=order.number),
             table["tracking"].format(tracking=shipment.tracking_number,
                                      carrier=shipment.carrier)]
    if shipment.last_event is not None:
        lines.append(table["last_event"].format(
            date=shipment.last_event.at.date().isoformat(),
            event=shipment.last_event.description.rstrip(".")))
    body = "\n\n".join([composer.joined_sentences(lines),
                        composer.joined_sentences([table["sorry"], table["checking"]])])
    style = Style(tone, kit.frames, kit.brand)
    return composer.wrap(style, language, first_name(order.customer_name), body)
