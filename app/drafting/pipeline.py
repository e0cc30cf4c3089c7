"""Drafting as a pure function: message, triage and passages in, a checked draft out.

The grounded composer drafts by default; with an LLM configured the LLM drafts and the
composer is the fallback on any error or violation the guards cannot repair. Either way the
draft passes the guards of its channel, and anything a person must look at sets
``needs_human`` with the reason. The API (through the service), the tasks, the CLI and the
evaluation runner all call ``draft``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from app.drafting import composer, guards
from app.drafting.composer import Content, Frames, Style
from app.drafting.grounding import select_facts
from app.drafting.guards import GuardResult, GuardRules
from app.drafting.llm_drafter import LLMDrafter, LLMRequest, new_canary, prompt_lines
from app.drafting.schemas import Citation, DraftInput, DraftOutput, Translation, ViolationOut
from app.drafting.tone import ToneProfile
from app.errors import invalid
from app.knowledge.schemas import KBHit, KBQuery, KBResult
from app.providers.embeddings import Embedder
from app.providers.llm import LLMError
from app.triage.schemas import TriageOutput

COMPOSER = "composer"
LLM = "llm"
NO_MODEL = "none"


@dataclass(frozen=True)
class DraftKit:
    tones: dict[str, ToneProfile]
    frames: Frames
    brand: str
    rules: GuardRules
    embedder: Embedder | None = None  # ranks passage sentences; None keeps KB order
    detect: Callable[[str], str] | None = None  # checks the reply's language
    llm: LLMDrafter | None = None
    agent_language: str = "en"


@dataclass
class Drafted:
    text: str
    citations: list[Citation]
    reasons: list[str]
    drafter: str
    prompt_id: str
    model_id: str
    checked: GuardResult | None = None


def draft(item: DraftInput, triage: TriageOutput, knowledge: KBResult,
          kit: DraftKit) -> DraftOutput:
    tone = kit.tones.get(item.channel)
    if tone is None:
        raise invalid("channel", f"no tone profile for channel {item.channel!r}")
    style = Style(tone, kit.frames, kit.brand)
    language = reply_language(triage.language, item.market, kit.frames)
    result = _drafted(item, triage, knowledge, style, language, kit)
    reasons = result.reasons + _review_reasons(item, triage, result.checked, kit)
    checked = result.checked
    return DraftOutput(
        text=checked.text, language=language, channel=item.channel,
        citations=result.citations,
        violations=[ViolationOut(**v.as_dict()) for v in checked.violations],
        repairs=[ViolationOut(**v.as_dict()) for v in checked.repairs],
        needs_human=bool(reasons), reason="; ".join(dict.fromkeys(reasons)),
        drafter=result.drafter, prompt_id=result.prompt_id, model_id=result.model_id,
        translation=_translation(item, checked.text, language, kit))


def knowledge_query(text: str, market: str | None, channel: str | None,
                    triage: TriageOutput, kit: DraftKit) -> KBQuery:
    """What to search the knowledge base with for a reply: the message in its language,
    preferring the topics the message's intent needs. A situation (a review offered for a
    reward...) asks with the sentences it was found in, and reads its topics whole."""
    framing, question = kit.frames.framing(text, triage.intent)
    topics = kit.frames.topics_for(framing)
    return KBQuery(text=question, market=market, channel=channel, language=triage.language,
                   prefer_topics=topics,
                   whole_topics=topics if framing != triage.intent else [])


def reply_language(detected: str, market: str | None, frames: Frames) -> str:
    if detected in frames.languages:
        return detected
    if detected == "und" and market and market.upper() in frames.market_languages:
        return frames.market_languages[market.upper()]
    return "en"


def _drafted(item: DraftInput, triage: TriageOutput, knowledge: KBResult, style: Style,
             language: str, kit: DraftKit) -> Drafted:
    ctx = _context(item, style, language, kit)
    if kit.llm is not None and item.visibility != "public":
        try:
            drafted = _llm_draft(item, knowledge, style, language, kit, ctx)
        except LLMError as exc:
            fallback = f"LLM draft failed ({exc}); the composer wrote this one"
        else:
            if not drafted.checked.violations:
                return drafted
            fallback = ("LLM draft rejected (" + ", ".join(
                v.rule for v in drafted.checked.violations) + "); the composer wrote this one")
        drafted = _composer_draft(item, triage, knowledge, style, language, kit, ctx)
        drafted.reasons.insert(0, fallback)
        return drafted
    return _composer_draft(item, triage, knowledge, style, language, kit, ctx)


def _context(item: DraftInput, style: Style, language: str, kit: DraftKit,
             secrets: tuple[str, ...] = ()) -> guards.Context:
    order = item.order
    return guards.Context(
        tone=style.tone, language=language, public=item.visibility == "public",
        order_id=item.order_id, customer_text=item.text, actions=frozenset(item.actions),
        keep_numbers=tuple(n for n in (item.order_id, order and order.tracking_number,
                                       order and order.order_id) if n),
        secrets=secrets,
        order_line=composer.order_line(style, language, item.order_id) if item.order_id
        else "", private_move=composer.private_move(style, language), detect=kit.detect,
        wrapper=(composer.greeting(style, language, item.customer_name),
                 composer.sign_off(style, language)))


def _composer_draft(item: DraftInput, triage: TriageOutput, knowledge: KBResult,
                    style: Style, language: str, kit: DraftKit,
                    ctx: guards.Context) -> Drafted:
    text, citations, reasons = _compose(item, triage, knowledge, style, language, kit, ctx)
    return Drafted(text, citations, reasons, COMPOSER, f"{kit.frames.tag}+{style.tone.tag}",
                   NO_MODEL, guards.check(text, ctx, kit.rules))


def _compose(item: DraftInput, triage: TriageOutput, knowledge: KBResult, style: Style,
             language: str, kit: DraftKit,
             ctx: guards.Context) -> tuple[str, list[Citation], list[str]]:
    if item.visibility == "public":
        return composer.public_reply(style, language), [], []
    framing, question = kit.frames.framing(item.text, triage.intent)
    content = Content(language, framing, order_id=item.order_id, order=item.order,
                      name=item.customer_name)
    if framing in kit.frames.without_knowledge and not triage.needs_human:
        return composer.grounded_reply(style, content), [], []
    facts, sources = ([], []) if not knowledge.confident else select_facts(
        question, _passages(knowledge, framing, triage, kit), language, kit.embedder,
        allowed=guards.sentence_filter(ctx, kit.rules),
        favoured=lambda passage: _expected(passage, framing, item.channel, kit),
        about=_about(kit.frames.situation(framing)))
    if facts:
        content = replace(content, facts=tuple(facts))
        return composer.grounded_reply(style, content), _cite(sources), []
    if item.order is not None and item.order.status:
        return composer.grounded_reply(style, content), [], []
    reason = ("no confident answer in the knowledge base" if not knowledge.confident
              else f"no knowledge-base passage in {language}")
    return composer.holding_reply(style, content), [], [reason]


def _passages(knowledge: KBResult, framing: str | None, triage: TriageOutput,
              kit: DraftKit) -> list[KBHit]:
    """The passages to quote from; a situation's reply keeps to its own topics when the
    knowledge base returned any."""
    passages = knowledge.sections or knowledge.hits[:1]
    if framing == triage.intent:
        return passages
    topics = kit.frames.topics_for(framing)
    return [p for p in passages if p.topic in topics] or passages


def _about(situation: composer.Situation | None) -> Callable[[str], bool] | None:
    return situation.about if situation else None


def _expected(passage: KBHit, framing: str | None, channel: str, kit: DraftKit) -> bool:
    """A passage the message is expected to need: a topic of its intent (or situation), or
    written for its channel."""
    return passage.topic in kit.frames.topics_for(framing) or channel in passage.channels


def _llm_draft(item: DraftInput, knowledge: KBResult, style: Style, language: str,
               kit: DraftKit, ctx: guards.Context) -> Drafted:
    passages = tuple(knowledge.sections or knowledge.hits[:3]) if knowledge.confident else ()
    request = LLMRequest(item.text, language, style.tone, kit.brand, passages, item.order,
                         item.order_id, item.visibility == "public", new_canary())
    reply, system = kit.llm.draft(request)
    text = composer.wrap(style, language, item.customer_name, reply.reply)
    ctx = replace(ctx, secrets=(request.canary, *prompt_lines(system)))
    cited = [passages[int(i) - 1] for i in reply.cited
             if str(i).isdigit() and 0 < int(i) <= len(passages)]
    reasons = [f"the model asks for a human: {reply.reason or 'no reason given'}"] \
        if reply.needs_human else []
    return Drafted(text, _cite(cited), reasons, LLM, f"{kit.llm.prompt.tag}+{style.tone.tag}",
                   kit.llm.model_id, guards.check(text, ctx, kit.rules))


def _cite(hits: list[KBHit]) -> list[Citation]:
    """One citation per document, with the sections drafted from (for the agent to read)."""
    by_doc: dict[str, list[KBHit]] = {}
    for hit in hits:
        by_doc.setdefault(hit.doc_id, []).append(hit)
    return [Citation(doc_id=doc, topic=group[0].topic, title=group[0].title,
                     heading=" · ".join(dict.fromkeys(h.heading for h in group if h.heading)),
                     passage="\n\n".join(dict.fromkeys(h.text for h in group)))
            for doc, group in by_doc.items()]


def _review_reasons(item: DraftInput, triage: TriageOutput, checked: GuardResult,
                    kit: DraftKit) -> list[str]:
    reasons = []
    if triage.needs_human:
        reasons.append("intent uncertain")
    if triage.urgency == "urgent":
        reasons.append("urgent: " + next((r for r in triage.reasons if "urgent" in r), "urgent"))
    if triage.intent in kit.frames.hand_over:
        reasons.append(f"{triage.intent}: a person takes over")
    injected = guards.injection_suspected(item.text, kit.rules)
    if injected:
        reasons.append(f"possible prompt injection in the message: {injected!r}")
    reasons += [f"{v.rule}: {v.detail}" for v in checked.violations]
    return reasons


def _translation(item: DraftInput, text: str, language: str,
                 kit: DraftKit) -> Translation | None:
    """The message and the draft in the agent's language, when an LLM can translate."""
    if kit.llm is None or language == kit.agent_language:
        return None
    try:
        return Translation(language=kit.agent_language,
                           message=kit.llm.translate(item.text, kit.agent_language),
                           draft=kit.llm.translate(text, kit.agent_language))
    except LLMError:
        return None
