"""omnireply draft: batch drafts and the draft evaluation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.cli import base
from app.cli.base import (
    BATCH,
    MaybeInput,
    MaybeOutput,
    app,
    knowledge_of,
    progress,
    run_batch,
)
from app.config import PROJECT_ROOT
from app.errors import AppError
from app.kit.jsonl import Row, batched

draft_app = typer.Typer(help="Draft replies; measure the drafts.")
app.add_typer(draft_app, name="draft")


@draft_app.callback(invoke_without_command=True)
def draft(ctx: typer.Context, input: MaybeInput = None, output: MaybeOutput = None) -> None:
    """Draft a reply for each message of --input (triage, knowledge search, drafter,
    guards)."""
    if ctx.invoked_subcommand:
        return
    if input is None or output is None:
        raise AppError("omnireply draft needs --input and --output (or a subcommand: eval)")
    from app.batch import draft_rows

    rt = base.open_runtime()
    knowledge = knowledge_of(rt)
    run_batch(input, output, "draft", lambda rows: draft_rows(
        rows, rt.triage_kit, knowledge, rt.draft_kit, rt.settings.knowledge.top_k))


@draft_app.command("eval")
def draft_eval(
    cases: Annotated[Path, typer.Option(help="Labelled draft cases (JSON Lines)")] =
    PROJECT_ROOT / "eval" / "datasets" / "draft_cases.jsonl",
    failures: Annotated[int, typer.Option(help="How many failing cases to list")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Draft every case and check it: forbidden patterns after repair, reply language,
    a gold topic cited, length limits, injections clean or sent to a human."""
    from app.batch import CaseIn, draft_rows
    from app.evaluation.drafting import TARGETS, score_case, summarize

    if not cases.exists():
        raise AppError(f"--cases {cases}: no such file")
    rt = base.open_runtime()
    knowledge = knowledge_of(rt)
    raw = [json.loads(line) for line in cases.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    rows = [Row(n, r, CaseIn.model_validate(r)) for n, r in enumerate(raw, 1)]
    outs: list[dict] = []
    with progress() as bar:
        task = bar.add_task("draft eval", total=len(rows))
        for chunk in batched(rows, BATCH):
            outs += draft_rows(chunk, rt.triage_kit, knowledge, rt.draft_kit,
                               rt.settings.knowledge.top_k)
            bar.update(task, advance=len(chunk))
    tones = rt.draft_kit.tones
    scores = [score_case(c, o, tones[c.get("channel") or "email"]) for c, o in zip(
        raw, outs, strict=True)]
    result = summarize(scores, outs)
    result["failures"] = result["failures"][:failures]
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    console = Console()
    console.print(f"[bold]draft eval[/bold] {cases.name}: {result['n']} cases, drafter "
                  f"{rt.draft_kit.frames.tag}, needs_human {result['needs_human']:.2f}")
    for key, target in TARGETS.items():
        mark = "[green]met[/green]" if result["targets_met"][key] else "[red]NOT met[/red]"
        console.print(f"  {key:24} {result[key]!s:>8}   target {target}   {mark}")
    for key in ("by_language", "by_channel"):
        console.print(f"{key}: " + ", ".join(f"{k} {v['clean']:.2f} ({v['n']})"
                                              for k, v in result[key].items()))
    for failure in result["failures"]:
        console.print(f"  {failure['id']}: " + "; ".join(failure["failures"]))
