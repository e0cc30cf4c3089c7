"""omnireply kb and db: the knowledge base and the database schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.cli import base
from app.cli.base import (
    app,
    err,
    knowledge_of,
    progress,
    run_batch,
)
from app.errors import AppError
from app.wiring import Runtime

kb_app = typer.Typer(no_args_is_help=True, help="Knowledge base: ingest and search.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")


@kb_app.command("search")
def kb_search(
    query: Annotated[str | None, typer.Argument(help="The question")] = None,
    market: Annotated[str | None, typer.Option(help="ISO country code, e.g. DE")] = None,
    channel: Annotated[str | None, typer.Option()] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 code")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50)] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    input: Annotated[Path | None, typer.Option("--input")] = None,
    output: Annotated[Path | None, typer.Option("--output")] = None,
) -> None:
    """Search the knowledge base for one QUERY, or for every line of --input."""
    from app.batch import kb_rows
    from app.knowledge.pipeline import search
    from app.knowledge.schemas import KBQuery

    rt = base.open_runtime()
    kit = knowledge_of(rt)
    if input is not None:
        if output is None:
            raise AppError("--input needs --output")
        return run_batch(input, output, "kb search", lambda rows: kb_rows(rows, kit, k))
    if not query:
        raise AppError("give a QUERY, or --input and --output")
    result = search(KBQuery(text=query, market=market, channel=channel, language=language),
                    kit, k)
    hits = [h.model_dump(include={"doc_id", "topic", "title", "score", "text"})
            for h in result.hits]
    if as_json:
        print(json.dumps(hits, ensure_ascii=False, indent=2))
        return
    for hit in hits:
        print(f"{hit['score']:.3f}  {hit['doc_id']}  [{hit['topic']}]  {hit['title']}")


@kb_app.command("ingest")
def kb_ingest(path: Annotated[Path | None, typer.Argument(help="Knowledge-base folder")] = None,
              workspace: Annotated[str | None, typer.Option()] = None) -> None:
    """Index the knowledge base incrementally (default: the shipped knowledge_base/)."""
    rt = base.open_runtime()
    from app.setup import prepare_database

    prepare_database(rt)
    report = ingest_with_progress(rt, path or rt.settings.knowledge.path,
                                  workspace or rt.settings.default_workspace)
    err.print(f"{report.documents} documents, {report.chunks} chunks: {report.embedded} "
              f"embedded, {report.deleted} removed, {report.chunks - report.embedded} unchanged")
    if report.errors:
        raise typer.Exit(1)


def ingest_with_progress(rt: Runtime, root: Path, workspace: str):
    from app.db import unit_of_work
    from app.knowledge.service import document_count, ingest_tree
    from app.workspaces.service import ensure_workspace

    if not root.is_dir():
        raise AppError(f"{root}: not a folder")
    with progress() as bar, unit_of_work(rt.session_factory) as session:
        task = bar.add_task("kb ingest", total=document_count(root))
        ws = ensure_workspace(session, workspace)
        report = ingest_tree(session, ws.id, root, rt.knowledge_kit(workspace),
                             on_document=lambda _: bar.advance(task))
        bar.update(task, completed=document_count(root))
    for problem in report.errors:
        err.print(f"[yellow]skipped[/yellow] {problem}")
    return report


@kb_app.command("eval")
def kb_eval(dataset: Annotated[Path, typer.Option(help="Labelled questions (JSON Lines)")] =
            Path("eval/datasets/kb_gold.jsonl"),
            k: Annotated[int, typer.Option("--k", min=5)] = 5) -> None:
    """Recall@1, recall@5 and MRR of knowledge search on labelled questions, per language."""
    from app.evaluation.retrieval import Scored, by_language, first_gold_rank, summarize
    from app.knowledge.pipeline import search_many
    from app.knowledge.schemas import KBQuery

    rt = base.open_runtime()
    kit = knowledge_of(rt)
    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    queries = [KBQuery(text=r["text"], market=r.get("market"), channel=r.get("channel"),
                       language=r.get("language")) for r in rows]
    results = search_many(queries, kit, k)
    scored = [Scored(r.get("language", "und"), first_gold_rank([h.topic for h in res.hits],
                                                              r["gold_topics"]))
              for r, res in zip(rows, results, strict=True)]
    _print_summary(summarize(scored), by_language(scored), rt.embedder.model_id)


def _print_summary(overall, per_language, model_id: str) -> None:
    from rich.table import Table

    table = Table(title=f"knowledge search ({model_id})")
    for column in ("slice", "n", "recall@1", "recall@5", "MRR"):
        table.add_column(column, justify="right" if column != "slice" else "left")
    for name, s in [("overall", overall), *per_language.items()]:
        table.add_row(name, str(s.n), f"{s.recall_at_1:.3f}", f"{s.recall_at_5:.3f}",
                      f"{s.mrr:.3f}")
    Console().print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the latest schema and create the default workspace."""
    from app.setup import prepare_database

    prepare_database(base.open_runtime())
    err.print("database is up to date")
