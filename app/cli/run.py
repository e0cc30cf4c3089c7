"""omnireply serve, worker and demo: run the service."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli import base
from app.cli.base import (
    app,
    err,
    progress,
)
from app.cli.knowledge import ingest_with_progress
from app.config import get_settings
from app.errors import AppError
from app.wiring import Runtime

demo_app = typer.Typer(no_args_is_help=True, help="Demo data.")
app.add_typer(demo_app, name="demo")


@demo_app.command("seed")
def demo_seed() -> None:
    """Index the knowledge base (if empty), load the demo messages and the demo store's
    orders; run the messages' tasks."""
    from app.demo.service import (
        demo_api_key,
        demo_login,
        load_messages,
        seed_messages,
        seed_orders,
    )
    from app.setup import prepare_database

    rt = base.open_runtime()
    prepare_database(rt)
    ingest_with_progress(rt, rt.settings.knowledge.path, rt.settings.default_workspace)
    messages = load_messages()
    with progress() as bar:
        task = bar.add_task("demo messages", total=len(messages))
        created = seed_messages(rt.session_factory, rt.settings.default_workspace, messages,
                                rt.settings.api.max_text_chars, lambda _: bar.advance(task))
    err.print(f"{created} new demo messages ({len(messages) - created} already there)")
    orders = seed_orders(rt.session_factory, rt.settings.default_workspace)
    err.print(f"{orders} new demo orders (the others dated again from now)")
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
