"""A drafting kit on the shipped frames, tones and guard rules, and fixed knowledge."""

from __future__ import annotations

from app.config import PROJECT_ROOT
from app.drafting.composer import load_frames
from app.drafting.guards import load_guard_rules
from app.drafting.llm_drafter import LLMDrafter, load_draft_prompt
from app.drafting.pipeline import DraftKit
from app.drafting.tone import load_tone_profiles
from app.knowledge.schemas import KBHit, KBResult
from app.providers.embeddings import FakeEmbedder
from app.triage.schemas import TriageOutput

PROMPTS = PROJECT_ROOT / "prompts"


def draft_kit(chat=None, detect=None, agent_language: str = "en") -> DraftKit:
    llm = LLMDrafter(chat, load_draft_prompt(PROMPTS / "drafting" / "llm-v1.yaml")) \
        if chat is not None else None
    return DraftKit(load_tone_profiles(PROMPTS / "tone"),
                    load_frames(PROMPTS / "drafting" / "composer-v3.yaml"), "Lumen & Loom",
                    load_guard_rules(PROMPTS / "drafting" / "guards-v1.yaml"), FakeEmbedder(),
                    detect, llm, agent_language)


def triaged(intent: str = "return_request", language: str = "en",
            needs_human: bool = False) -> TriageOutput:
    return TriageOutput(intent=intent, intent_confidence=0.9, sentiment="neutral",
                        urgency="normal", language=language, language_confidence=0.99,
                        reasons=[], needs_human=needs_human, model_id="test",
                        taxonomy_version="test")


RETURNS_EN = KBHit(
    doc_id="en/returns-policy", topic="returns-policy", title="Returns policy", score=0.9,
    similarity=0.7, language="en", text=(
        "- You can return most items **within 30 days of delivery** for a refund.\n"
        "- Returns from the EU and UK are free.\n"
        "| Country | Days |\n"
        "All returns go to our returns centre in Venlo, Netherlands."))
RETURNS_DE = RETURNS_EN.model_copy(update={
    "doc_id": "de/returns-policy", "language": "de",
    "text": "Die meisten Artikel können Sie innerhalb von 30 Tagen nach Erhalt zurückgeben."})


def knowledge(*hits: KBHit, confident: bool = True) -> KBResult:
    hits = hits or (RETURNS_EN,)
    return KBResult(hits=list(hits), confident=confident, sections=list(hits))
