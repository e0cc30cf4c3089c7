"""Urgency: the highest of the intent's usual level, the rules that match, and the context
(public and unhappy, repeat contact, waiting time, VIP customer). Thresholds are data
(prompts/triage/policy-v1.yaml); every level chosen comes with its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.kit.datafiles import load_yaml
from app.triage.schemas import TriageInput
from app.triage.signals import URGENCY_LEVELS, Rule, Signals

RANK = {level: i for i, level in enumerate(URGENCY_LEVELS)}


@dataclass(frozen=True)
class UrgencyPolicy:
    default: str
    by_intent: dict[str, str]
    negative_public_minimum: str = "high"
    repeat_contacts: int = 2
    repeat_minimum: str = "high"
    waiting_hours: float = 24.0
    waiting_minimum: str = "high"
    vip_tags: frozenset[str] = field(default_factory=frozenset)
    vip_up_to: str = "high"


def load_policy(path: Path) -> UrgencyPolicy:
    data = load_yaml(path)
    context = data.get("context") or {}
    repeat, waiting = context.get("repeat_contact") or {}, context.get("waiting") or {}
    vip = context.get("vip") or {}
    return UrgencyPolicy(
        data.get("default_urgency", "normal"), data.get("intent_urgency") or {},
        context.get("negative_public_minimum", "high"),
        int(repeat.get("min_prior_contacts", 2)), repeat.get("minimum", "high"),
        float(waiting.get("hours", 24)), waiting.get("minimum", "high"),
        frozenset(str(t).lower() for t in vip.get("tags") or []), vip.get("up_to", "high"))


def decide(item: TriageInput, intent: str, sentiment: str, signals: Signals,
           policy: UrgencyPolicy, scope: set[str] | None,
           hits: list[Rule] | None = None) -> tuple[str, list[str]]:
    """``hits``: the urgency rules that match the text, when the caller has them already."""
    floor = policy.by_intent.get(intent, policy.default)
    candidates = [(floor, f"urgency {floor}: usual for intent {intent}")]
    hits = signals.hits(signals.urgency, item.text, scope) if hits is None else hits
    for rule in hits:
        candidates.append((rule.level, f"urgency {rule.level}: {rule.reason}"))
    candidates += _context(item, sentiment, policy)
    level, reasons = _highest(candidates)
    return _vip(item, level, reasons, policy)


def _context(item: TriageInput, sentiment: str, policy: UrgencyPolicy) -> list[tuple[str, str]]:
    out = []
    if sentiment == "negative" and item.visibility == "public":
        out.append((policy.negative_public_minimum, f"urgency {policy.negative_public_minimum}"
                    ": unhappy public message"))
    if item.prior_contacts >= policy.repeat_contacts:
        out.append((policy.repeat_minimum, f"urgency {policy.repeat_minimum}: "
                    f"{item.prior_contacts} earlier messages still unanswered"))
    if item.waiting_hours >= policy.waiting_hours:
        out.append((policy.waiting_minimum, f"urgency {policy.waiting_minimum}: waiting "
                    f"{item.waiting_hours:.0f} h for an answer"))
    return out


def _highest(candidates: list[tuple[str, str]]) -> tuple[str, list[str]]:
    top = max(RANK[level] for level, _ in candidates)
    return URGENCY_LEVELS[top], [reason for lvl, reason in candidates if RANK[lvl] == top]


def _vip(item: TriageInput, level: str, reasons: list[str],
         policy: UrgencyPolicy) -> tuple[str, list[str]]:
    tags = {t.lower() for t in item.customer_tags} & policy.vip_tags
    if not tags or RANK[level] >= RANK[policy.vip_up_to]:
        return level, reasons
    raised = URGENCY_LEVELS[RANK[level] + 1]
    return raised, [*reasons, f"urgency {raised}: {sorted(tags)[0]} customer, one level up"]
