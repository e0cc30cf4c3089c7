"""The LLM drafter: a reply body from any OpenAI-compatible model, grounded in passages.

The customer's text and the passages go into the user message between tags, as data; tags
inside them are defused so a message cannot close its own block. A per-request canary in the
system prompt lets the guards see a leaked prompt. The caller wraps the body in the channel's
greeting and sign-off, runs the guards, and falls back to the composer on any error.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from app.drafting.schemas import OrderFacts
from app.drafting.tone import ToneProfile
from app.kit.prompts import PromptFile, load_prompt_file, tag_defuser
from app.knowledge.schemas import KBHit
from app.providers.llm import ChatModel, LLMError

# tags of the prompt's data blocks, made inert in the texts put inside them
defuse = tag_defuser("customer_message", "knowledge", "passage", "order", "text")
MAX_BODY = 1500


class LLMReply(BaseModel):
    reply: str = Field(min_length=1)  # no max_length: some servers turn it into a grammar
    cited: list[str] = Field(default_factory=list)
    needs_human: bool = False
    reason: str = ""


class TranslatedText(BaseModel):
    text: str = Field(min_length=1)


TEMPLATES = ("system", "user", "translate_system", "translate_user")


class DraftPrompt(PromptFile):
    """The drafting prompt: its templates, the rule lines per channel setting, and the
    names of the reply languages."""

    @property
    def rules(self) -> dict[str, str]:
        return self.data.get("rules") or {}


def load_draft_prompt(path: Path) -> DraftPrompt:
    loaded = load_prompt_file(path, TEMPLATES, tables=("rules",))
    return DraftPrompt(loaded.id, loaded.version, loaded.templates, loaded.data)


@dataclass(frozen=True)
class LLMRequest:
    message: str
    language: str
    tone: ToneProfile
    brand: str
    passages: tuple[KBHit, ...] = ()
    order: OrderFacts | None = None
    order_id: str | None = None
    public: bool = False
    canary: str = ""


def new_canary() -> str:
    return f"CANARY-{secrets.token_hex(6)}"


def body_budget(tone: ToneProfile) -> int:
    """Characters the body may take, leaving room for greeting and sign-off."""
    if tone.unit == "gsm_segments":
        return 200
    if tone.unit == "x_weighted":
        return min(180, tone.limit)
    return min(MAX_BODY, int(tone.limit * 0.8))


def build_messages(prompt: DraftPrompt, request: LLMRequest) -> tuple[str, str]:
    tone = request.tone
    system = prompt.system.format(
        brand=request.brand, language=request.language,
        language_name=prompt.language_name(request.language), register=tone.register,
        channel=tone.channel, budget=body_budget(tone), rules=_rules(prompt, request),
        canary=request.canary)
    user = prompt.user.format(message=defuse(request.message),
                              passages=_passages(request.passages),
                              order=_order(request.order, request.order_id))
    return system, user


def _rules(prompt: DraftPrompt, request: LLMRequest) -> str:
    tone, rules = request.tone, prompt.rules
    lines = []
    if tone.allowed_link_domains:
        lines.append(rules["links"].format(domains=", ".join(tone.allowed_link_domains)))
    elif not tone.links_allowed or request.public:
        lines.append(rules["no_links"])
    if not tone.contact_details_allowed:
        lines.append(rules["no_contact"])
    if not tone.marketing_allowed:
        lines.append(rules["no_marketing"])
    if not tone.off_platform_allowed:
        lines.append(rules["no_off_platform"].format(channel=tone.channel))
    if not tone.emojis_allowed:
        lines.append(rules["no_emoji"])
    if request.public:
        lines.append(rules["public"])
    elif request.order_id and "order_id" in tone.must_include:
        lines.append(rules["order_id"].format(order_id=request.order_id))
    return "\n".join(lines) or "- none beyond the above"


def _passages(passages: tuple[KBHit, ...]) -> str:
    if not passages:
        return "(no passage found)"
    return "\n".join(f'<passage id="{i}" topic="{p.topic}">\n{defuse(p.text)}\n</passage>'
                     for i, p in enumerate(passages, 1))


def _order(order: OrderFacts | None, order_id: str | None) -> str:
    if order is None:
        return f"order id: {order_id}" if order_id else "(unknown)"
    return "\n".join(f"{k}: {v}" for k, v in order.model_dump().items() if v)


def prompt_lines(system: str) -> tuple[str, ...]:
    """Lines of the system prompt long enough that a reply repeating one leaked it."""
    return tuple(line.strip() for line in system.splitlines() if len(line.strip()) >= 40)


@dataclass(frozen=True)
class LLMDrafter:
    chat: ChatModel
    prompt: DraftPrompt

    @property
    def model_id(self) -> str:
        return self.chat.model_id

    def draft(self, request: LLMRequest) -> tuple[LLMReply, str]:
        """The model's reply and the system prompt it was given; LLMError on any failure."""
        system, user = build_messages(self.prompt, request)
        reply = self.chat.structured(system, user, LLMReply)
        if not reply.reply.strip():
            raise LLMError("the model returned an empty reply")
        return reply, system

    def translate(self, text: str, language: str) -> str:
        system = self.prompt.translate_system.format(
            language=language, language_name=self.prompt.language_name(language))
        user = self.prompt.translate_user.format(text=defuse(text))
        return self.chat.structured(system, user, TranslatedText).text
