"""Triage throughput against raw embedding throughput of the same model, in one process.

    .venv/bin/python bench/triage_throughput.py [--messages 512] [--batch 64]

Triage adds language detection, two classifiers and the rules to the embedding; the issue's
target is a ratio of at least 0.7 (triage messages/s over embedding texts/s). Also reports
per-message latency p50/p95 when messages arrive one at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from report import latency, save  # noqa: E402

from app.config import PROJECT_ROOT, Settings  # noqa: E402
from app.triage.pipeline import triage_many  # noqa: E402
from app.triage.schemas import TriageInput  # noqa: E402
from app.wiring import build_runtime  # noqa: E402


def messages(n: int) -> list[str]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "app" / "demo" / "data" /
                                          "messages.jsonl").read_text().splitlines()]
    texts = [r["text"] for r in rows]
    return [texts[i % len(texts)] + f" ({i})" for i in range(n)]


def rate(fn, texts: list[str], batch: int) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), batch):
        fn(texts[i:i + batch])
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=512)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runtime = build_runtime(Settings(_env_file=None, data_dir=Path(tmp)))
        kit = runtime.triage_kit
        texts = messages(args.messages)
        embed = lambda batch: kit.embedder.embed(batch, kind="query")  # noqa: E731
        run = lambda batch: triage_many([TriageInput(text=t) for t in batch], kit)  # noqa: E731
        run(texts[:8])
        result = {"model": kit.embedder.model_id, "messages": len(texts), "batch": args.batch,
                  "embed_per_s": round(rate(embed, texts, args.batch), 1),
                  "triage_per_s": round(rate(run, texts, args.batch), 1),
                  "triage_single": latency(run, texts[:200]),
                  "embed_single": latency(embed, texts[:200])}
        result["ratio"] = round(result["triage_per_s"] / result["embed_per_s"], 2)
        runtime.close()
    save("triage_throughput", result)


if __name__ == "__main__":
    main()
