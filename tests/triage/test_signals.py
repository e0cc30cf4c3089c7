"""The cheap literal check in front of each rule pattern: it may only skip texts the pattern
cannot match."""

from __future__ import annotations

import pytest

from app.config import PROJECT_ROOT
from app.triage.signals import load_signals, required_literals


@pytest.mark.parametrize(("pattern", "literals"), [
    (r"\bchargeback\b", {"chargeback"}),
    (r"\b(pathetic|useless)\b", {"pathetic", "useless"}),
    (r"\b(arrived|came|is)( all)? (damaged|broken)\b", {"damaged", "broken"}),
    (r"(?:refund){2,}", {"refund"}),
    (r"炎", {"炎"}),
    (r"!{3,}", None),
    (r"\b(thanks|ty)?\b", None),
    (r"a(bc)?d", None),
])
def test_required_literals(pattern, literals):
    assert required_literals(pattern) == (frozenset(literals) if literals else None)


def test_the_check_never_skips_a_text_a_shipped_pattern_matches():
    signals = load_signals(PROJECT_ROOT / "prompts" / "triage" / "signals-v1.yaml")
    texts = ["My lamp ARRIVED completely Broken!!!", "I will SUE you", "Smoke came out of it",
             "PayPal dispute opened", "煙が出ました", "Ich schreibe Ihnen erneut", "thx"]
    for rule in signals.sentiment + signals.urgency:
        for group in rule.by_language.values():
            for guarded in group:
                for text in texts:
                    assert guarded.search(text, text.lower()) == bool(
                        guarded.pattern.search(text)), (guarded.pattern.pattern, text)
