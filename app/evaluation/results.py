"""A run's results (results.json: the source of truth) and the files written beside it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from app.evaluation.gates import check
from app.evaluation.runner import Pipelines, judge_status
from app.evaluation.scoring import measure, slices
from app.evaluation.suites import Suite

RESULTS, CASES, JUNIT, REPORT = "results.json", "cases.jsonl", "junit.xml", "report.html"


def build_results(suite: Suite, cases: list[dict], pipes: Pipelines, versions: dict,
                  started: datetime, seconds: float) -> dict:
    flat, details = measure(cases, pipes.threshold)
    gates = [g.as_dict() for g in check(suite.gates, flat)]
    return {
        "suite": suite.name, "suite_file": str(suite.path), "description": suite.description,
        "started_at": started.astimezone(UTC).isoformat(timespec="seconds"),
        "duration_seconds": round(seconds, 2),
        "versions": versions,
        "settings": {"intent_min_confidence": pipes.threshold, "k": pipes.k,
                     "batch_size": suite.batch_size},
        "datasets": [_dataset_info(d, cases) for d in suite.datasets],
        "cases": {"n": len(cases), "passed": sum(c["passed"] for c in cases)},
        "metrics": flat, "details": details, "judge": judge_status(suite, pipes),
        "slices": slices(cases, _slice_fields(suite), pipes.threshold),
        "gates": gates, "passed": all(g["passed"] for g in gates),
    }


def _slice_fields(suite: Suite) -> list[str]:
    fields = list(suite.slices)
    if len(suite.datasets) > 1 and "dataset" not in fields:
        fields.insert(0, "dataset")
    return fields


def _dataset_info(dataset, cases: list[dict]) -> dict:
    return {"name": dataset.name, "path": str(dataset.path), "stages": dataset.stages,
            "n": sum(c["dataset"] == dataset.name for c in cases),
            "sha256": hashlib.sha256(dataset.path.read_bytes()).hexdigest()[:16]}


def severity(case: dict) -> float:
    """How bad a failing case is: failed checks, plus the confidence of a wrong intent (a
    confident mistake is worse than an unsure one)."""
    failed = sum(not ok for ok in case["checks"].values())
    wrong_intent = case["checks"].get("intent") is False
    confidence = float((case.get("triage") or {}).get("intent_confidence") or 0.0)
    return failed + (confidence if wrong_intent else 0.0)


def worst_cases(cases: list[dict], n: int = 20) -> list[dict]:
    failing = [c for c in cases if not c["passed"]]
    return sorted(failing, key=lambda c: (-severity(c), c["dataset"], c["id"]))[:n]


def write_run(out: Path, results: dict, cases: list[dict]) -> None:
    """results.json and cases.jsonl (junit.xml and report.html are written by their
    modules)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    with (out / CASES).open("w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(case, ensure_ascii=False) + "\n")


def read_run(folder: Path) -> tuple[dict, list[dict]]:
    results = json.loads((folder / RESULTS).read_text(encoding="utf-8"))
    lines = (folder / CASES).read_text(encoding="utf-8").splitlines()
    return results, [json.loads(line) for line in lines if line.strip()]
