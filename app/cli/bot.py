"""omnireply bot: measure the order-status bot on its scripted dialogues."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli import base
from app.cli.base import app, err
from app.config import PROJECT_ROOT

bot_app = typer.Typer(no_args_is_help=True,
                      help="The order-status bot: measure it on scripted dialogues.")
app.add_typer(bot_app, name="bot")

DIALOGUES = PROJECT_ROOT / "eval" / "datasets" / "bot_dialogues.jsonl"


@bot_app.command("eval")
def bot_eval(
    dialogues: Annotated[Path, typer.Option(help="Scripted dialogues (JSON Lines)")] =
    DIALOGUES,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Play every dialogue through the bot over the demo store (seeded into its own
    workspace, eval-bot-sandbox, dated from now) and check the right status, leaks,
    hand-offs and lockouts against the targets. Exits 1 when a target is missed."""
    from app.evalrun import demo_orders, dialogue_kits
    from app.evaluation.dialogues import evaluate, load_dialogues, report_lines
    from app.setup import prepare_database

    loaded = load_dialogues(dialogues)
    rt = base.open_runtime()
    prepare_database(rt)
    slug = rt.settings.default_workspace
    orders = demo_orders(rt)
    result = evaluate(loaded, dialogue_kits(rt, orders, slug, err.print), rt.bot_replies,
                      orders.find)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report_lines(result)))
    if not result["met"]:
        raise typer.Exit(1)
