"""Sentiment and urgency rules as data: regular expressions per language, each with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.errors import AppError
from app.kit.datafiles import load_yaml

URGENCY_LEVELS = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Rule:
    id: str
    level: str  # sentiment polarity or urgency level
    reason: str
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@dataclass(frozen=True)
class Signals:
    version: int
    sentiment: tuple[Rule, ...]
    urgency: tuple[Rule, ...]

    def hits(self, rules: tuple[Rule, ...], text: str) -> list[Rule]:
        return [rule for rule in rules if rule.matches(text)]


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


def _compile(path: Path, raw: dict) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for language, patterns in (raw.get("patterns") or {}).items():
        for pattern in patterns or []:
            try:
                compiled.append(re.compile(pattern, re.IGNORECASE))
            except re.error as exc:
                raise AppError(f"{path}: rule {raw.get('id')} ({language}): bad pattern "
                               f"{pattern!r}: {exc}", 500) from None
    return tuple(compiled)
