"""The suite runner: each dataset's rows through its stages, one record per case.

The runner is handed the pipeline callables (``Pipelines``), so the CLI passes the service's
own batch functions (app.batch) and tests pass fakes. A case record holds the case's slice
fields, its gold labels, each stage's prediction, a pass/fail per check and the latency of
each stage (milliseconds per case, amortized over the batch the case ran in).

The LLM judge runs only when the CLI hands one in (an LLM is configured) and the suite asks
for it; otherwise the judge stage is skipped, a dataset with no other stage adds no case,
and ``judge_status`` says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.errors import AppError
from app.evaluation import judge as judging
from app.evaluation.drafting import score_case
from app.evaluation.metrics import ndcg_at
from app.evaluation.retrieval import first_gold_rank
from app.evaluation.suites import Dataset, Suite

Batch = Callable[[list[dict]], list[dict]]
Progress = Callable[[str, str, int, int], None]  # dataset, stage, done, total
GOLD_FIELDS = ("intent", "also_ok", "sentiment", "urgency", "language", "gold_topics")
TRIAGE_FIELDS = ("intent", "sentiment", "urgency", "language")
FOUND_WITHIN = 5  # a retrieval case passes when a gold topic is among the first 5 topics


@dataclass(frozen=True)
class Pipelines:
    """The same batch functions the service and the batch CLIs use, bound to their kits:
    ``triage(rows)`` -> triage outputs, ``retrieve(rows)`` -> ``{"hits": [...]}``,
    ``draft(rows)`` -> drafts (CONTRACT.md's batch outputs); ``dialogues(rows)`` -> each
    scripted dialogue played through the bot and scored (app/evaluation/dialogues.py
    ``dialogue_rows``)."""

    triage: Batch | None = None
    retrieve: Batch | None = None
    draft: Batch | None = None
    tones: Mapping[str, Any] = field(default_factory=dict)  # channel -> ToneProfile
    threshold: float = 0.0  # the intent abstention threshold the triage kit uses
    k: int = 5
    judge: judging.Judge | None = None  # None: no LLM configured, the judge does not run
    dialogues: Batch | None = None


def run_cases(suite: Suite, rows: Mapping[str, list[dict]], pipes: Pipelines,
              progress: Progress | None = None) -> list[dict]:
    cases: list[dict] = []
    for dataset in suite.datasets:
        stages = [s for s in dataset.stages if s != "judge" or pipes.judge is not None]
        if not stages:
            continue
        records = [_record(dataset.name, row, suite.slices) for row in rows[dataset.name]]
        for stage in stages:
            _run_stage(dataset, stage, rows[dataset.name], records, pipes,
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


def _run_stage(dataset: Dataset, stage: str, rows: list[dict], records: list[dict],
               pipes: Pipelines, size: int, progress: Progress | None) -> None:
    pipe = {"triage": pipes.triage, "retrieval": pipes.retrieve, "drafting": pipes.draft,
            "judge": lambda chunk: _judge_samples(dataset.name, chunk, pipes),
            "dialogues": pipes.dialogues}[stage]
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
            if stage == "drafting" and dataset.judge and pipes.judge is not None:
                _judge_draft(record, row, out, pipes.judge, pipes.tones)
        if progress:
            progress(dataset.name, stage, start + len(chunk), len(rows))


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


def _judge_draft(record: dict, row: dict, out: dict, judge: judging.Judge,
                 tones: Mapping[str, Any]) -> None:
    """The judge's verdict on a draft the drafting stage just made (its own latency)."""
    began = time.perf_counter()
    verdict = judge.score(judging.request_for_draft(
        row, out, tones[record["drafting"]["channel"]])).as_dict()
    record["latency_ms"]["judge"] = round((time.perf_counter() - began) * 1000, 2)
    record["judge"] = verdict
    if judging.passed(verdict) is not None:
        record["checks"]["judge"] = judging.passed(verdict)


def _judge_samples(dataset: str, rows: list[dict], pipes: Pipelines) -> list[dict]:
    if pipes.judge is None:
        raise AppError("no judge for the judge stage (no LLM configured)", 500)
    out = []
    for row in rows:
        where = f"{dataset}/{row['id']}"
        request = judging.request_for_sample(row, pipes.tones[row.get("channel") or "email"],
                                             where)
        out.append({"verdict": pipes.judge.score(request).as_dict(),
                    "human": judging.human_labels(row, where)})
    return out


def _score_judge(record: dict, row: dict, out: dict, pipes: Pipelines) -> None:
    """A labelled sample: the verdict, the human scores, and a check that the judge is within
    one point of the human on both (no check on a judge error or an unlabelled row)."""
    verdict, human = out["verdict"], out["human"]
    record["judge"] = {**verdict, "human": human, "rationale": row.get("human_rationale")}
    if human and not verdict.get("error"):
        record["checks"]["judge_agreement"] = all(
            abs(verdict[d] - human[d]) <= 1 for d in judging.DIMENSIONS)


def _score_dialogues(record: dict, row: dict, out: dict, pipes: Pipelines) -> None:
    """A dialogue's score: the customer's turns as the case's text, the transcript as the
    prediction, a check per expectation (the status only when one is expected)."""
    record["text"] = "\n".join(row["turns"])
    record["gold"]["expect"] = row["expect"]
    record["dialogue"] = out
    if out["right_status"] is not None:
        record["checks"]["right_status"] = out["right_status"]
    record["checks"].update(no_leak=not out["leaks"], handoff_as_expected=out["handoff_ok"],
                            locked_as_expected=out["locked_ok"])


def judge_status(suite: Suite, pipes: Pipelines) -> dict:
    """Whether the suite asked for the judge, whether it ran, and on what."""
    if not any(d.judged for d in suite.datasets):
        return {"requested": False, "ran": False, "note": "judge: not requested by the suite"}
    if pipes.judge is None:
        return {"requested": True, "ran": False, "note": "judge: not run (no LLM configured)"}
    return {"requested": True, "ran": True, "model_id": pipes.judge.model_id,
            "prompt": pipes.judge.prompt.tag,
            "note": f"judge: {pipes.judge.model_id}, prompt {pipes.judge.prompt.tag}"}


SCORERS = {"triage": _score_triage, "retrieval": _score_retrieval, "drafting": _score_drafting,
           "judge": _score_judge, "dialogues": _score_dialogues}
