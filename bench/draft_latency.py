"""Draft latency without an LLM, next to knowledge search alone, in one process.

    .venv/bin/python bench/draft_latency.py [--cases eval/datasets/draft_cases.jsonl]

Each message is drafted one at a time the way the service does it (triage, knowledge
search by whole message and sentence, section ranking, composer, guards), twice: first
with nothing cached, then again once the knowledge-base sentences' vectors are cached (the
steady state of a running service). The baseline is the plain knowledge search of the same
messages in the same run; the ratio says what drafting costs on top of a search.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from report import latency, save  # noqa: E402

from app.batch import CaseIn, draft_rows  # noqa: E402
from app.config import PROJECT_ROOT, Settings  # noqa: E402
from app.db import unit_of_work  # noqa: E402
from app.kit.jsonl import Row  # noqa: E402
from app.knowledge.pipeline import search  # noqa: E402
from app.knowledge.schemas import KBQuery  # noqa: E402
from app.knowledge.service import ingest_tree  # noqa: E402
from app.setup import prepare_database  # noqa: E402
from app.wiring import build_runtime  # noqa: E402
from app.workspaces.service import ensure_workspace  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=Path,
                        default=PROJECT_ROOT / "eval" / "datasets" / "draft_cases.jsonl")
    args = parser.parse_args()
    raw = [json.loads(line) for line in args.cases.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build_runtime(Settings(_env_file=None, data_dir=Path(tmp)))
        prepare_database(runtime)
        knowledge = runtime.knowledge_kit("bench")
        with unit_of_work(runtime.session_factory) as session:
            ws = ensure_workspace(session, "bench")
            ingest_tree(session, ws.id, runtime.settings.knowledge.path, knowledge)
        rows = [Row(n, r, CaseIn.model_validate(r)) for n, r in enumerate(raw, 1)]
        kits = (runtime.triage_kit, knowledge, runtime.draft_kit, 5)
        draft_rows(rows[:4], *kits)  # warm-up
        cold = latency(lambda row: draft_rows([row], *kits), rows)
        warm = latency(lambda row: draft_rows([row], *kits), rows)  # sentence vectors cached
        searches = latency(lambda row: search(KBQuery(
            text=row.item.text, market=row.item.market, channel=row.item.channel), knowledge),
            rows)
        result = {"model": runtime.embedder.model_id, "messages": len(rows),
                  "draft_first_time": cold, "draft": warm, "search": searches}
        result["ratio_p50"] = round(result["draft"]["p50_ms"] / result["search"]["p50_ms"], 1)
        runtime.close()
    save("draft_latency", result)


if __name__ == "__main__":
    main()
