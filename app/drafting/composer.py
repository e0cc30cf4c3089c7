"""The grounded composer: a reply built from the retrieved passage and data frames, no LLM."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.drafting.length import measure
from app.drafting.tone import ToneProfile
from app.kit.datafiles import load_yaml
from app.knowledge.schemas import KBHit

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|\*\*|__|`", re.M)
MAX_SENTENCES = 3


@dataclass(frozen=True)
class Frames:
    id: str
    version: int
    by_language: dict[str, dict[str, str]]
    market_languages: dict[str, str]

    @property
    def tag(self) -> str:
        return f"{self.id}@{self.version}"

    def get(self, language: str) -> dict[str, str]:
        return self.by_language.get(language) or self.by_language["en"]


def load_frames(path: Path) -> Frames:
    data = load_yaml(path)
    return Frames(data["id"], int(data["version"]), data["frames"],
                  data.get("market_languages") or {})


@dataclass(frozen=True)
class Style:
    tone: ToneProfile
    frames: Frames
    brand: str


def grounded_reply(style: Style, language: str, passage: KBHit, order_id: str | None,
                   name: str | None) -> str:
    """Longest reply with up to three passage sentences that fits the channel's limit."""
    sentences = passage_sentences(passage.text)
    for count in range(min(MAX_SENTENCES, len(sentences)), 0, -1):
        text = _assemble(style, language, sentences[:count], order_id, name)
        if measure(text, style.tone.unit) <= style.tone.limit:
            return text
    return _assemble(style, language, sentences[:1], order_id, None, compact=True)


def holding_reply(style: Style, language: str, name: str | None) -> str:
    return _wrap(style, language, name, style.frames.get(language)["holding"])


def public_reply(style: Style, language: str) -> str:
    tone = style.tone
    body = tone.pick(tone.public_reply, language) or style.frames.get(language)["holding"]
    return _wrap(style, language, None, body)


def passage_sentences(text: str) -> list[str]:
    plain = _MARKUP.sub("", text)
    parts = [s.strip() for s in _SENTENCE.split(" ".join(plain.split())) if s.strip()]
    return [p for p in parts if len(p) > 3]


def _assemble(style: Style, language: str, sentences: list[str], order_id: str | None,
              name: str | None, compact: bool = False) -> str:
    frame = style.frames.get(language)
    lines = [] if compact else [frame["thanks"]]
    if order_id and not compact:
        lines.append(frame["order"].format(order_id=order_id))
    lines.append(" ".join(sentences))
    if not compact:
        lines.append(frame["follow_up"])
    return _wrap(style, language, None if compact else name, "\n\n".join(lines))


def _wrap(style: Style, language: str, name: str | None, body: str) -> str:
    tone = style.tone
    greeting = (tone.pick(tone.greeting, language).format(name=name) if name
                else tone.pick(tone.greeting_no_name, language))
    sign_off = tone.pick(tone.sign_off, language).format(brand=style.brand)
    return f"{greeting}\n\n{body}\n\n{sign_off}"
