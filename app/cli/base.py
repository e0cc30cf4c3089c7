"""The omnireply command's shared parts: the app, the runtime, progress bars, batch runs."""

from __future__ import annotations

import atexit
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.config import get_settings
from app.errors import AppError
from app.kit.jsonl import Row, batched, read_rows, write_rows
from app.wiring import Runtime, build_runtime, limit_threads, set_runtime

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Omnireply: serve, worker, batch CLIs of CONTRACT.md, knowledge base, demo.")
err = Console(stderr=True)
BATCH = 64


def main() -> None:
    limit_threads()
    try:
        app()
    except AppError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        sys.exit(2)


def open_runtime() -> Runtime:
    runtime = build_runtime(get_settings())
    set_runtime(runtime)
    atexit.register(runtime.close)
    return runtime


def progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def run_batch(input_path: Path, output_path: Path, label: str,
              process: Callable[[list[Row]], list[dict]]) -> None:
    """Read rows, process them in batches with a progress bar, write JSON Lines."""
    from app.batch import CaseIn

    if not input_path.exists():
        raise AppError(f"--input {input_path}: no such file")
    with output_path.open("w", encoding="utf-8") as out, progress() as bar:
        task = bar.add_task(label, total=_count_lines(input_path))
        for rows in batched(read_rows(input_path, CaseIn), BATCH):
            write_rows(out, process(rows))
            bar.update(task, completed=rows[-1].line)

# a group's own batch run (omnireply triage|draft --input --output) beside its subcommands
MaybeInput = Annotated[Path | None, typer.Option("--input", help="JSON Lines input")]
MaybeOutput = Annotated[Path | None, typer.Option("--output", help="JSON Lines output")]



def report(title: str, result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    Console().print(f"[bold]{title}[/bold]")
    for key, value in result.items():
        if key == "per_class":
            for name, s in sorted(value.items(), key=lambda kv: kv[1]["f1"]):
                Console().print(f"  {name:38} P {s['precision']:.3f}  R {s['recall']:.3f}  "
                                f"F1 {s['f1']:.3f}  n {s['support']}")
        else:
            Console().print(f"{key}: {value}")



def knowledge_of(rt: Runtime):
    kit = rt.knowledge_kit(rt.settings.default_workspace)
    if not kit.store.inventory(kit.collection, "doc_id"):
        raise AppError("the knowledge base is not indexed yet: run `omnireply kb ingest`")
    return kit
