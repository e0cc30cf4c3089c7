"""An evaluation suite run on the runtime's own pipelines: the one code path behind
``omnireply eval run`` (app/cli/evaluation.py) and the web UI's background runs
(app/web/evaluation.py).

``prepare`` loads and checks everything that can be wrong before a model runs (the cases,
the knowledge base), so a web request that starts a run answers with the problem at once;
``run_suite`` runs the cases and writes the run's files; ``start_in_background`` does both
for the web UI, the second in a thread (app/evaluation/background.py).
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from app.batch import CaseIn, draft_rows, kb_rows, triage_rows
from app.bot.dialogue import BotKit
from app.bot.kit import bot_kit
from app.config import PROJECT_ROOT
from app.demo.service import seed_orders
from app.errors import AppError, not_found
from app.evaluation import versions
from app.evaluation.background import BackgroundRuns, busy, failure_message
from app.evaluation.dialogues import Dialogue, dialogue_rows
from app.evaluation.judge import load_judge
from app.evaluation.junit import write_junit
from app.evaluation.report import write_report
from app.evaluation.results import JUNIT, build_results, write_run
from app.evaluation.runner import Pipelines, Progress, run_cases
from app.evaluation.runs import LIVE, StatusFile, list_runs, new_run_id, runs_root
from app.evaluation.suites import Suite, load_suite, read_dataset
from app.kit.jsonl import Row
from app.knowledge.pipeline import KnowledgeKit
from app.orders.demo_store import DemoOrderProvider
from app.orders.ports import OrderProvider
from app.wiring import Runtime

SUITES = PROJECT_ROOT / "eval" / "suites"
BACKGROUND = BackgroundRuns()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    suite: Suite
    rows: dict[str, list[dict]]
    workspace: str  # whose knowledge base retrieval and drafting search
    knowledge: KnowledgeKit | None
    judged: bool = False  # an LLM is configured, so the judge stage runs

    @property
    def total(self) -> int:
        """Case-stages to run: the unit of the progress figures (the judge stage counts
        only when it runs)."""
        return sum(len(self.rows[d.name]) * len([s for s in d.stages
                                                 if s != "judge" or self.judged])
                   for d in self.suite.datasets)


def shipped_suites() -> list[Suite]:
    return [load_suite(path) for path in sorted(SUITES.glob("*.yaml"))]


def shipped_suite(name: str) -> Suite:
    """A suite of eval/suites/ by name; anything else is not found."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise not_found("suite", name[:80])
    path = SUITES / f"{name}.yaml"
    if not path.is_file():
        raise not_found("suite", name)
    return load_suite(path)


def skipped_because(suite: Suite) -> str | None:
    """Why the suite cannot run here (a required folder is missing), or None."""
    if not suite.missing:
        return None
    return (f"it needs {', '.join(str(p.resolve()) for p in suite.missing)}, which does not "
            "exist here")


def prepare(rt: Runtime, suite: Suite, workspace: str) -> Prepared:
    """The suite's rows, each checked as a batch input (a dialogues dataset's as dialogues,
    by read_dataset), and the knowledge base when a stage searches it; raises before any
    model is loaded."""
    rows = {d.name: read_dataset(suite, d) if "dialogues" in d.stages  # checked as dialogues
            else checked(d.name, read_dataset(suite, d)) for d in suite.datasets}
    needs_kb = "retrieval" in suite.stages or "drafting" in suite.stages
    return Prepared(suite, rows, workspace, knowledge_of(rt, workspace) if needs_kb else None,
                    rt.chat is not None)


def checked(dataset: str, rows: list[dict]) -> list[dict]:
    """Every row must be a valid batch input (CONTRACT.md)."""
    for row in rows:
        try:
            CaseIn.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "row"
            raise AppError(f"dataset {dataset}, case {row['id']}: {where}: "
                           f"{first['msg']}") from exc
    return rows


def knowledge_of(rt: Runtime, workspace: str) -> KnowledgeKit:
    kit = rt.knowledge_kit(workspace)
    if not kit.store.inventory(kit.collection, "doc_id"):
        where = "" if workspace == rt.settings.default_workspace else f" of {workspace}"
        raise AppError(f"the knowledge base{where} is not indexed yet: run "
                       "`omnireply kb ingest`", 409)
    return kit


def run_suite(rt: Runtime, prepared: Prepared, folder: Path,
              progress: Progress | None = None, status: StatusFile | None = None) -> dict:
    """Run every case, write results.json, cases.jsonl, junit.xml and report.html to
    ``folder``; keep ``status`` (status.json) up to date when given."""
    tick = _ticks(status, progress)
    if status:
        status.running()
    try:
        results = _measure(rt, prepared, folder, tick)
    except Exception as exc:
        if status:
            status.failed(failure_message(exc))
        raise
    if status:
        status.finished()
    return results


def _ticks(status: StatusFile | None, progress: Progress | None) -> Progress:
    def tick(dataset: str, stage: str, done: int, total: int) -> None:
        for callback in (status.tick if status else None, progress):
            if callback:
                callback(dataset, stage, done, total)
    return tick


def _measure(rt: Runtime, prepared: Prepared, folder: Path, tick: Progress) -> dict:
    suite = prepared.suite
    pipes = _pipelines(rt, suite.stages, prepared.knowledge, prepared.workspace)
    started, began = datetime.now(), time.perf_counter()
    cases = run_cases(suite, prepared.rows, pipes, tick)
    results = build_results(suite, cases, pipes, _versions(rt, suite.stages, prepared),
                            started, time.perf_counter() - began)
    write_run(folder, results, cases)
    write_junit(folder / JUNIT, results, cases)
    write_report(folder, results, cases)
    return results


def _pipelines(rt: Runtime, stages: list[str], knowledge: KnowledgeKit | None,
               workspace: str | None = None) -> Pipelines:
    def as_rows(raws: list[dict]) -> list[Row]:
        return [Row(n, r, CaseIn.model_validate(r)) for n, r in enumerate(raws, start=1)]

    k = max(5, rt.settings.knowledge.top_k)
    judge = load_judge(rt.chat) if "judge" in stages else None  # None: no LLM configured
    return Pipelines(
        triage=lambda raws: triage_rows(as_rows(raws), rt.triage_kit),
        retrieve=lambda raws: kb_rows(as_rows(raws), knowledge, k),
        draft=lambda raws: draft_rows(as_rows(raws), rt.triage_kit, knowledge, rt.draft_kit,
                                      rt.settings.knowledge.top_k, passages=judge is not None),
        tones=rt.draft_kit.tones if {"drafting", "judge"} & set(stages) else {},
        threshold=rt.triage_kit.min_intent_confidence, k=k,
        judge=judge,
        dialogues=dialogue_pipeline(rt, workspace) if "dialogues" in stages else None)


def dialogue_pipeline(rt: Runtime, workspace: str | None) -> Callable[[list[dict]], list[dict]]:
    """The dialogues stage's batch function: each row played through the bot over the demo
    store (in its sandbox workspace), quoting the knowledge base of ``workspace`` (the
    default one when None)."""
    slug = workspace or rt.settings.default_workspace
    orders = demo_orders(rt)
    kit_for = dialogue_kits(rt, orders, slug)
    return lambda rows: dialogue_rows(rows, kit_for, rt.bot_replies, orders.find)


BOT_SANDBOX = "eval-bot-sandbox"  # the dialogues' orders live here, never in a shop's workspace


def demo_orders(rt: Runtime) -> OrderProvider:
    """The demo store's orders, dated from now (as the dialogues expect them), in a workspace
    of their own, read as the bot reads the embedded store."""
    seed_orders(rt.session_factory, BOT_SANDBOX)
    return DemoOrderProvider(rt.session_factory, BOT_SANDBOX)


def dialogue_kits(rt: Runtime, orders: OrderProvider, workspace: str,
                  warn: Callable[[str], None] = log.warning) -> Callable[[Dialogue], BotKit]:
    """A bot kit per dialogue (its channel and market) from the runtime's parts; without an
    indexed knowledge base the answers quote no policy and the hand-offs no hours (the
    scores never depend on those sentences), and ``warn`` says so."""
    knowledge = rt.knowledge_kit(workspace)
    indexed = bool(knowledge.store.inventory(knowledge.collection, "doc_id"))
    if not indexed:
        warn(f"knowledge base of {workspace} not indexed: no policy or hours sentences")

    def kit_for(dialogue: Dialogue) -> BotKit:
        kit = bot_kit(rt.bot_replies, orders, rt.triage_kit, knowledge, dialogue.channel,
                      dialogue.market, rt.settings.bot.max_failures)
        return kit if indexed else replace(kit, policy=lambda order, language: [],
                                           hours=lambda language: [])

    return kit_for


def _versions(rt: Runtime, stages: list[str], prepared: Prepared) -> dict:
    out: dict = {"git": versions.git_commit(PROJECT_ROOT)}
    out.update(versions.triage_versions(rt.triage_kit))
    if prepared.knowledge is not None:
        out.update(versions.knowledge_versions(prepared.knowledge))
    if "drafting" in stages:
        out.update(versions.drafting_versions(rt.draft_kit))
    if "dialogues" in stages:
        out["bot_replies"] = rt.bot_replies.tag
    return out


# -- background runs (the web UI) ---------------------------------------------------------


def live_run(rt: Runtime, workspace: str) -> str | None:
    """The workspace's run still going, in this process or another one."""
    root = runs_root(rt.settings.data_dir)
    return BACKGROUND.running_in(workspace) or next(
        (r.id for r in list_runs(root, workspace, rt.settings.default_workspace,
                                 BACKGROUND.active()) if r.state in LIVE), None)


def start_in_background(rt: Runtime, suite: Suite, workspace: str,
                        now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> str:
    """Check the suite here, run it in a thread, answer with the run id at once; 409 while
    the workspace has a run going."""
    reason = skipped_because(suite)
    if reason:
        raise AppError(f"suite {suite.name} cannot run here: {reason}", 409)
    going = live_run(rt, workspace)
    if going:
        raise busy(going)
    prepared = prepare(rt, suite, workspace)
    root = runs_root(rt.settings.data_dir)
    run_id = new_run_id(root, suite.name, now())
    status = StatusFile.create(root / run_id, suite.name, workspace, prepared.total)
    try:
        BACKGROUND.start(workspace, run_id,
                         lambda: run_suite(rt, prepared, root / run_id, status=status))
    except AppError:
        shutil.rmtree(root / run_id, ignore_errors=True)  # never started: leave no trace
        raise
    return run_id
