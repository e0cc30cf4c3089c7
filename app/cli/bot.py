"""omnireply bot: measure the order-status bot on its scripted dialogues."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
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
    """Play every dialogue through the bot over the demo store (seeded into the default
    workspace, dated from now) and check the right status, leaks, hand-offs and lockouts
    against the targets. Exits 1 when a target is missed."""
    from app.demo.service import seed_orders
    from app.evaluation.dialogues import evaluate, load_dialogues, report_lines
    from app.orders.demo_store import DemoOrderProvider
    from app.setup import prepare_database

    loaded = load_dialogues(dialogues)
    rt = base.open_runtime()
    prepare_database(rt)
    slug = rt.settings.default_workspace
    seed_orders(rt.session_factory, slug)
    orders = DemoOrderProvider(rt.session_factory, slug)
    result = evaluate(loaded, dialogue_kits(rt, orders, slug), rt.bot_replies, orders.find)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print("\n".join(report_lines(result)))
    if not result["met"]:
        raise typer.Exit(1)


def dialogue_kits(rt, orders, workspace: str) -> Callable:
    """A bot kit per dialogue (its channel and market) from the runtime's parts; without an
    indexed knowledge base the answers quote no policy and the hand-offs no hours (the
    scores never depend on those sentences)."""
    from app.bot.kit import bot_kit

    knowledge = rt.knowledge_kit(workspace)
    indexed = bool(knowledge.store.inventory(knowledge.collection, "doc_id"))
    if not indexed:
        err.print(f"knowledge base of {workspace} not indexed: no policy or hours sentences")

    def kit_for(dialogue):
        kit = bot_kit(rt.bot_replies, orders, rt.triage_kit, knowledge, dialogue.channel,
                      dialogue.market, rt.settings.bot.max_failures)
        return kit if indexed else replace(kit, policy=lambda order, language: [],
                                           hours=lambda language: [])

    return kit_for
