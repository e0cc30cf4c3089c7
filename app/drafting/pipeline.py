"""Drafting as a pure function: message, triage and passages in, a checked draft out."""

from __future__ import annotations

from dataclasses import dataclass

from app.drafting import composer, guards
from app.drafting.composer import Frames, Style
from app.drafting.schemas import Citation, DraftInput, DraftOutput, ViolationOut
from app.drafting.tone import ToneProfile
from app.errors import invalid
from app.knowledge.schemas import KBResult
from app.triage.schemas import TriageOutput

DRAFTER = "composer"
MODEL_ID = "none"


@dataclass(frozen=True)
class DraftKit:
    tones: dict[str, ToneProfile]
    frames: Frames
    brand: str


def draft(item: DraftInput, triage: TriageOutput, knowledge: KBResult,
          kit: DraftKit) -> DraftOutput:
    tone = kit.tones.get(item.channel)
    if tone is None:
        raise invalid("channel", f"no tone profile for channel {item.channel!r}")
    style = Style(tone, kit.frames, kit.brand)
    language = reply_language(triage.language, item.market, kit.frames)
    text, citations, reasons = _compose(item, knowledge, style, language)
    checked = guards.check(text, tone, public=item.visibility == "public", order_id=item.order_id)
    reasons += _review_reasons(triage, checked)
    return DraftOutput(
        text=checked.text, language=language, channel=item.channel, citations=citations,
        violations=[ViolationOut(**v.as_dict()) for v in checked.violations],
        needs_human=bool(reasons), reason="; ".join(reasons), drafter=DRAFTER,
        prompt_id=f"{kit.frames.tag}+{tone.tag}", model_id=MODEL_ID)


def reply_language(detected: str, market: str | None, frames: Frames) -> str:
    if detected in frames.by_language:
        return detected
    if detected == "und" and market and market.upper() in frames.market_languages:
        return frames.market_languages[market.upper()]
    return "en"


def _compose(item: DraftInput, knowledge: KBResult, style: Style,
             language: str) -> tuple[str, list[Citation], list[str]]:
    if item.visibility == "public":
        return composer.public_reply(style, language), [], []
    if not knowledge.confident:
        text = composer.holding_reply(style, language, item.customer_name)
        return text, [], ["no confident answer in the knowledge base"]
    top = knowledge.hits[0]
    text = composer.grounded_reply(style, language, top, item.order_id, item.customer_name)
    return text, [Citation(doc_id=top.doc_id, topic=top.topic)], []


def _review_reasons(triage: TriageOutput, checked: guards.GuardResult) -> list[str]:
    reasons = []
    if triage.needs_human:
        reasons.append("intent uncertain")
    if triage.urgency == "urgent":
        reasons.append("urgent: " + next((r for r in triage.reasons if "urgent" in r), "urgent"))
    reasons += [f"{v.rule}: {v.detail}" for v in checked.violations]
    return reasons
