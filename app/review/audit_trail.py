"""The audit trail of a workspace as one list, newest first: what agents did with drafts
(approve, edit, reject: review events), triage corrections, and the audit events (knowledge
base writes, account changes). Each entry says when, who, what action on which target, a
short summary of what changed and the structured detail; edits carry the text before/after.

Actions are ``<kind>.<verb>``: draft.approve|edit|reject|regenerate, triage.correct,
customer.*, kb.*, user.*, key.*. Targets are ``draft:<id>``, ``message:<id>``,
``customer:<id>``, ``user:<email>``, ``key:<prefix>`` or a knowledge-base document id.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.review.models import ReviewEvent, TriageCorrection

CSV_COLUMNS = ("at", "actor", "action", "target", "summary", "detail", "before", "after")
MAX_EXPORT = 50_000
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SUMMARY_VALUE = 80  # characters of one detail value in a summary
REVIEW_SUMMARIES = {"approve": "sent the draft as written", "reject": "rejected the draft",
                    "edit": "edited the draft before sending",
                    "regenerate": "drafted the reply again"}


@dataclass(frozen=True)
class TrailFilter:
    """Empty fields do not filter. ``action`` is an action (draft.edit) or a kind (draft);
    ``start`` is inclusive, ``end`` exclusive."""

    actor: str | None = None
    action: str | None = None
    target: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Entry:
    source: str  # review | triage | audit
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    summary: str
    detail: dict
    before: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class TrailPage:
    total: int
    limit: int
    offset: int
    entries: list[Entry]


def trail(session: Session, workspace_id: int, filters: TrailFilter = TrailFilter(),
          limit: int = 50, offset: int = 0) -> TrailPage:
    """One page of the workspace's trail, newest first, and how many entries match."""
    rows = _matching(_union(workspace_id), filters).subquery()
    total = session.scalar(select(func.count()).select_from(rows)) or 0
    keys = session.execute(select(rows.c.source, rows.c.id).order_by(
        rows.c.at.desc(), rows.c.source, rows.c.id.desc()).limit(limit).offset(offset)).all()
    return TrailPage(total, limit, offset, _load(session, [(s, i) for s, i in keys]))


def _union(workspace_id: int):
    def columns(source: str, model, action, target):
        return select(literal_column(f"'{source}'", String).label("source"),
                      model.id.label("id"), model.created_at.label("at"),
                      model.actor.label("actor"), action.label("action"),
                      target.label("target")).where(model.workspace_id == workspace_id)

    return union_all(
        columns("review", ReviewEvent, literal_column("'draft.'", String) + ReviewEvent.action,
                literal_column("'draft:'", String) + cast(ReviewEvent.draft_id, String)),
        columns("triage", TriageCorrection, literal_column("'triage.correct'", String),
                literal_column("'message:'", String) + cast(TriageCorrection.message_id,
                                                             String)),
        columns("audit", AuditEvent, AuditEvent.action, AuditEvent.target)).subquery()


def _matching(rows, filters: TrailFilter):
    query = select(rows)
    if filters.actor:
        query = query.where(rows.c.actor == filters.actor)
    if filters.action:
        query = query.where(or_(rows.c.action == filters.action,
                                rows.c.action.startswith(f"{filters.action}.",
                                                         autoescape=True)))
    if filters.target:
        query = query.where(rows.c.target == filters.target)
    if filters.start is not None:
        query = query.where(rows.c.at >= filters.start)
    if filters.end is not None:
        query = query.where(rows.c.at < filters.end)
    return query


def _load(session: Session, keys: list[tuple[str, int]]) -> list[Entry]:
    """The entries for these (source, id) keys, in the same order."""
    loaders: dict[str, tuple[type, Callable]] = {
        "review": (ReviewEvent, _review_entry), "triage": (TriageCorrection, _triage_entry),
        "audit": (AuditEvent, _audit_entry)}
    built: dict[tuple[str, int], Entry] = {}
    for source, (model, make) in loaders.items():
        ids = [i for s, i in keys if s == source]
        if ids:
            for row in session.scalars(select(model).where(model.id.in_(ids))):
                built[(source, row.id)] = make(row)
    return [built[key] for key in keys]


def _review_entry(event: ReviewEvent) -> Entry:
    detail: dict = {"draft_id": event.draft_id}
    summary = REVIEW_SUMMARIES.get(event.action, event.action)
    if event.action in ("edit", "regenerate"):
        added, removed = edit_size(event.before_text, event.after_text or "")
        detail |= {"words_added": added, "words_removed": removed}
        summary = f"{summary}: {added} words added, {removed} removed"
    elif event.action == "reject":
        detail["reason"] = event.reason
        summary = f"{summary}: {event.reason}"
    return Entry("review", event.id, event.created_at, event.actor, f"draft.{event.action}",
                 f"draft:{event.draft_id}", summary, detail, event.before_text,
                 event.after_text)


def _triage_entry(fix: TriageCorrection) -> Entry:
    return Entry("triage", fix.id, fix.created_at, fix.actor, "triage.correct",
                 f"message:{fix.message_id}", f"{fix.field}: {fix.before} → {fix.after}",
                 {"message_id": fix.message_id, "field": fix.field, "before": fix.before,
                  "after": fix.after})


def _audit_entry(event: AuditEvent) -> Entry:
    detail = dict(event.detail or {})
    return Entry("audit", event.id, event.created_at, event.actor, event.action, event.target,
                 summarize(event.action, detail), detail)


def _workspaces(detail: dict) -> str:
    return ", ".join(detail.get("workspaces") or []) or "-"


ACCOUNT_SUMMARIES: dict[str, Callable[[dict], str]] = {
    "user.create": lambda d: f"created user {d.get('name')} with role {d.get('role')} "
                             f"(workspaces: {_workspaces(d)})",
    "user.role": lambda d: f"role: {d.get('before')} → {d.get('after')}",
    "user.disable": lambda d: "disabled the user: they can no longer sign in",
    "user.enable": lambda d: "enabled the user again",
    "key.create": lambda d: f"created API key '{d.get('name')}' with role {d.get('role')} "
                            f"(workspaces: {_workspaces(d)})",
    "key.revoke": lambda d: f"revoked API key '{d.get('name')}'",
}


def summarize(action: str, detail: dict) -> str:
    """A short human-readable line for an audit event; other actions list their detail
    (long values cut short; the whole value stays in the detail)."""
    if action in ACCOUNT_SUMMARIES:
        return ACCOUNT_SUMMARIES[action](detail)
    parts = [f"{k}: {_short(v)}" for k, v in detail.items()
             if isinstance(v, str | int | float | list) and v != []]
    return ", ".join(parts) or action


def _short(value) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= SUMMARY_VALUE else f"{text[:SUMMARY_VALUE - 1]}…"


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The edit as segments (same | del | ins, text) by words, for a readable diff."""
    a, b = TOKENS.findall(before), TOKENS.findall(after)
    segments: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("ins", "".join(b[j1:j2])))
    return segments


def edit_size(before: str, after: str) -> tuple[int, int]:
    """Words added and removed by an edit (whitespace and punctuation not counted)."""
    added = removed = 0
    for op, text in word_diff(before, after):
        words = len(re.findall(r"\w+", text))
        added += words if op == "ins" else 0
        removed += words if op == "del" else 0
    return added, removed


def as_csv(entries: list[Entry]) -> str:
    """The entries as CSV. A cell that a spreadsheet would run as a formula (it starts with
    = + - @) gets a leading apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow([_cell(v) for v in (
            e.at.isoformat(), e.actor, e.action, e.target, e.summary,
            json.dumps(e.detail, ensure_ascii=False, sort_keys=True), e.before or "",
            e.after or "")])
    return out.getvalue()


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_START) else value
