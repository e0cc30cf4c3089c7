"""How good the drafts are, from what agents did with them: sent as is, edited (and how
much), or rejected (and why). Computed from the review events, per intent, channel,
language, drafter (with prompt version) and agent, over a period."""

from __future__ import annotations

import csv
import difflib
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.drafting.models import Draft
from app.review.models import ReviewEvent
from app.triage.models import TriageResult

DECISIONS = ("approve", "edit", "reject")  # regenerate events are not decisions
DIMENSIONS = ("intent", "channel", "language", "drafter", "agent")


@dataclass(frozen=True)
class Decision:
    """One reviewed draft."""

    draft_id: int
    action: str  # approve (sent as is) | edit | reject
    agent: str
    intent: str
    channel: str
    language: str
    drafter: str  # e.g. composer composer/grounded@3+tone/email@1
    edit_distance: int  # characters (Levenshtein) between draft and sent text
    reason: str | None
    decided_at: datetime


@dataclass
class Rates:
    n: int = 0
    sent_as_is: int = 0
    edited: int = 0
    rejected: int = 0
    edit_distances: list[int] = field(default_factory=list)

    def add(self, decision: Decision) -> None:
        self.n += 1
        if decision.action == "approve":
            self.sent_as_is += 1
        elif decision.action == "edit":
            self.edited += 1
            self.edit_distances.append(decision.edit_distance)
        else:
            self.rejected += 1

    def as_dict(self) -> dict:
        share = (lambda k: round(k / self.n, 4)) if self.n else (lambda k: 0.0)
        return {"n": self.n, "sent_as_is": self.sent_as_is, "edited": self.edited,
                "rejected": self.rejected, "acceptance_rate": share(self.sent_as_is),
                "edit_rate": share(self.edited), "rejection_rate": share(self.rejected),
                "median_edit_distance": statistics.median(self.edit_distances)
                if self.edit_distances else 0}


def levenshtein(a: str, b: str) -> int:
    """Character edit distance (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def diff(before: str, after: str) -> str:
    return "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(),
                                          "draft", "sent", lineterm=""))


def decisions(session: Session, workspace_id: int, start: datetime | None = None,
              end: datetime | None = None) -> list[Decision]:
    query = select(ReviewEvent, Draft, TriageResult).join(
        Draft, Draft.id == ReviewEvent.draft_id).outerjoin(
        TriageResult, TriageResult.message_id == Draft.message_id).where(
        ReviewEvent.workspace_id == workspace_id, ReviewEvent.action.in_(DECISIONS))
    if start is not None:
        query = query.where(ReviewEvent.created_at >= start)
    if end is not None:
        query = query.where(ReviewEvent.created_at < end)
    return [Decision(
        draft_id=draft.id, action=event.action, agent=event.actor,
        intent=triage.intent if triage else "unknown", channel=draft.channel,
        language=draft.language, drafter=f"{draft.drafter} {draft.prompt_id}",
        edit_distance=levenshtein(event.before_text, event.after_text or "")
        if event.action == "edit" else 0,
        reason=event.reason, decided_at=event.created_at)
        for event, draft, triage in session.execute(query.order_by(ReviewEvent.id))]


def acceptance(items: list[Decision]) -> dict:
    overall = Rates()
    by: dict[str, dict[str, Rates]] = {d: defaultdict(Rates) for d in DIMENSIONS}
    for decision in items:
        overall.add(decision)
        for dimension in DIMENSIONS:
            by[dimension][getattr(decision, dimension)].add(decision)
    return {"overall": overall.as_dict(),
            "by": {d: {k: v.as_dict() for k, v in sorted(groups.items())}
                   for d, groups in by.items()}}


def as_csv(items: list[Decision]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["draft_id", "decided_at", "action", "agent", "intent", "channel",
                     "language", "drafter", "edit_distance", "reason"])
    for d in items:
        writer.writerow([d.draft_id, d.decided_at.isoformat(), d.action, d.agent, d.intent,
                         d.channel, d.language, d.drafter, d.edit_distance, d.reason or ""])
    return out.getvalue()
