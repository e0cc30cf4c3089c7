"""omnireply eval: run an evaluation suite (eval/suites/*.yaml), compare two runs."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from app.cli import base
from app.cli.base import app, err, knowledge_of, progress
from app.config import PROJECT_ROOT
from app.errors import AppError

eval_app = typer.Typer(no_args_is_help=True,
                       help="Evaluation suites: run a suite, compare two runs.")
app.add_typer(eval_app, name="eval")

SUITES = PROJECT_ROOT / "eval" / "suites"
REPORTS = PROJECT_ROOT / "eval" / "reports"


@eval_app.command("run")
def eval_run(
    suite: Annotated[str, typer.Argument(help="A suite name in eval/suites/ (default, "
                                              "public) or a suite file")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the run's files "
                                             "(default: eval/reports/<suite>-<time>)")] = None,
) -> None:
    """Run SUITE through the service's own pipelines; write results.json, cases.jsonl,
    report.html and junit.xml. Exits 1 when a gate fails."""
    from app.evaluation.suites import load_suite, read_dataset, resolve

    loaded = load_suite(resolve(suite, SUITES))
    if loaded.missing:
        err.print(f"[yellow]skipped[/yellow] suite {loaded.name}: it needs "
                  f"{', '.join(str(p.resolve()) for p in loaded.missing)}, which does not "
                  "exist here")
        return
    rows = {d.name: _checked(d.name, read_dataset(loaded, d)) for d in loaded.datasets}
    folder = out or REPORTS / f"{loaded.name}-{datetime.now():%Y%m%d-%H%M%S}"
    results = _run(loaded, rows, folder)
    _print_summary(results, folder)
    if not results["passed"]:
        raise typer.Exit(1)


def _checked(dataset: str, rows: list[dict]) -> list[dict]:
    """Every row must be a valid batch input (CONTRACT.md), before any model is loaded."""
    from app.batch import CaseIn

    for row in rows:
        try:
            CaseIn.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            raise AppError(f"dataset {dataset}, case {row['id']}: {where}: "
                           f"{first['msg']}") from exc
    return rows


def _run(suite, rows: dict[str, list[dict]], folder: Path) -> dict:
    from app.evaluation.junit import write_junit
    from app.evaluation.report import write_report
    from app.evaluation.results import JUNIT, build_results, write_run
    from app.evaluation.runner import run_cases

    rt = base.open_runtime()
    pipes = _pipelines(rt, suite.stages)
    started, began = datetime.now(), time.perf_counter()
    with progress() as bar:
        tasks: dict[tuple[str, str], int] = {}

        def tick(dataset: str, stage: str, done: int, total: int) -> None:
            key = (dataset, stage)
            if key not in tasks:
                tasks[key] = bar.add_task(f"{dataset} {stage}", total=total)
            bar.update(tasks[key], completed=done)

        cases = run_cases(suite, rows, pipes, tick)
    results = build_results(suite, cases, pipes, _versions(rt, suite.stages), started,
                            time.perf_counter() - began)
    write_run(folder, results, cases)
    write_junit(folder / JUNIT, results, cases)
    write_report(folder, results, cases)
    return results


def _pipelines(rt, stages: list[str]):
    from app.batch import CaseIn, draft_rows, kb_rows, triage_rows
    from app.evaluation.runner import Pipelines
    from app.kit.jsonl import Row

    def as_rows(raws: list[dict]) -> list[Row]:
        return [Row(n, r, CaseIn.model_validate(r)) for n, r in enumerate(raws, start=1)]

    k = max(5, rt.settings.knowledge.top_k)
    needs_kb = "retrieval" in stages or "drafting" in stages
    knowledge = knowledge_of(rt) if needs_kb else None
    return Pipelines(
        triage=lambda raws: triage_rows(as_rows(raws), rt.triage_kit),
        retrieve=lambda raws: kb_rows(as_rows(raws), knowledge, k),
        draft=lambda raws: draft_rows(as_rows(raws), rt.triage_kit, knowledge, rt.draft_kit,
                                      rt.settings.knowledge.top_k),
        tones=rt.draft_kit.tones if "drafting" in stages else {},
        threshold=rt.triage_kit.min_intent_confidence, k=k)


def _versions(rt, stages: list[str]) -> dict:
    from app.evaluation import versions

    out: dict = {"git": versions.git_commit(PROJECT_ROOT)}
    out.update(versions.triage_versions(rt.triage_kit))
    if "retrieval" in stages or "drafting" in stages:
        out.update(versions.knowledge_versions(knowledge_of(rt)))
    if "drafting" in stages:
        out.update(versions.drafting_versions(rt.draft_kit))
    return out


def _print_summary(results: dict, folder: Path) -> None:
    console = Console()
    cases = results["cases"]
    console.print(f"[bold]eval {results['suite']}[/bold]: {cases['n']} cases, "
                  f"{cases['passed']} passed all checks, {results['duration_seconds']} s")
    for name, value in results["metrics"].items():
        if name.count(".") == 1 or name.startswith("latency."):
            console.print(f"  {name:34} {'-' if value is None else value}")
    for gate in results["gates"]:
        mark = "[green]pass[/green]" if gate["passed"] else "[red]FAIL[/red]"
        actual = "not measured" if gate["actual"] is None else gate["actual"]
        console.print(f"  gate {gate['gate']:40} {actual!s:>12}  {mark}")
    console.print(f"wrote {folder}/ results.json cases.jsonl report.html junit.xml")
    if not results["passed"]:
        err.print("[red]a gate failed[/red]")


@eval_app.command("compare")
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="The baseline run's folder")],
    run_b: Annotated[Path, typer.Argument(help="The candidate run's folder")],
    html: Annotated[Path | None, typer.Option("--html", help="Where to write the HTML "
                                              "(default: RUN_B/compare.html)")] = None,
    resamples: Annotated[int, typer.Option(min=100, help="Bootstrap resamples")] = 1000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed")] = 7,
    cases: Annotated[int, typer.Option(help="How many regressed cases to print")] = 20,
) -> None:
    """Compare RUN_B against RUN_A: metric deltas with bootstrap confidence intervals,
    McNemar's test per check, and the cases that regressed first."""
    from app.evaluation.compare import as_html, as_text, compare
    from app.evaluation.results import RESULTS, read_run

    for folder in (run_a, run_b):
        if not (folder / RESULTS).is_file():
            raise AppError(f"{folder}: no {RESULTS} here (a folder written by eval run)")
    with progress() as bar:
        bar.add_task("bootstrap", total=None)
        result = compare(read_run(run_a), read_run(run_b), resamples, seed)
    print(as_text(result, cases))
    target = html or run_b / "compare.html"
    target.write_text(as_html(result), encoding="utf-8")
    err.print(f"wrote {target}")
