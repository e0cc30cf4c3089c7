"""The order-status bot's dialogue as a pure function: a session's state and the customer's
message in, the reply and the next state out.

It answers "where is my order" only for a verified customer: one who gave the e-mail address
or postcode on the order, or whose channel identity is already linked to the order's e-mail.
Until then it says nothing about an order, not even whether it exists: a wrong number and
wrong details get the same reply, and a third failure locks the session. Anything else (another
intent, low confidence, a request for a person, an urgent or angry message) is handed to the
agents with the whole transcript; so is a parcel the customer says has not come when its
status cannot settle that (the carrier says delivered). Before it has answered, a triage torn
between two kinds of "where is it" lets the bot look the order up rather than hand over.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.drafting.composer import joined_sentences
from app.errors import AppError
from app.kit.datafiles import load_yaml
from app.orders.checks import same_email, same_postcode
from app.orders.numbers import find_order_numbers
from app.orders.ports import ORDER_STATES, Order, OrderProvider, Shipment
from app.triage.schemas import TriageOutput

ORDER_INTENTS = frozenset({"order_status", "shipping_delay"})
# where the parcel is, in its flavours from the least to the most specific (just where? late?
# not come?): when two of them are the model's best guesses, the order's status settles which,
# so the bot looks before handing over
WHEREABOUTS = ("order_status", "shipping_delay", "delivery_problem")
# statuses that cannot settle a complaint that the parcel has not come, by what the customer
# came about: a person must look into it (the carrier says delivered; a lost or returned parcel
# needs reshipping or a refund)
UNSETTLED = {"shipping_delay": frozenset({"delivered"}),
             "delivery_problem": frozenset({"delivered", "lost", "returned_to_sender"})}
SMALL_TALK = frozenset({"feedback_praise", "spam_other"})  # thanks, ok, bye...
# what a message naming an order may ask that a person must do (the rest: its status first)
ORDER_ACTIONS = frozenset({"return_request", "refund_request", "refund_status", "cancel_order",
                           "change_order", "warranty_defect", "invoice_request",
                           "contact_human"})
ANGER = frozenset({"anger", "strong_anger"})  # triage signal ids (prompts/triage/signals-*)
MIN_LETTERS = 12  # a shorter text ("pedido 1063") does not change the chat's language
MIN_CJK = 4
PROBLEM_STATES = frozenset({"delayed", "customs_hold", "returned_to_sender", "lost"})
MOVING_STATES = frozenset({"shipped", "in_transit", "out_for_delivery", "delayed"})
MAX_FAILURES = 3
MIN_LANGUAGE_CONFIDENCE = 0.5
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
POSTCODE = re.compile(  # UK, NL, CA, PL/PT/JP/BR with a dash, or 3-6 digits (CJK around)
    r"(?<![0-9A-Za-z])(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{4} ?[A-Z]{2}"
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{2,5}-\d{3,4}|\d{3,6})(?![0-9A-Za-z])", re.I)
REPLY_KEYS = ("ask_order", "ask_verify", "no_match", "locked", "status", "tracking",
              "last_event", "eta", "policy", "handoff", "hours", "more", "questions", "sorry",
              "checking", "welcome", "stuck", "page")
PAGE_KEYS = ("title", "tagline", "label", "placeholder", "send", "handed_off", "failed",
             "unavailable")  # the web chat page's words


@dataclass(frozen=True)
class Replies:
    id: str
    version: int
    languages: dict[str, dict]

    @property
    def tag(self) -> str:
        return f"{self.id}@{self.version}"

    def get(self, language: str) -> dict:
        return self.languages.get(language) or self.languages["en"]


def load_replies(path: Path) -> Replies:
    data = load_yaml(path)
    replies = Replies(data["id"], int(data["version"]), data["languages"])
    for language, table in replies.languages.items():
        missing = [k for k in REPLY_KEYS if k not in table]
        missing += [f"status.{s}" for s in ORDER_STATES if s not in table.get("status", {})]
        missing += [f"questions.{q}" for q in (*PROBLEM_STATES, "hours")
                    if q not in table.get("questions", {})]
        missing += [f"page.{k}" for k in PAGE_KEYS if k not in table.get("page", {})]
        if missing:
            raise AppError(f"{path}: {language} lacks {', '.join(missing)}", 500)
    return replies


@dataclass(frozen=True)
class BotState:
    language: str = "en"
    # start | awaiting_order | awaiting_verification | open | handed_off | locked
    step: str = "start"
    order_number: str | None = None  # the number waiting for verification
    verified: tuple[str, ...] = ()  # numbers this session has proved it may see
    failures: int = 0
    concern: str | None = None  # what the customer came about (an intent of WHEREABOUTS)


@dataclass(frozen=True)
class BotKit:
    replies: Replies
    orders: OrderProvider
    triage: Callable[[str], TriageOutput]
    policy: Callable[[Order, str], list[str]]  # (order, language) -> knowledge sentences
    hours: Callable[[str], list[str]]  # language -> sentences on when the team replies
    max_failures: int = MAX_FAILURES


@dataclass(frozen=True)
class Turn:
    reply: str
    state: BotState
    handoff: str | None = None  # why a person takes over (None: the bot carries on)
    order: Order | None = None  # the order answered about, once verified
    triage: TriageOutput | None = None
    notes: list[str] = field(default_factory=list)


def respond(state: BotState, text: str, kit: BotKit,
            linked_emails: frozenset[str] = frozenset()) -> Turn:
    """The bot's answer to one customer message. ``linked_emails``: e-mail addresses already
    linked to the customer's channel identity (such a customer needs no verification)."""
    if state.step == "locked":
        return Turn(_say(kit, state, "locked"), state)
    numbers = find_order_numbers(text)
    if state.step == "awaiting_verification" and not numbers and _credentials(text):
        return _verify(state, text, kit)
    if numbers:
        triage = kit.triage(text)
        state = _concern(_language(state, triage, kit, text), triage)
        if not triage.needs_human and triage.intent in ORDER_ACTIONS:
            return _hand_off(state, kit, f"intent {triage.intent}: not for the bot", triage)
        return _lookup(state, numbers[0], kit, linked_emails)
    return _converse(state, text, kit)


def _language(state: BotState, triage: TriageOutput, kit: BotKit, text: str) -> BotState:
    """The customer's language when triage is sure of it; short replies keep the chat's."""
    long_enough = (sum(ch.isalpha() for ch in text) >= MIN_LETTERS
                   or sum("\u3040" <= ch <= "\u9fff" for ch in text) >= MIN_CJK)
    if (long_enough and triage.language in kit.replies.languages
            and triage.language_confidence >= MIN_LANGUAGE_CONFIDENCE):
        return replace(state, language=triage.language)
    return state


def _concern(state: BotState, triage: TriageOutput) -> BotState:
    """What the customer came about: the most specific of the parcel's whereabouts they
    have raised ("it never came", then "order #1063": it still never came)."""
    if triage.intent not in WHEREABOUTS or (triage.needs_human and not _torn(triage)):
        return state
    raised = [c for c in (state.concern, triage.intent) if c in WHEREABOUTS]
    return replace(state, concern=max(raised, key=WHEREABOUTS.index))


def _torn(triage: TriageOutput) -> bool:
    """The model's two best guesses are both about where the parcel is."""
    return triage.intent in WHEREABOUTS and triage.intent_runner_up in WHEREABOUTS


def _lookup(state: BotState, number: str, kit: BotKit, linked: frozenset[str]) -> Turn:
    if number in state.verified:
        return _answer(state, kit.orders.find(number), kit)
    order = kit.orders.find(number)
    if order is not None and any(same_email(order, e) for e in linked):
        return _answer(replace(state, verified=(*state.verified, number)), order, kit)
    waiting = replace(state, step="awaiting_verification", order_number=number)
    return Turn(_say(kit, waiting, "ask_verify", number=number), waiting)


def _verify(state: BotState, text: str, kit: BotKit) -> Turn:
    order = kit.orders.find(state.order_number or "")
    email, postcodes = _credentials(text)
    if order is not None and ((email and same_email(order, email))
                              or any(same_postcode(order, p) for p in postcodes)):
        return _answer(replace(state, verified=(*state.verified, order.number)), order, kit)
    failures = state.failures + 1
    if failures >= kit.max_failures:
        locked = replace(state, step="locked", failures=failures, order_number=None)
        return Turn(_say(kit, locked, "locked"), locked,
                    handoff=f"verification failed {failures} times")
    failed = replace(state, failures=failures)
    return Turn(_say(kit, failed, "no_match", left=kit.max_failures - failures), failed)


def _converse(state: BotState, text: str, kit: BotKit) -> Turn:
    triage = kit.triage(text)
    state = _language(state, triage, kit, text)
    if state.step == "open" and triage.intent in SMALL_TALK:
        return Turn(_say(kit, state, "welcome"), state, triage=triage)
    reason = _handoff_reason(triage, looks_first=state.step != "open")
    if reason:
        return _hand_off(state, kit, reason, triage)
    if state.step == "awaiting_verification":
        return Turn(_say(kit, state, "ask_verify", number=state.order_number), state,
                    triage=triage)
    asking = replace(_concern(state, triage), step="awaiting_order")
    return Turn(_say(kit, asking, "ask_order"), asking, triage=triage)


def _handoff_reason(triage: TriageOutput, looks_first: bool) -> str | None:
    """Why a person should take the message; None when the bot can. Before it has answered
    (``looks_first``), a model torn between two flavours of "where is it" (late? not come?)
    leaves it to the bot: the order's status answers it or shows a person is needed."""
    torn = looks_first and _torn(triage)
    if triage.intent not in ORDER_INTENTS and not torn:
        return f"intent {triage.intent}: not for the bot"
    if triage.needs_human and not torn:
        return f"intent uncertain ({triage.intent_confidence:.2f})"
    if triage.urgency == "urgent":
        return "urgent message"
    if triage.sentiment == "negative" and ANGER & set(triage.signals):
        return "angry customer"
    return None


def _hand_off(state: BotState, kit: BotKit, reason: str, triage: TriageOutput | None) -> Turn:
    handed = replace(state, step="handed_off")
    table = kit.replies.get(handed.language)
    hours = kit.hours(handed.language)
    parts = [table["handoff"]] + ([joined_sentences([table["hours"], *hours])] if hours else [])
    return Turn("\n\n".join(parts), handed, handoff=reason, triage=triage)


def _answer(state: BotState, order: Order | None, kit: BotKit) -> Turn:
    if order is None:  # verified earlier but gone from the source since: say nothing of it
        return Turn(_say(kit, state, "ask_order"), replace(state, step="awaiting_order"))
    concern = state.concern
    state = replace(state, step="open", order_number=None, concern=None)
    table = kit.replies.get(state.language)
    shipment = _speaking(order)
    lines = [table["status"][order.status].format(number=order.number)]
    if shipment is not None:
        lines += _shipment_lines(table, order, shipment)
    paragraphs = [joined_sentences(lines)]
    if order.status in PROBLEM_STATES:
        policy = kit.policy(order, state.language)
        if policy:
            paragraphs.append(joined_sentences([table["policy"], *policy]))
    if order.status in UNSETTLED.get(concern or "", ()):
        handed = _hand_off(state, kit, f"{concern} but the order is {order.status}", None)
        return replace(handed, reply="\n\n".join([*paragraphs, handed.reply]), order=order)
    paragraphs.append(table["more"])
    return Turn("\n\n".join(paragraphs), state, order=order)


def _shipment_lines(table: dict, order: Order, shipment: Shipment) -> list[str]:
    lines = [table["tracking"].format(tracking=shipment.tracking_number,
                                      carrier=shipment.carrier)]
    event = shipment.last_event
    if event is not None:
        lines.append(table["last_event"].format(date=event.at.date().isoformat(),
                                                event=event.description.rstrip(".")))
    if shipment.estimated_delivery and order.status in MOVING_STATES:
        lines.append(table["eta"].format(date=shipment.estimated_delivery.isoformat()))
    return lines


def _speaking(order: Order) -> Shipment | None:
    """The shipment whose state is the order's (the problem one, or the least advanced)."""
    return next((s for s in order.shipments if s.status == order.status),
                order.shipments[-1] if order.shipments else None)


def _credentials(text: str) -> tuple[str | None, list[str]] | None:
    """The e-mail address and postcode-like tokens a verification message holds (full-width
    characters as their ASCII forms: １５０－０００１ is 150-0001)."""
    text = unicodedata.normalize("NFKC", text)
    email = EMAIL.search(text)
    rest = EMAIL.sub(" ", text)
    postcodes = [m.group(0) for m in POSTCODE.finditer(rest)]
    if not email and not postcodes:
        return None
    return (email.group(0) if email else None), postcodes


def _say(kit: BotKit, state: BotState, key: str, **values) -> str:
    return kit.replies.get(state.language)[key].format(**values)
