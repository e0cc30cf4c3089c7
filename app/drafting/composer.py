"""The grounded composer: a reply assembled from our frames, the sentences of the knowledge
base that answer the question, and the order's facts. No LLM.

Frames (prompts/drafting/composer-v<N>.yaml) hold, per language, the common sentences, per
intent an opening, a lead-in to the facts and a next step, and a sentence per order status.
The reply takes the longest form that fits the channel's length limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

from app.drafting.length import measure
from app.drafting.schemas import OrderFacts
from app.drafting.tone import ToneProfile
from app.errors import AppError
from app.kit.datafiles import load_yaml

FALLBACK_LANGUAGE = "en"
COMMON_KEYS = ("thanks", "order", "holding", "follow_up", "private_move", "lead")
MESSAGE_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")


@dataclass(frozen=True)
class Situation:
    """Something in the customer's message that decides the reply whatever its intent (a
    review offered for a reward...): found when every cue group matches one sentence."""

    name: str
    cues: tuple[tuple[re.Pattern[str], ...], ...]
    subject: tuple[re.Pattern[str], ...] = ()

    def about(self, sentence: str) -> bool:
        """Whether a (knowledge-base) sentence speaks of the situation's subject."""
        return any(p.search(sentence) for p in self.subject)

    def sentences(self, text: str) -> list[str]:
        """The sentences of a message in which every cue group matches."""
        return [sentence.strip() for sentence in MESSAGE_SENTENCE.split(text)
                if sentence.strip()
                and all(any(p.search(sentence) for p in group) for group in self.cues)]


@dataclass(frozen=True)
class Frames:
    id: str
    version: int
    common: dict[str, dict[str, str]]
    intents: dict[str, dict[str, dict[str, str]]]
    order_facts: dict[str, dict[str, str]]
    market_languages: dict[str, str]
    without_knowledge: frozenset[str] = frozenset()  # intents answered from frames alone
    hand_over: frozenset[str] = frozenset()  # intents a person always takes over
    intent_topics: dict[str, list[str]] = field(default_factory=dict)  # topics an intent needs
    situations: tuple[Situation, ...] = ()  # their frames and topics sit with the intents'

    @property
    def tag(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def languages(self) -> set[str]:
        return set(self.common)

    def get(self, language: str) -> dict[str, str]:
        return self.common.get(language) or self.common[FALLBACK_LANGUAGE]

    def intent(self, intent: str | None, language: str) -> dict[str, str]:
        table = self.intents.get(intent or "", {})
        return table.get(language) or table.get(FALLBACK_LANGUAGE) or {}

    def topics_for(self, intent: str | None) -> list[str]:
        return list(self.intent_topics.get(intent or "", []))

    def framing(self, text: str, intent: str | None) -> tuple[str | None, str]:
        """What the reply is framed by, and what it answers: the first situation found in
        the message and the sentences it was found in; else the intent and the message."""
        for situation in self.situations:
            found = situation.sentences(text)
            if found:
                return situation.name, " ".join(found)
        return intent, text

    def situation(self, name: str | None) -> Situation | None:
        return next((s for s in self.situations if s.name == name), None)

    def order(self, language: str) -> dict[str, str]:
        return self.order_facts.get(language) or self.order_facts.get(FALLBACK_LANGUAGE, {})


def load_frames(path: Path) -> Frames:
    data = load_yaml(path)
    try:
        situations = data.get("situations") or {}
        frames = Frames(data["id"], int(data["version"]), data["common"],
                        {**(data.get("intents") or {}),
                         **{k: v["frames"] for k, v in situations.items()}},
                        data.get("order_facts") or {}, data.get("market_languages") or {},
                        frozenset(data.get("answers_without_knowledge") or ()),
                        frozenset(data.get("hand_over") or ()),
                        {**(data.get("intent_topics") or {}),
                         **{k: list(v["topics"]) for k, v in situations.items()}},
                        tuple(_situation(k, v) for k, v in situations.items()))
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise AppError(f"{path}: frames incomplete or invalid: {exc!r}", 500) from None
    for language, table in frames.common.items():
        missing = [k for k in COMMON_KEYS if k not in table]
        if missing:
            raise AppError(f"{path}: common.{language} lacks {', '.join(missing)}", 500)
    return frames


def _situation(name: str, spec: dict) -> Situation:
    groups = tuple(tuple(re.compile(p, re.I) for p in group) for group in spec["cues"])
    if not groups or not all(groups):
        raise ValueError(f"situation {name!r}: every cue group needs a pattern")
    return Situation(name, groups,
                     tuple(re.compile(p, re.I) for p in spec.get("subject") or ()))


@dataclass(frozen=True)
class Style:
    tone: ToneProfile
    frames: Frames
    brand: str


@dataclass(frozen=True)
class Content:
    """What one reply says, before it is shaped to fit."""

    language: str
    intent: str | None
    facts: tuple[str, ...] = ()
    order_id: str | None = None
    order: OrderFacts | None = None
    name: str | None = None


def grounded_reply(style: Style, content: Content) -> str:
    """The fullest form of the reply that fits the channel's limit."""
    forms = list(_forms(style, content))
    for body in forms:
        text = wrap(style, content.language, content.name, body)
        if measure(text, style.tone.unit) <= style.tone.limit:
            return text
    return forms[-1]  # even the compact form is too long: the guards trim or flag it


def holding_reply(style: Style, content: Content) -> str:
    """A safe reply that promises only that a person will answer."""
    common = style.frames.get(content.language)
    frame = style.frames.intent(content.intent, content.language)
    opening = _opening(style, frame) or common["thanks"]
    order = _order_lines(style, content)
    for body in ([opening, *order, common["holding"]], [common["holding"]]):
        text = wrap(style, content.language, content.name, _paragraphs(body))
        if measure(text, style.tone.unit) <= style.tone.limit:
            return text
    return common["holding"]


def public_reply(style: Style, language: str) -> str:
    """A public comment gets thanks and an invitation to write privately, nothing else."""
    return wrap(style, language, None, private_move(style, language))


def private_move(style: Style, language: str) -> str:
    tone = style.tone
    return tone.pick(tone.public_reply, language) or style.frames.get(language)["private_move"]


def order_line(style: Style, language: str, order_id: str) -> str:
    return style.frames.get(language)["order"].format(order_id=order_id)


def _forms(style: Style, content: Content):
    """Bodies from the fullest to the most compact."""
    common = style.frames.get(content.language)
    frame = style.frames.intent(content.intent, content.language)
    opening = _opening(style, frame) or common["thanks"]
    lead = frame.get("lead", common["lead"]) if content.facts else ""
    next_step = frame.get("next_step") or common["follow_up"]
    order = _order_lines(style, content)
    for count in range(len(content.facts), 0, -1):
        facts = joined_sentences(content.facts[:count])
        yield _paragraphs([opening, *order, joined_sentences([lead, facts]), next_step])
    if order or not content.facts:  # the order's own facts say more than a policy
        yield _paragraphs([opening, *order, next_step])
    if order:
        yield _paragraphs(order)
    facts = joined_sentences(content.facts[:1])
    yield _paragraphs([opening, facts])
    yield _paragraphs([facts or opening])


def _opening(style: Style, frame: dict[str, str]) -> str:
    if style.tone.casual and frame.get("casual_opening"):
        return frame["casual_opening"]
    return frame.get("opening", "")


def _order_lines(style: Style, content: Content) -> list[str]:
    """The order's status, tracking and expected date when known; else its number."""
    order = content.order
    if order is None or not order.status:
        return [order_line(style, content.language, content.order_id)] if content.order_id \
            else []
    table = style.frames.order(content.language)
    values = order.model_dump()
    values["order_id"] = order.order_id or content.order_id or ""
    lines = [_fill(table.get(order.status, ""), values)]
    if order.tracking_number and order.carrier:
        lines.append(_fill(table.get("tracking", ""), values))
    if order.eta and order.status in ("shipped", "in_transit", "delayed", "out_for_delivery"):
        lines.append(_fill(table.get("eta", ""), values))
    line = joined_sentences([line for line in lines if line])
    return [line] if line else []


def _fill(template: str, values: dict) -> str:
    """The template with the order's values; empty when one it names is unknown."""
    fields = [name for _, name, _, _ in Formatter().parse(template) if name]
    if any(not values.get(name) for name in fields):
        return ""
    return template.format(**{name: values[name] for name in fields})


_CJK_END = "。！？："  # no space after these (nor before them)


def joined_sentences(parts) -> str:
    """Sentences in one paragraph: a space between them, none after CJK punctuation."""
    out = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        out += part if not out or out[-1] in _CJK_END or part[0] in _CJK_END else " " + part
    return out


def _paragraphs(parts) -> str:
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def wrap(style: Style, language: str, name: str | None, body: str) -> str:
    return _paragraphs([greeting(style, language, name), body, sign_off(style, language)])


def greeting(style: Style, language: str, name: str | None) -> str:
    tone = style.tone
    return (tone.pick(tone.greeting, language).format(name=name) if name
            else tone.pick(tone.greeting_no_name, language))


def sign_off(style: Style, language: str) -> str:
    return style.tone.pick(style.tone.sign_off, language).format(brand=style.brand)


MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|\*\*|__|`", re.M)
SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


ABBREVIATIONS = {"bzw.", "z.b.", "e.g.", "i.e.", "etc.", "ca.", "nr.", "vs.", "approx.", "ecc.",
                 "bijv.", "d.h.", "u.a.", "incl.", "excl.", "max.", "min.", "no.", "art.", "ex."}
INITIAL = re.compile(r"(?:^|\s)\w\.$")  # "z." of "z. B.", "p." of "p. ex."


def passage_sentences(text: str) -> list[str]:
    """A passage's sentences without Markdown: list items become sentences; headings, table
    rows and fragments (a list item that continues a sentence, unbalanced brackets) are left
    out, and abbreviations do not end a sentence."""
    lines = [MARKUP.sub("", line).strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith(("#", "|"))]
    out = []
    for line in lines:
        if line[-1] in ";,；，、" or line[0].islower():
            continue  # part of a sentence that an earlier line started
        line = line if line[-1] in ".!?。！？:：" else line + ("。" if _cjk(line) else ".")
        out += [s for s in _joined_abbreviations(SENTENCE.split(line))
                if len(s) > 3 and _balanced(s)]
    return out


def _joined_abbreviations(pieces: list[str]) -> list[str]:
    out: list[str] = []
    for piece in (p.strip() for p in pieces if p.strip()):
        last = out[-1].lower() if out else ""
        if out and (last.rsplit(" ", 1)[-1] in ABBREVIATIONS or INITIAL.search(last)):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _balanced(text: str) -> bool:
    return all(text.count(a) == text.count(b) for a, b in ("()", "[]", "（）", "「」"))


def _cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" for ch in text)
