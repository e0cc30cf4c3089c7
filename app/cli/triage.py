"""omnireply triage: batch triage, training, measuring, exporting corrections."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli import base
from app.cli.base import (
    MaybeInput,
    MaybeOutput,
    app,
    err,
    report,
    run_batch,
)
from app.errors import AppError
from app.kit.jsonl import write_rows

triage_app = typer.Typer(help="Triage messages; train and measure the models.")
app.add_typer(triage_app, name="triage")


@triage_app.callback(invoke_without_command=True)
def triage(ctx: typer.Context, input: MaybeInput = None, output: MaybeOutput = None) -> None:
    """Label each message of --input: intent, sentiment, urgency, language, reasons."""
    if ctx.invoked_subcommand:
        return
    if input is None or output is None:
        raise AppError("omnireply triage needs --input and --output (or a subcommand: "
                       "train, measure)")
    from app.batch import triage_rows

    kit = base.open_runtime().triage_kit
    run_batch(input, output, "triage", lambda rows: triage_rows(rows, kit))


@triage_app.command("train")
def triage_train() -> None:
    """(Re)train the intent model from the configured taxonomy; prints its version."""
    from app.triage.taxonomy import load_taxonomy
    from app.triage.training import ensure_intent_model

    rt = base.open_runtime()
    taxonomy = load_taxonomy(rt.settings.triage.taxonomy_path)
    model = ensure_intent_model(taxonomy, rt.embedder, rt.settings.data_dir / "models" / "intent",
                                retrain=True)
    err.print(f"trained {model.model_id} on {model.meta['n_examples']} examples of "
              f"{len(taxonomy.intents)} intents ({taxonomy.tag})")


@triage_app.command("corrections")
def triage_corrections(
    output: Annotated[Path, typer.Option("--output", help="JSON Lines of labelled messages")],
    workspace: Annotated[str | None, typer.Option(help="Workspace slug")] = None,
) -> None:
    """Export agents' triage corrections as labelled data (id, text, channel, and the
    corrected intent and/or urgency), e.g. to add to the taxonomy's examples."""
    from app.review.corrections import labelled
    from app.workspaces.service import get_by_slug

    rt = base.open_runtime()
    with rt.session_factory() as session:
        ws = get_by_slug(session, workspace or rt.settings.default_workspace)
        rows = labelled(session, ws.id)
    with output.open("w", encoding="utf-8") as out:
        write_rows(out, rows)
    err.print(f"{len(rows)} corrected messages written to {output}")


@triage_app.command("measure")
def triage_measure(
    dataset: Annotated[Path, typer.Argument(help="A folder with dev.jsonl and test.jsonl")],
    label: Annotated[str, typer.Option(help="The label field")] = "intent",
    oos: Annotated[str | None, typer.Option(help="Out-of-scope label to catch by "
                                                   "abstaining, e.g. oos")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train on DATASET/dev.jsonl, score DATASET/test.jsonl (accuracy, macro-F1, ECE,
    coverage; with --oos, out-of-scope recall by abstention)."""
    from app.evaluation.public import intent_benchmark, read_rows

    rt = base.open_runtime()
    dev, test = read_rows(dataset / "dev.jsonl"), read_rows(dataset / "test.jsonl")
    result = intent_benchmark(rt.embedder, dev, test, label, oos)
    report(f"{dataset.name}: {label}", result, as_json)


@triage_app.command("measure-shipped")
def triage_measure_shipped(
    dataset: Annotated[Path, typer.Argument(help="A folder with test.jsonl")],
    label: Annotated[str, typer.Option(help="Dataset field with the gold label")] =
    "contract_intent",
    field: Annotated[str, typer.Option(help="intent | sentiment | urgency")] = "intent",
    map_: Annotated[list[str] | None, typer.Option("--map", help="Translate a label, "
                                                    "e.g. --map medium=normal")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score the shipped triage on DATASET/test.jsonl rows that carry a label on our scale:
    accuracy, macro-F1, per class, calibration (ECE), coverage at the threshold."""
    from app.evaluation.public import read_rows, shipped_benchmark

    if field not in ("intent", "sentiment", "urgency"):
        raise AppError("--field must be intent, sentiment or urgency")
    mapping = dict(m.split("=", 1) for m in map_ or [])
    rt = base.open_runtime()
    rows = [r for r in read_rows(dataset / "test.jsonl") if r.get(label)]
    result = shipped_benchmark(rt.triage_kit, rows, label, field, mapping)
    report(f"shipped {field} on {dataset.name}: {label}", result, as_json)


@triage_app.command("measure-language")
def triage_measure_language(
    dataset: Annotated[Path, typer.Argument(help="A folder with test.jsonl")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Language detection accuracy on DATASET/test.jsonl (field: language)."""
    from app.evaluation.public import language_accuracy, read_rows

    rt = base.open_runtime()
    result = language_accuracy(rt.triage_kit.detector, read_rows(dataset / "test.jsonl"))
    report(f"language on {dataset.name}", result, as_json)
