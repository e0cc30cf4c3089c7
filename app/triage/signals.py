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


MIN_LITERAL = 2


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-cased strings one of which every match must contain, found in the parsed
    pattern (a run of plain characters, or one per alternative of a group); the most
    selective such set, or None when one of its strings is a single ASCII character."""
    found = _required(_parser.parse(pattern))
    if not found or any(len(s) < MIN_LITERAL and s.isascii() for s in found):
        return None
    return found


def _required(items) -> frozenset[str] | None:
    candidates, run = [], []
    for op, value in items:
        if op is _constants.LITERAL:
            run.append(chr(value))
            continue
        candidates.append(frozenset(["".join(run).lower()]) if run else None)
        run = []
        candidates.append(_required_in(op, value))
    candidates.append(frozenset(["".join(run).lower()]) if run else None)
    found = [c for c in candidates if c]
    return max(found, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _required_in(op, value) -> frozenset[str] | None:
    if op is _constants.SUBPATTERN:
        return _required(value[-1])
    if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and value[0] >= 1:
        return _required(value[2])
    if op is _constants.BRANCH:
        options = [_required(alternative) for alternative in value[1]]
        return None if not all(options) else frozenset().union(*options)
    return None


@dataclass(frozen=True)
class Guarded:
    """A compiled pattern and strings it cannot match without (a cheap first check)."""

    pattern: re.Pattern[str]
    literals: frozenset[str] | None

    def search(self, text: str, lowered: str) -> bool:
        if self.literals is not None:
            for literal in self.literals:
                if literal in lowered:
                    break
            else:
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
        return Guarded(re.compile(pattern, re.IGNORECASE), required_literals(pattern))
    except re.error as exc:
        raise AppError(f"{path}: rule {rule_id} ({language}): bad pattern {pattern!r}: {exc}",
                       500) from None
