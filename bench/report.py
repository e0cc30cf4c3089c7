"""What every benchmark shares: per-call latency percentiles and saving the result."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def latency(fn, items) -> dict:
    """p50 and p95 in milliseconds of ``fn(item)`` over the items, one call at a time."""
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2),
            "p95_ms": round(statistics.quantiles(samples, n=20)[18], 2)}


def save(name: str, result: dict) -> None:
    """Write bench/results/<name>.json (not committed) and print it."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
