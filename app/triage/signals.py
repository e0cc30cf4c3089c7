"""Sentiment and urgency rules as data: regular expressions per language, each with a reason."""

from __future__ import annotations

import re
import re._constants as _constants
import re._parser as _parser
from dataclasses import dataclass
from pathlib import Path

from app.errors import AppError
from app.kit.datafiles import load_yaml

URGENCY_LEVELS = ("low", "normal", "high", "urgent")


def required_literal(pattern: str) -> str | None:
    """The longest run of plain characters every match must contain (lower-cased), found by
    walking the top level of the parsed pattern; None when there is none of 3+ characters."""
    best, run = "", []
    for op, value in _parser.parse(pattern):
        if op is _constants.LITERAL:
            run.append(chr(value))
            continue
        best = max(best, "".join(run), key=len)
        run = []
    best = max(best, "".join(run), key=len).lower()
    return best if len(best) >= 3 else None


@dataclass(frozen=True)
class Guarded:
    """A compiled pattern and a literal it cannot match without (a cheap first check)."""

    pattern: re.Pattern[str]
    literal: str | None

    def search(self, text: str, lowered: str) -> bool:
        if self.literal is not None and self.literal not in lowered:
            return False
        return self.pattern.search(text) is not None


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # sentiment polarity or urgency level
    reason: str
    by_language: dict[str, tuple[Guarded, ...]]

    @property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(g.pattern for group in self.by_language.values() for g in group)

    def matches(self, text: str, languages: set[str] | None = None,
                lowered: str | None = None) -> bool:
        """Search the patterns of the given languages (all when None)."""
        lowered = text.lower() if lowered is None else lowered
        groups = (self.by_language.values() if languages is None
                  else [self.by_language.get(lang, ()) for lang in languages])
        return any(g.search(text, lowered) for group in groups for g in group)


@dataclass(frozen=True)
class Signals:
    version: int
    sentiment: tuple[Rule, ...]
    urgency: tuple[Rule, ...]

    def hits(self, rules: tuple[Rule, ...], text: str,
             languages: set[str] | None = None) -> list[Rule]:
        lowered = text.lower()
        return [rule for rule in rules if rule.matches(text, languages, lowered)]


def load_signals(path: Path) -> Signals:
    data = load_yaml(path)
    return Signals(int(data.get("version", 1)),
                   _rules(path, data.get("sentiment") or {}),
                   _rules(path, data.get("urgency") or {}))


def _rules(path: Path, levels: dict) -> tuple[Rule, ...]:
    rules = []
    for level, entries in levels.items():
        for raw in entries or []:
            rules.append(Rule(str(raw["id"]), str(level), str(raw["reason"]),
                              _compile(path, raw)))
    return tuple(rules)


def _compile(path: Path, raw: dict) -> dict[str, tuple[Guarded, ...]]:
    return {language: tuple(_guarded(path, raw.get("id"), language, p) for p in patterns or [])
            for language, patterns in (raw.get("patterns") or {}).items()}


def _guarded(path: Path, rule_id: object, language: str, pattern: str) -> Guarded:
    try:
        return Guarded(re.compile(pattern, re.IGNORECASE), required_literal(pattern))
    except re.error as exc:
        raise AppError(f"{path}: rule {rule_id} ({language}): bad pattern {pattern!r}: {exc}",
                       500) from None
