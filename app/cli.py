"""The omnireply command: serve, worker, batch CLIs of CONTRACT.md, knowledge base, demo."""

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

from app.config import PROJECT_ROOT, get_settings
from app.errors import AppError
from app.kit.jsonl import Row, batched, read_rows, write_rows
from app.wiring import Runtime, build_runtime, limit_threads, set_runtime

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge base: ingest and search.")
demo_app = typer.Typer(no_args_is_help=True, help="Demo data.")
db_app = typer.Typer(no_args_is_help=True, help="Database schema.")
app.add_typer(kb_app, name="kb")
app.add_typer(demo_app, name="demo")
app.add_typer(db_app, name="db")
err = Console(stderr=True)
BATCH = 64


def main() -> None:
    limit_threads()
    try:
        app()
    except AppError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        sys.exit(2)


def _runtime() -> Runtime:
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

    kit = _runtime().triage_kit
    run_batch(input, output, "triage", lambda rows: triage_rows(rows, kit))


@triage_app.command("train")
def triage_train() -> None:
    """(Re)train the intent model from the configured taxonomy; prints its version."""
    from app.triage.taxonomy import load_taxonomy
    from app.triage.training import ensure_intent_model

    rt = _runtime()
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

    rt = _runtime()
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

    rt = _runtime()
    dev, test = read_rows(dataset / "dev.jsonl"), read_rows(dataset / "test.jsonl")
    result = intent_benchmark(rt.embedder, dev, test, label, oos)
    _report(f"{dataset.name}: {label}", result, as_json)


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
    rt = _runtime()
    rows = [r for r in read_rows(dataset / "test.jsonl") if r.get(label)]
    result = shipped_benchmark(rt.triage_kit, rows, label, field, mapping)
    _report(f"shipped {field} on {dataset.name}: {label}", result, as_json)


@triage_app.command("measure-language")
def triage_measure_language(
    dataset: Annotated[Path, typer.Argument(help="A folder with test.jsonl")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Language detection accuracy on DATASET/test.jsonl (field: language)."""
    from app.evaluation.public import language_accuracy, read_rows

    rt = _runtime()
    result = language_accuracy(rt.triage_kit.detector, read_rows(dataset / "test.jsonl"))
    _report(f"language on {dataset.name}", result, as_json)


def _report(title: str, result: dict, as_json: bool) -> None:
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

    rt = _runtime()
    knowledge = _knowledge(rt)
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
    from app.kit.jsonl import Row

    if not cases.exists():
        raise AppError(f"--cases {cases}: no such file")
    rt = _runtime()
    knowledge = _knowledge(rt)
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


def _knowledge(rt: Runtime):
    kit = rt.knowledge_kit(rt.settings.default_workspace)
    if not kit.store.inventory(kit.collection, "doc_id"):
        raise AppError("the knowledge base is not indexed yet: run `omnireply kb ingest`")
    return kit


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

    rt = _runtime()
    kit = _knowledge(rt)
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
    rt = _runtime()
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

    rt = _runtime()
    kit = _knowledge(rt)
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

    prepare_database(_runtime())
    err.print("database is up to date")


users_app = typer.Typer(no_args_is_help=True, help="People who sign in.")
keys_app = typer.Typer(no_args_is_help=True, help="API keys for programs.")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
WorkspacesOpt = Annotated[list[str] | None, typer.Option(
    "--workspace", help="A workspace slug it may act in (repeat); all when omitted")]


def _audit_account(session, rt: Runtime, scope: list[str], action: str, target: str,
                   **detail) -> None:
    """Record an account change (actor 'cli') in the audit trail of each existing workspace
    the account is for; an account of all workspaces, in the default workspace."""
    from sqlalchemy import select

    from app.accounts.models import ALL_WORKSPACES
    from app.audit.service import record
    from app.workspaces.models import Workspace

    slugs = [s for s in scope if s != ALL_WORKSPACES] or [rt.settings.default_workspace]
    for ws in session.scalars(select(Workspace).where(Workspace.slug.in_(slugs))):
        record(session, ws.id, "cli", action, target, **detail)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Sign-in e-mail address")],
    role: Annotated[str, typer.Option(help="agent | qa_lead | admin")] = "agent",
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    workspace: WorkspacesOpt = None,
    password: Annotated[str | None, typer.Option(
        help="At least 10 characters; asked for when omitted",
        prompt=True, hide_input=True, confirmation_prompt=True)] = None,
) -> None:
    """Create a user with an argon2-hashed password."""
    from app.accounts.service import create_user
    from app.db import unit_of_work
    from app.setup import prepare_database

    rt = _runtime()
    prepare_database(rt)
    with unit_of_work(rt.session_factory) as session:
        user = create_user(session, email, name or email.split("@")[0], role, password or "",
                           workspace or [])
        _audit_account(session, rt, user.workspaces, "user.create", f"user:{user.email}",
                       email=user.email, name=user.name, role=user.role,
                       workspaces=list(user.workspaces))
        err.print(f"user {user.email} ({user.role}) created, workspaces: "
                  f"{', '.join(user.workspaces)}")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'shopify sync'")],
    role: Annotated[str, typer.Option(help="agent | qa_lead | admin | bot | integration")]
    = "integration",
    workspace: WorkspacesOpt = None,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from app.accounts.service import create_api_key
    from app.db import unit_of_work
    from app.setup import prepare_database

    rt = _runtime()
    prepare_database(rt)
    with unit_of_work(rt.session_factory) as session:
        row, key = create_api_key(session, name, role, workspace or [])
        _audit_account(session, rt, row.workspaces, "key.create", f"key:{row.prefix}",
                       name=row.name, role=row.role, workspaces=list(row.workspaces))
        err.print(f"API key {row.prefix} ({row.role}) for {', '.join(row.workspaces)}; "
                  "store it now, it is not shown again:")
    print(key)


@keys_app.command("revoke")
def keys_revoke(prefix: Annotated[str, typer.Argument(help="The key's prefix")]) -> None:
    """Revoke an API key: it stops working at once."""
    from sqlalchemy import select

    from app.accounts.models import ApiKey
    from app.accounts.service import revoke_api_key
    from app.db import unit_of_work

    rt = _runtime()
    with unit_of_work(rt.session_factory) as session:
        already = session.scalar(select(ApiKey.revoked_at).where(ApiKey.prefix == prefix))
        row = revoke_api_key(session, prefix)
        if already is None:
            _audit_account(session, rt, row.workspaces, "key.revoke", f"key:{row.prefix}",
                           name=row.name, role=row.role)
        err.print(f"API key {row.prefix} ({row.name}) revoked")


@demo_app.command("seed")
def demo_seed() -> None:
    """Index the knowledge base (if empty) and load the demo messages; run their tasks."""
    from app.demo.service import demo_api_key, demo_login, load_messages, seed_messages
    from app.setup import prepare_database

    rt = _runtime()
    prepare_database(rt)
    ingest_with_progress(rt, rt.settings.knowledge.path, rt.settings.default_workspace)
    messages = load_messages()
    with progress() as bar:
        task = bar.add_task("demo messages", total=len(messages))
        created = seed_messages(rt.session_factory, rt.settings.default_workspace, messages,
                                rt.settings.api.max_text_chars, lambda _: bar.advance(task))
    err.print(f"{created} new demo messages ({len(messages) - created} already there)")
    run_outbox(rt)
    key_file = rt.settings.data_dir / "demo-api-key"
    key = demo_api_key(rt.session_factory, key_file)
    err.print(f"API key for the tour (role admin; saved in {key_file}): {key}")
    login = demo_login(rt.session_factory, rt.settings.data_dir / "demo-login")
    if login is not None:
        err.print(f"Web UI: http://{rt.settings.api.host}:{rt.settings.api.port}/inbox — "
                  f"sign in as {login[0]} with {login[1]} (saved in "
                  f"{rt.settings.data_dir / 'demo-login'})")


def run_outbox(rt: Runtime) -> None:
    """Hand every due task to the queue; without a broker this runs them here and now."""
    from app.outbox.relay import drain

    cfg = rt.settings.celery
    with progress() as bar:
        task = bar.add_task("triage and drafts" if rt.settings.tasks_eager else "dispatch",
                            total=None)
        done = drain(rt.session_factory, rt.dispatch, cfg.outbox_lease_seconds,
                     cfg.outbox_max_attempts, on_progress=lambda n: bar.advance(task, n))
    err.print(f"{done} tasks {'run' if rt.settings.tasks_eager else 'dispatched'}")


@app.command()
def serve(host: Annotated[str | None, typer.Option()] = None,
          port: Annotated[int | None, typer.Option()] = None) -> None:
    """Run the API (and, without a broker, the in-process task runner)."""
    import uvicorn

    from app.main import create_app

    settings = get_settings()
    err.print(f"Omnireply on http://{host or settings.api.host}:{port or settings.api.port} "
              "(API docs at /docs)")
    uvicorn.run(create_app(settings), host=host or settings.api.host,
                port=port or settings.api.port, log_level="info")


@app.command()
def worker(concurrency: Annotated[int, typer.Option(min=1)] = 1) -> None:
    """Run a Celery worker (needs OMNIREPLY_CELERY__BROKER_URL)."""
    settings = get_settings()
    if settings.tasks_eager:
        raise AppError("no broker configured: set OMNIREPLY_CELERY__BROKER_URL "
                       "(without one, tasks run inside `omnireply serve`)")
    from app.worker import celery_app

    celery_app.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}",
                            "--pool=prefork" if concurrency > 1 else "--pool=solo"])


if __name__ == "__main__":
    main()
