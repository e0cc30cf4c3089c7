"""The suite runner: each dataset's rows through its stages, one record per case.

The runner is handed the pipeline callables (``Pipelines``), so the CLI passes the service's
own batch functions (app.batch) and tests pass fakes. A case record holds the case's slice
fields, its gold labels, each stage's prediction, a pass/fail per check and the latency of
each stage (milliseconds per case, amortized over the batch the case ran in).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.errors import AppError
from app.evaluation.drafting import score_case
from app.evaluation.metrics import ndcg_at
from app.evaluation.retrieval import first_gold_rank
from app.evaluation.suites import Suite

Batch = Callable[[list[dict]], list[dict]]
Progress = Callable[[str, str, int, int], None]  # dataset, stage, done, total
GOLD_FIELDS = ("intent", "also_ok", "sentiment", "urgency", "language", "gold_topics")
TRIAGE_FIELDS = ("intent", "sentiment", "urgency", "language")
FOUND_WITHIN = 5  # a retrieval case passes when a gold topic is among the first 5 topics


@dataclass(frozen=True)
class Pipelines:
    """The same batch functions the service and the batch CLIs use, bound to their kits:
    ``triage(rows)`` -> triage outputs, ``retrieve(rows)`` -> ``{"hits": [...]}``,
    ``draft(rows)`` -> drafts (CONTRACT.md's batch outputs)."""

    triage: Batch | None = None
    retrieve: Batch | None = None
    draft: Batch | None = None
    tones: Mapping[str, Any] = field(default_factory=dict)  # channel -> ToneProfile
    threshold: float = 0.0  # the intent abstention threshold the triage kit uses
    k: int = 5


def run_cases(suite: Suite, rows: Mapping[str, list[dict]], pipes: Pipelines,
              progress: Progress | None = None) -> list[dict]:
    cases: list[dict] = []
    for dataset in suite.datasets:
        records = [_record(dataset.name, row, suite.slices) for row in rows[dataset.name]]
        for stage in dataset.stages:
            _run_stage(dataset.name, stage, rows[dataset.name], records, pipes,
                       suite.batch_size, progress)
        for record in records:
            record["passed"] = all(record["checks"].values())
        cases += records
    return cases


def _record(dataset: str, row: dict, slices: list[str]) -> dict:
    fields = {"dataset": dataset, **{s: _text(row.get(s)) for s in slices if s != "dataset"}}
    return {"dataset": dataset, "id": row["id"], "text": row.get("text") or "",
            "fields": fields,
            "gold": {k: row[k] for k in GOLD_FIELDS if row.get(k) not in (None, [])},
            "checks": {}, "latency_ms": {}}


def _text(value) -> str | None:
    return None if value is None else str(value)


def _run_stage(dataset: str, stage: str, rows: list[dict], records: list[dict],
               pipes: Pipelines, size: int, progress: Progress | None) -> None:
    pipe = {"triage": pipes.triage, "retrieval": pipes.retrieve, "drafting": pipes.draft}[stage]
    if pipe is None:
        raise AppError(f"no pipeline for stage {stage}", 500)
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        began = time.perf_counter()
        outs = pipe(chunk)
        each = round((time.perf_counter() - began) * 1000 / len(chunk), 2)
        for offset, (row, out) in enumerate(zip(chunk, outs, strict=True)):
            record = records[start + offset]
            SCORERS[stage](record, row, out, pipes)
            record["latency_ms"][stage] = each
        if progress:
            progress(dataset, stage, start + len(chunk), len(rows))


def _score_triage(record: dict, row: dict, out: dict, pipes: Pipelines) -> None:
    record["triage"] = {k: out.get(k) for k in (*TRIAGE_FIELDS, "intent_confidence",
                                                "needs_human", "reasons")}
    gold = record["gold"]
    for name in TRIAGE_FIELDS:
        if name in gold:
            accepted = {gold[name], *(gold.get("also_ok") or [])} if name == "intent" else {
                gold[name]}
            record["checks"][name] = out.get(name) in accepted


def _score_retrieval(record: dict, row: dict, out: dict, pipes: Pipelines) -> None:
    gold = record["gold"].get("gold_topics")
    topics = [h["topic"] for h in out.get("hits") or []]
    if not gold:
        record["retrieval"] = {"topics": topics, "rank": None, "ndcg": None}
        return
    rank = first_gold_rank(topics, gold)
    record["retrieval"] = {"topics": topics, "rank": rank,
                           "ndcg": ndcg_at(topics, gold, FOUND_WITHIN),
                           "doc_ids": [h.get("doc_id") for h in out.get("hits") or []]}
    record["checks"]["retrieval"] = rank is not None and rank <= FOUND_WITHIN


def _score_drafting(record: dict, row: dict, out: dict, pipes: Pipelines) -> None:
    if not row.get("language"):
        raise AppError(f"case {record['dataset']}/{record['id']}: drafting needs the case's "
                       "`language` label", 422)
    channel = row.get("channel") or "email"
    score = score_case(row, out, pipes.tones[channel])
    record["drafting"] = {
        "text": out.get("text"), "language": out.get("language"), "channel": channel,
        "citations": [c.get("topic") for c in out.get("citations") or []],
        "needs_human": bool(out.get("needs_human")), "reason": out.get("reason"),
        "failures": score.failures, "cited": score.cited,
        "injection_safe": score.injection_safe}
    record["checks"]["drafting"] = not score.failures


SCORERS = {"triage": _score_triage, "retrieval": _score_retrieval, "drafting": _score_drafting}
