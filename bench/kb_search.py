"""Knowledge-base benchmark: ingest time of the shipped knowledge base, and filtered search
latency at 1k / 10k / 100k chunks in the embedded store (Qdrant Edge), next to a numpy
brute-force baseline and qdrant-client's local mode, all in this one process.

    .venv/bin/python bench/kb_search.py [--sizes 1000,10000,100000] [--queries 200]

Figures are printed as a table and written to bench/results/kb_search.json. Quote them as
ratios against the baseline of the same run, not as absolute times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from qdrant_client import QdrantClient  # noqa: E402
from report import save  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import unit_of_work  # noqa: E402
from app.knowledge.service import ingest_tree  # noqa: E402
from app.providers.qdrant import QdrantServerStore  # noqa: E402
from app.providers.qdrant_edge import EdgeVectorStore  # noqa: E402
from app.providers.vector_store import Filter, Point, SparseVector  # noqa: E402
from app.setup import prepare_database  # noqa: E402
from app.wiring import build_runtime  # noqa: E402
from app.workspaces.service import ensure_workspace  # noqa: E402

LANGUAGES = ["en", "de", "fr", "es", "it", "ja", "zh", "nl", "pt"]
DIM = 512
def ingest_times(tmp: Path) -> dict:
    """Cold ingest of the shipped knowledge base, then a re-run on the unchanged tree."""
    runtime = build_runtime(Settings(_env_file=None, data_dir=tmp / "ingest"))
    prepare_database(runtime)
    runtime.embedder.embed(["warm up"])
    out = {}
    for label in ("cold", "unchanged"):
        start = time.perf_counter()
        with unit_of_work(runtime.session_factory) as session:
            ws = ensure_workspace(session, "bench")
            report = ingest_tree(session, ws.id, runtime.settings.knowledge.path,
                                 runtime.knowledge_kit("bench"))
        out[label] = {"seconds": round(time.perf_counter() - start, 2),
                      "documents": report.documents, "chunks": report.chunks,
                      "embedded": report.embedded}
    runtime.close()
    return out


def synthetic(n: int, rng: np.random.Generator):
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    languages = rng.choice(LANGUAGES, size=n)
    markets = rng.choice(["*", "DE", "GB", "US"], size=n, p=[0.7, 0.1, 0.1, 0.1])
    points = [Point(f"c{i}", vectors[i].tolist(),
                    {"language": str(languages[i]), "markets": [str(markets[i])],
                     "channels": ["*"], "doc_id": f"d{i // 8}", "topic": "t"},
                    SparseVector(sorted(rng.choice(5000, 12, replace=False).tolist()),
                                 [1.0] * 12)) for i in range(n)]
    return vectors, languages, markets, points


def numpy_search(vectors, languages, markets, query, k=5):
    mask = (languages == "en") & ((markets == "DE") | (markets == "*"))
    scores = np.where(mask, vectors @ query, -np.inf)
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top])]


def timed(fn, queries) -> dict:
    fn(queries[0])
    samples = []
    for query in queries:
        start = time.perf_counter()
        fn(query)
        samples.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(samples, n=20)
    return {"p50_ms": round(statistics.median(samples), 3), "p95_ms": round(cuts[18], 3)}


def store_search(store, queries_sparse):
    where = Filter({"language": ["en"], "markets": ["DE", "*"]})

    def run(query):
        return store.search("bench", query.tolist(), 5, where=where)

    def run_hybrid(query):
        return store.search("bench", query.tolist(), 5, sparse=queries_sparse, where=where)
    return run, run_hybrid


def bench_size(n: int, n_queries: int, tmp: Path, rng: np.random.Generator) -> dict:
    vectors, languages, markets, points = synthetic(n, rng)
    queries = [q / np.linalg.norm(q) for q in rng.standard_normal((n_queries, DIM))
               .astype(np.float32)]
    lexical = SparseVector(sorted(rng.choice(5000, 6, replace=False).tolist()), [1.0] * 6)
    row = {"chunks": n, "numpy": timed(lambda q: numpy_search(vectors, languages, markets, q),
                                       queries)}
    stores = {"edge": lambda: EdgeVectorStore(tmp / f"edge-{n}")}
    if n <= 10_000:  # local mode filters point by point in Python: 100k takes minutes
        stores["qdrant_local"] = lambda: QdrantServerStore(
            QdrantClient(path=str(tmp / f"local-{n}")))
    for name, make in stores.items():
        store = make()
        start = time.perf_counter()
        for i in range(0, n, 1000):
            store.upsert("bench", points[i:i + 1000])
        row[f"{name}_upsert_s"] = round(time.perf_counter() - start, 2)
        dense, hybrid = store_search(store, lexical)
        row[name] = timed(dense, queries)
        row[f"{name}_hybrid"] = timed(hybrid, queries)
        row[f"{name}_vs_numpy_p50"] = round(row[name]["p50_ms"] / row["numpy"]["p50_ms"], 1)
        store.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    with tempfile.TemporaryDirectory() as tmp:
        result = {"ingest": ingest_times(Path(tmp)),
                  "search": [bench_size(int(n), args.queries, Path(tmp), rng)
                             for n in args.sizes.split(",")]}
    save("kb_search", result)


if __name__ == "__main__":
    main()
