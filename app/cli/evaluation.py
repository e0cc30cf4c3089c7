"""omnireply eval: run an evaluation suite (eval/suites/*.yaml), compare two runs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.cli import base
from app.cli.base import app, err, progress
from app.errors import AppError

eval_app = typer.Typer(no_args_is_help=True,
                       help="Evaluation suites: run a suite, compare two runs.")
app.add_typer(eval_app, name="eval")


@eval_app.command("run")
def eval_run(
    suite: Annotated[str, typer.Argument(help="A suite name in eval/suites/ (default, "
                                              "public) or a suite file")],
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the run's files "
                                             "(default: <data dir>/eval-runs/<time>-<suite>, "
                                             "where the web UI lists runs)")] = None,
) -> None:
    """Run SUITE through the service's own pipelines; write results.json, cases.jsonl,
    report.html and junit.xml. Exits 1 when a gate fails."""
    from app import evalrun
    from app.evaluation.runs import StatusFile, new_run_id, runs_root
    from app.evaluation.suites import load_suite, resolve

    loaded = load_suite(resolve(suite, evalrun.SUITES))
    reason = evalrun.skipped_because(loaded)
    if reason:
        err.print(f"[yellow]skipped[/yellow] suite {loaded.name}: {reason}")
        return
    rt = base.open_runtime()
    prepared = evalrun.prepare(rt, loaded, rt.settings.default_workspace)
    status, folder = None, out
    if folder is None:  # in the runs folder, with status.json, so the web UI lists it
        root = runs_root(rt.settings.data_dir)
        folder = root / new_run_id(root, loaded.name, datetime.now(UTC))
        status = StatusFile.create(folder, loaded.name, prepared.workspace, prepared.total)
    with progress() as bar:
        tasks: dict[tuple[str, str], int] = {}

        def tick(dataset: str, stage: str, done: int, total: int) -> None:
            key = (dataset, stage)
            if key not in tasks:
                tasks[key] = bar.add_task(f"{dataset} {stage}", total=total)
            bar.update(tasks[key], completed=done)

        results = evalrun.run_suite(rt, prepared, folder, tick, status)
    _print_summary(results, folder)
    if not results["passed"]:
        raise typer.Exit(1)


def _print_summary(results: dict, folder: Path) -> None:
    console = Console()
    cases = results["cases"]
    console.print(f"[bold]eval {results['suite']}[/bold]: {cases['n']} cases, "
                  f"{cases['passed']} passed all checks, {results['duration_seconds']} s")
    for name, value in results["metrics"].items():
        if name.count(".") == 1 or name.startswith("latency."):
            console.print(f"  {name:34} {'-' if value is None else value}")
    if (results.get("judge") or {}).get("requested"):
        console.print(f"  {results['judge']['note']}")
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
