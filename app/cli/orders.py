"""omnireply orders: the order sources' periodic work, on demand."""

from __future__ import annotations

import typer

from app.cli import base
from app.cli.base import app, err

orders_app = typer.Typer(no_args_is_help=True, help="Orders: proactive delay notices.")
app.add_typer(orders_app, name="orders")


@orders_app.command("notices")
def orders_notices() -> None:
    """Look for late or stuck shipments now and draft a notice for each new one (agents
    approve them in the inbox; nothing is sent without approval)."""
    from app.bot.tasks import notice_all
    from app.setup import prepare_database

    rt = base.open_runtime()
    prepare_database(rt)
    made = notice_all(rt)
    err.print(f"{made} new delay notices waiting for review")
