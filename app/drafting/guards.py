"""Check a draft against its channel's rules and the general ones; repair what is safe.

Every draft (composer or LLM) passes through ``check``. A repair removes the sentence that
carries the problem (a link, contact details, an echoed card number, a promise nobody made,
marketing, an off-platform offer), trims to the length limit, adds the order ID a platform
requires or moves a public reply to private wording. What cannot be repaired safely (a
leaked prompt, the wrong language, still too long, nothing left to say) stays in
``violations`` (CONTRACT.md) and sends the draft to a human.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from app.drafting.length import measure
from app.drafting.tone import ToneProfile
from app.errors import AppError
from app.kit.datafiles import load_yaml

SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
URL = re.compile(r"https?://[^\s)>\]]+|www\.[^\s)>\]]+", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w-])\+?\d(?:[\s().-]?\d){7,14}(?![\w-])")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
ORDER_NUMBER = re.compile(r"\d{3}-\d{7}-\d{7}|\d{2}-\d{5}-\d{5}")  # Amazon, eBay
EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF"
                   "\u200d\ufe0f]")


@dataclass
class Violation:
    rule: str
    detail: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "detail": self.detail}


@dataclass
class GuardResult:
    text: str
    repairs: list[Violation] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)


@dataclass(frozen=True)
class GuardRules:
    """The phrase lists of prompts/drafting/guards-v<N>.yaml, compiled (all languages)."""

    tag: str
    promises: dict[str, tuple[re.Pattern[str], ...]]
    marketing: tuple[re.Pattern[str], ...]
    review_incentive: tuple[re.Pattern[str], ...]
    off_platform: tuple[re.Pattern[str], ...]
    leak: tuple[re.Pattern[str], ...]
    injection: tuple[re.Pattern[str], ...]


def load_guard_rules(path: Path) -> GuardRules:
    data = load_yaml(path)
    compiled = lambda key: _compile(path, key, data.get(key) or {})  # noqa: E731
    return GuardRules(
        tag=f"{data.get('id', 'guards')}@{data.get('version', 1)}",
        promises={action: _compile(path, f"promises.{action}", table)
                  for action, table in (data.get("promises") or {}).items()},
        marketing=compiled("marketing"), review_incentive=compiled("review_incentive"),
        off_platform=compiled("off_platform"), leak=compiled("leak"),
        injection=compiled("injection"))


def _compile(path: Path, key: str, table: dict) -> tuple[re.Pattern[str], ...]:
    out = []
    for language, patterns in table.items():
        for pattern in patterns or []:
            try:
                out.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise AppError(f"{path}: {key} ({language}): bad pattern {pattern!r}: {exc}",
                               500) from None
    return tuple(out)


@dataclass(frozen=True)
class Context:
    """What the guards need to know about the message a draft answers."""

    tone: ToneProfile
    language: str
    public: bool = False
    order_id: str | None = None
    customer_text: str = ""
    actions: frozenset[str] = frozenset()
    keep_numbers: tuple[str, ...] = ()  # order and tracking numbers the reply may name
    secrets: tuple[str, ...] = ()  # a prompt's canary and lines: never in a reply
    order_line: str = ""  # "Regarding your order {order_id}:" in the reply language
    private_move: str = ""  # the move-to-private sentence for public replies
    wrapper: tuple[str, str] = ("", "")  # the greeting and sign-off around the body
    detect: Callable[[str], str] | None = None  # language of a text, "und" when unsure


def check(text: str, ctx: Context, rules: GuardRules) -> GuardResult:
    result = GuardResult(text.strip())
    _leaks(result, ctx, rules)
    _strip_forbidden(result, ctx, rules)
    if ctx.public:
        _keep_public_private(result, ctx)
    elif ctx.order_id and "order_id" in ctx.tone.must_include:
        _include_order(result, ctx)
    _fit_length(result, ctx.tone)
    _check_language(result, ctx)
    if not _body(result.text, ctx.wrapper).strip():
        result.violations.append(Violation("empty", "nothing left to say after repairs"))
    return result


def injection_suspected(customer_text: str, rules: GuardRules) -> str | None:
    """The customer's words that try to instruct the assistant, if any."""
    for pattern in rules.injection:
        found = pattern.search(customer_text)
        if found:
            return found.group(0)
    return None


def _leaks(result: GuardResult, ctx: Context, rules: GuardRules) -> None:
    lowered = result.text.lower()
    if any(s and s.lower() in lowered for s in ctx.secrets):
        result.violations.append(Violation("prompt_leak", "the reply repeats the prompt"))
    elif any(p.search(result.text) for p in rules.leak):
        result.violations.append(Violation("prompt_leak", "the reply talks about its prompt"))


def _strip_forbidden(result: GuardResult, ctx: Context, rules: GuardRules) -> None:
    for rule, detail, finder in _sentence_rules(ctx, rules):
        _drop(result, rule, detail, finder)
    if not ctx.tone.emojis_allowed:
        _strip_chars(result, EMOJI, "emoji", "emoji removed")


def sentence_filter(ctx: Context, rules: GuardRules) -> Callable[[str], bool]:
    """Whether the guards would keep a sentence (drafters pick among those)."""
    finders = [finder for _, _, finder in _sentence_rules(ctx, rules)]
    return lambda sentence: not any(finder(sentence) for finder in finders)


def _sentence_rules(ctx: Context, rules: GuardRules) -> list[tuple[str, str, Finder]]:
    """Each sentence-level rule that applies to this channel and message."""
    tone = ctx.tone
    out: list[tuple[str, str, Finder]] = []
    if not tone.links_allowed or tone.allowed_link_domains or ctx.public:
        out.append(("links", "link removed", _finder(
            URL, lambda m: not ctx.public and _allowed(m.group(0), tone))))
    if not tone.contact_details_allowed or ctx.public:
        out.append(("contact_details", "email address removed", _finder(EMAIL)))
        out.append(("contact_details", "phone number removed",
                    _finder(PHONE, lambda m: _harmless_number(m.group(0), ctx))))
    out.append(("personal_data", "personal data of the customer removed",
                _echoes(ctx.customer_text, ctx)))
    out.append(("personal_data", "card or bank account number removed", _payment_numbers))
    out += [("promise", f"unbacked promise removed ({action})", _any_of(patterns))
            for action, patterns in rules.promises.items() if action not in ctx.actions]
    out.append(("marketing", "review incentive removed", _any_of(rules.review_incentive)))
    if not tone.marketing_allowed:
        out.append(("marketing", "marketing removed", _any_of(rules.marketing)))
    if not tone.off_platform_allowed:
        out.append(("off_platform", "off-platform offer removed", _any_of(rules.off_platform)))
    return out


Finder = Callable[[str], int]  # how many forbidden items a sentence holds


def _finder(pattern: re.Pattern[str], keep=lambda m: False) -> Finder:
    return lambda sentence: sum(1 for m in pattern.finditer(sentence) if not keep(m))


def _any_of(patterns: tuple[re.Pattern[str], ...]) -> Finder:
    return lambda sentence: int(any(p.search(sentence) for p in patterns))


def _echoes(customer_text: str, ctx: Context) -> Finder:
    """Emails, phone numbers and account numbers the customer wrote, repeated back."""
    items = {m.group(0) for p in (EMAIL, IBAN) for m in p.finditer(customer_text)}
    items |= {_digits(m.group(0)) for m in PHONE.finditer(customer_text)
              if not _harmless_number(m.group(0), ctx)}
    items.discard("")
    if not items:
        return lambda sentence: 0
    return lambda sentence: sum(1 for item in items
                                if item in sentence or item in _digits(sentence))


def _payment_numbers(sentence: str) -> int:
    cards = sum(1 for m in CARD.finditer(sentence) if _luhn(_digits(m.group(0))))
    return cards + len(IBAN.findall(sentence))


def _luhn(number: str) -> bool:
    if not 13 <= len(number) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _harmless_number(text: str, ctx: Context) -> bool:
    """Order and tracking numbers and dates look like phone numbers but may stay."""
    text = text.strip()
    digits = _digits(text)
    return (bool(ORDER_NUMBER.fullmatch(text)) or bool(ISO_DATE.fullmatch(text))
            or any(digits and digits in _digits(k) for k in ctx.keep_numbers if k))


def _allowed(url: str, tone: ToneProfile) -> bool:
    host = urlparse(url if "://" in url else f"http://{url}")
    name = (host.hostname or "").lower()
    return any(name == d or name.endswith(f".{d}") for d in tone.allowed_link_domains)


def _drop(result: GuardResult, rule: str, detail: str, finder: Finder) -> None:
    """Remove every sentence in which the finder finds something, keeping the layout."""
    found, paragraphs = 0, []
    for paragraph in result.text.split("\n\n"):
        lines = []
        for line in paragraph.split("\n"):
            kept = []
            for sentence in SENTENCE.split(line):
                hits = finder(sentence) if sentence.strip() else 0
                found += hits
                if not hits:
                    kept.append(sentence)
            if any(s.strip() for s in kept):
                lines.append(_join(kept))
        if lines:
            paragraphs.append("\n".join(lines))
    if found:
        result.text = "\n\n".join(paragraphs).strip()
        result.repairs.append(Violation(rule, f"{detail} ({found})"))


def _join(sentences: list[str]) -> str:
    out = ""
    for s in (s.strip() for s in sentences if s.strip()):
        out += s if not out or out[-1] in "。！？" else " " + s
    return out


def _strip_chars(result: GuardResult, pattern: re.Pattern[str], rule: str,
                 detail: str) -> None:
    found = len(pattern.findall(result.text))
    if found:
        result.text = re.sub(r"[ \t]+(?=\n|$)", "", pattern.sub("", result.text)).strip()
        result.text = re.sub(r" {2,}", " ", result.text)
        result.repairs.append(Violation(rule, f"{detail} ({found})"))


def _keep_public_private(result: GuardResult, ctx: Context) -> None:
    """A public reply names no order and moves the conversation to private messages."""
    if ctx.order_id:
        _drop(result, "public_order_details", "order number removed from a public reply",
              lambda s: s.count(ctx.order_id))
    _drop(result, "public_order_details", "order number removed from a public reply",
          _finder(ORDER_NUMBER))
    if ctx.private_move and ctx.private_move not in result.text:
        result.text = _insert_before_sign_off(result.text, ctx.private_move, ctx.wrapper[1])
        result.repairs.append(Violation("public", "moved the conversation to private"))


def _include_order(result: GuardResult, ctx: Context) -> None:
    if ctx.order_id in result.text or not ctx.order_line:
        return
    paragraphs = result.text.split("\n\n")
    paragraphs.insert(1 if len(paragraphs) > 1 else 0, ctx.order_line)
    result.text = "\n\n".join(paragraphs)
    result.repairs.append(Violation("must_include", "order ID added"))


def _insert_before_sign_off(text: str, paragraph: str, sign_off: str) -> str:
    if sign_off and text.endswith(sign_off):
        head = text[:-len(sign_off)].strip()
        return "\n\n".join(p for p in (head, paragraph, sign_off) if p)
    paragraphs = text.split("\n\n")
    at = len(paragraphs) - 1 if len(paragraphs) > 2 else len(paragraphs)
    return "\n\n".join(paragraphs[:at] + [paragraph] + paragraphs[at:])


def _fit_length(result: GuardResult, tone: ToneProfile) -> None:
    """Trim whole sentences from the end of the body (never the greeting or sign-off)."""
    before = measure(result.text, tone.unit)
    if before <= tone.limit:
        return
    paragraphs = result.text.split("\n\n")
    while measure("\n\n".join(paragraphs), tone.unit) > tone.limit and len(paragraphs) >= 3:
        sentences = [s for s in SENTENCE.split(paragraphs[-2]) if s.strip()]
        if len(sentences) > 1:
            paragraphs[-2] = _join(sentences[:-1])
        elif len(paragraphs) > 3:
            del paragraphs[-2]
        else:
            break
    text = "\n\n".join(paragraphs)
    size = measure(text, tone.unit)
    if text != result.text:
        result.text = text
        result.repairs.append(Violation("length", f"trimmed to {size} {tone.unit}"))
    if size > tone.limit:
        result.violations.append(Violation(
            "length", f"{size} {tone.unit} over the limit of {tone.limit}"))


def _body(text: str, wrapper: tuple[str, str]) -> str:
    """The text between greeting and sign-off (by paragraphs when they are not known)."""
    greeting, sign_off = wrapper
    if not (greeting or sign_off):
        paragraphs = text.split("\n\n")
        return "\n\n".join(paragraphs[1:-1]) if len(paragraphs) > 2 else text
    text = text.strip()
    if greeting and text.startswith(greeting):
        text = text[len(greeting):]
    if sign_off and text.endswith(sign_off):
        text = text[:-len(sign_off)]
    return text.strip()


def _check_language(result: GuardResult, ctx: Context) -> None:
    if ctx.detect is None:
        return
    found = ctx.detect(_body(result.text, ctx.wrapper))
    if found not in ("und", ctx.language):
        result.violations.append(Violation(
            "language", f"the reply reads as {found}, the customer wrote {ctx.language}"))
