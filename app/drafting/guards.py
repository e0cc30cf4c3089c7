"""Check a draft against its channel's rules; repair what is safe to repair.

Returns the repaired text, the repairs made, and the violations that remain (CONTRACT.md
``violations``). Issue #5 deepens this (promises, PII echo, language, injection canaries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from app.drafting.length import measure
from app.drafting.tone import ToneProfile

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
URL = re.compile(r"https?://[^\s)>\]]+|www\.[^\s)>\]]+", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\w)\+?\d[\d\s().-]{7,}\d(?!\w)")
ORDER_NUMBER = re.compile(r"^\d{3}-\d{7}-\d{7}$|^\d{2}-\d{5}-\d{5}$")  # Amazon, eBay
EMOJI = re.compile("[\U0001F300-\U0001FAFF\U00002600-\U000027BF\U0001F000-\U0001F2FF]")


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


def check(text: str, tone: ToneProfile, public: bool = False,
          order_id: str | None = None) -> GuardResult:
    result = GuardResult(text)
    if not tone.links_allowed or tone.allowed_link_domains:
        _remove(result, URL, "links", "link removed", keep=lambda m: _allowed(m, tone))
    if not tone.contact_details_allowed:
        _remove(result, EMAIL, "contact_details", "email address removed")
        _remove(result, PHONE, "contact_details", "phone number removed",
                keep=lambda m: _is_order_number(m.group(0), order_id))
    if not tone.emojis_allowed:
        _remove(result, EMOJI, "emoji", "emoji removed")
    if public and order_id and order_id in result.text:
        result.violations.append(Violation("public_order_details",
                                           "a public reply names the order"))
    _check_length(result, tone)
    return result


def _remove(result: GuardResult, pattern: re.Pattern[str], rule: str, detail: str,
            keep=lambda m: False) -> None:
    """Drop every sentence that carries a forbidden item, so the reply still reads well."""
    found = 0
    lines = []
    for line in result.text.split("\n"):
        kept = []
        for sentence in _SENTENCE.split(line):
            hits = [m for m in pattern.finditer(sentence) if not keep(m)]
            found += len(hits)
            if not hits:
                kept.append(sentence)
        if kept or not line.strip():
            lines.append(" ".join(s for s in kept if s))
    if found:
        result.text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        result.repairs.append(Violation(rule, f"{detail} ({found})"))


def _is_order_number(text: str, order_id: str | None) -> bool:
    text = text.strip()
    return bool(ORDER_NUMBER.match(text)) or bool(order_id and text in order_id)


def _allowed(match: re.Match[str], tone: ToneProfile) -> bool:
    host = urlparse(match.group(0) if "://" in match.group(0) else f"http://{match.group(0)}")
    name = (host.hostname or "").lower()
    return any(name == d or name.endswith(f".{d}") for d in tone.allowed_link_domains)


def _check_length(result: GuardResult, tone: ToneProfile) -> None:
    size = measure(result.text, tone.unit)
    if size > tone.limit:
        result.violations.append(Violation(
            "length", f"{size} {tone.unit} over the limit of {tone.limit}"))
