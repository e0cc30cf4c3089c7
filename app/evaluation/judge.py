"""LLM-as-judge: rubric scores for a draft (tone for its channel, faithfulness to the cited
passages), 1-5 each with a one-sentence reason, from any ChatModel.

The rubric is a versioned prompt (prompts/evaluation/judge-v1.yaml). The customer's message,
the passages and the draft go into the user message between tags, as data; tags inside them
are defused so a message cannot close its own block. A malformed answer (no JSON, a score
outside 1-5, a missing reason) or an unreachable model is recorded as the case's judge error:
the run goes on. The judge sees either a draft the drafting stage just produced (its
citations carry the passage text) or a labelled sample row (``draft`` and ``passages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from app.config import PROJECT_ROOT
from app.drafting.tone import ToneProfile
from app.errors import AppError
from app.kit.prompts import PromptFile, load_prompt_file, tag_defuser
from app.providers.llm import ChatModel, LLMError

DEFAULT_PROMPT = PROJECT_ROOT / "prompts" / "evaluation" / "judge-v1.yaml"
DIMENSIONS = ("tone", "faithfulness")
PASS_SCORE = 3  # a judged draft passes its `judge` check when both scores reach this
# tags of the prompt's data blocks, made inert in the texts put inside them
defuse = tag_defuser("customer_message", "passages", "passage", "draft")
NO_PASSAGE = "(no passage: the draft cited nothing)"


class JudgeScores(BaseModel):
    tone: int = Field(ge=1, le=5)
    tone_reason: str
    faithfulness: int = Field(ge=1, le=5)
    faithfulness_reason: str

    @field_validator("tone", "faithfulness", mode="before")
    @classmethod
    def _whole_number(cls, value):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"a score is a whole number from 1 to 5, got {value!r}")
        return value

    @field_validator("tone_reason", "faithfulness_reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a reason is required")
        return value.strip()


class JudgePrompt(PromptFile):
    def rule(self, name: str, **values: str) -> str:
        return str(self.data["rules"][name]).format(**values)

    def unit(self, unit: str) -> str:
        return str((self.data.get("units") or {}).get(unit, unit))


def load_judge_prompt(path: Path = DEFAULT_PROMPT) -> JudgePrompt:
    loaded = load_prompt_file(path, ("system", "user"), tables=("rules",))
    return JudgePrompt(loaded.id, loaded.version, loaded.templates, loaded.data)


@dataclass(frozen=True)
class Passage:
    topic: str
    text: str


@dataclass(frozen=True)
class JudgeRequest:
    message: str
    draft: str
    language: str
    tone: ToneProfile
    passages: tuple[Passage, ...] = ()
    public: bool = False


@dataclass(frozen=True)
class Verdict:
    """The judge's scores for one draft, or the error that stopped it."""

    tone: int | None = None
    tone_reason: str = ""
    faithfulness: int | None = None
    faithfulness_reason: str = ""
    error: str | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def build_messages(prompt: JudgePrompt, request: JudgeRequest) -> tuple[str, str]:
    tone = request.tone
    system = prompt.system.format(
        channel=tone.channel, register=tone.register,
        language_name=f"{prompt.language_name(request.language)} ({request.language})",
        limit=tone.limit, unit=prompt.unit(tone.unit), rules=_rules(prompt, request))
    user = prompt.user.format(message=defuse(request.message), draft=defuse(request.draft),
                              passages=_passages(request.passages))
    return system, user


def _rules(prompt: JudgePrompt, request: JudgeRequest) -> str:
    tone = request.tone
    lines = []
    if tone.allowed_link_domains:
        lines.append(prompt.rule("links", domains=", ".join(tone.allowed_link_domains)))
    elif not tone.links_allowed or request.public:
        lines.append(prompt.rule("no_links"))
    if not tone.contact_details_allowed:
        lines.append(prompt.rule("no_contact"))
    if not tone.marketing_allowed:
        lines.append(prompt.rule("no_marketing"))
    if not tone.off_platform_allowed:
        lines.append(prompt.rule("no_off_platform", channel=tone.channel))
    lines.append(prompt.rule("emoji_ok" if tone.emojis_allowed else "no_emoji"))
    lines.append(prompt.rule("public") if request.public else prompt.rule("order_id"))
    return "\n".join(lines)


def _passages(passages: tuple[Passage, ...]) -> str:
    if not passages:
        return NO_PASSAGE
    return "\n".join(f'<passage id="{i}" topic="{defuse(p.topic)}">\n{defuse(p.text)}\n'
                     "</passage>" for i, p in enumerate(passages, 1))


@dataclass(frozen=True)
class Judge:
    chat: ChatModel
    prompt: JudgePrompt

    @property
    def model_id(self) -> str:
        return self.chat.model_id

    def score(self, request: JudgeRequest) -> Verdict:
        """The verdict; a model error or a malformed answer becomes ``Verdict(error=...)``."""
        system, user = build_messages(self.prompt, request)
        try:
            scores = self.chat.structured(system, user, JudgeScores)
        except LLMError as exc:
            return Verdict(error=str(exc) or type(exc).__name__)
        return Verdict(scores.tone, scores.tone_reason, scores.faithfulness,
                       scores.faithfulness_reason)


def load_judge(chat: ChatModel | None, path: Path = DEFAULT_PROMPT) -> Judge | None:
    """The judge on the configured chat model, or None when no LLM is configured."""
    return None if chat is None else Judge(chat, load_judge_prompt(path))


def request_for_draft(row: dict, out: dict, tone: ToneProfile) -> JudgeRequest:
    """A request for a draft the drafting stage produced: its citations carry the passages."""
    passages = tuple(Passage(str(c.get("topic") or ""), str(c.get("passage") or ""))
                     for c in out.get("citations") or [] if c.get("passage"))
    return JudgeRequest(row.get("text") or "", out.get("text") or "",
                        row.get("language") or out.get("language") or "en", tone, passages,
                        row.get("visibility") == "public")


def request_for_sample(row: dict, tone: ToneProfile, where: str) -> JudgeRequest:
    """A request for a labelled sample row: ``text``, ``draft``, ``passages`` (a list of
    ``{topic, text}`` or of strings) and ``language``."""
    if not str(row.get("draft") or "").strip():
        raise AppError(f"case {where}: the judge stage needs the case's `draft`", 422)
    raw = row.get("passages") or []
    if not isinstance(raw, list):
        raise AppError(f"case {where}: `passages` must be a list", 422)
    passages = tuple(Passage(str(p.get("topic") or ""), str(p.get("text") or ""))
                     if isinstance(p, dict) else Passage("", str(p)) for p in raw)
    return JudgeRequest(row.get("text") or "", str(row["draft"]), row.get("language") or "en",
                        tone, passages, row.get("visibility") == "public")


def human_labels(row: dict, where: str) -> dict[str, int] | None:
    """The row's human scores (``human_tone``, ``human_faithfulness``), each 1-5, or None when
    the row carries neither."""
    found = {d: row.get(f"human_{d}") for d in DIMENSIONS if row.get(f"human_{d}") is not None}
    if not found:
        return None
    if len(found) != len(DIMENSIONS):
        raise AppError(f"case {where}: label both human_tone and human_faithfulness", 422)
    for name, value in found.items():
        if isinstance(value, str) and value.strip().isdigit():  # a CSV cell
            value = found[name] = int(value)
        if isinstance(value, bool) or value not in range(1, 6):
            raise AppError(f"case {where}: human_{name} must be a whole number 1-5, got "
                           f"{value!r}", 422)
    return {name: int(value) for name, value in found.items()}


def passed(verdict: dict) -> bool | None:
    """The `judge` check of a judged draft: both scores at least PASS_SCORE (None: error)."""
    if verdict.get("error"):
        return None
    return min(verdict[d] for d in DIMENSIONS) >= PASS_SCORE
