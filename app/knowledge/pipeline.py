"""Knowledge search as a pure function: a question and filters in, ranked passages out.

Filters: market (exact or ``*``), channel (exact or ``*``), and language preference: the
customer's language when a version exists, else English.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.knowledge.chunking import Chunk
from app.knowledge.loader import Document
from app.knowledge.schemas import KBHit, KBQuery, KBResult
from app.providers.embeddings import Embedder
from app.providers.vector_store import Filter, Point, VectorStore

FALLBACK_LANGUAGE = "en"
CANDIDATES_PER_HIT = 4


@dataclass(frozen=True)
class KnowledgeKit:
    embedder: Embedder
    store: VectorStore
    collection: str
    min_score: float


def search(query: KBQuery, kit: KnowledgeKit, k: int = 5) -> KBResult:
    return search_many([query], kit, k)[0]


def search_many(queries: list[KBQuery], kit: KnowledgeKit, k: int = 5) -> list[KBResult]:
    vectors = kit.embedder.embed([q.text for q in queries])
    return [_search_one(q, v, kit, k) for q, v in zip(queries, vectors, strict=True)]


def _search_one(query: KBQuery, vector: np.ndarray, kit: KnowledgeKit, k: int) -> KBResult:
    points = kit.store.search(kit.collection, vector.tolist(), k * CANDIDATES_PER_HIT,
                              _filter(query))
    hits = _prefer_language([_hit(p.payload, p.score) for p in points], query.language)[:k]
    return KBResult(hits=hits, confident=bool(hits) and hits[0].score >= kit.min_score)


def _filter(query: KBQuery) -> Filter:
    any_of: dict[str, list[str]] = {}
    if query.market:
        any_of["markets"] = [query.market.upper(), "*"]
    if query.channel:
        any_of["channels"] = [query.channel, "*"]
    languages = {FALLBACK_LANGUAGE}
    if query.language and query.language != "und":
        languages.add(query.language)
    any_of["language"] = sorted(languages)
    return Filter(any_of)


def _prefer_language(hits: list[KBHit], language: str | None) -> list[KBHit]:
    """Keep the customer's-language version of a topic over the English one."""
    native = {h.topic for h in hits if h.language == language}
    kept = [h for h in hits if h.language == language or h.topic not in native]
    return _dedupe_docs(kept)


def _dedupe_docs(hits: list[KBHit]) -> list[KBHit]:
    seen, out = set(), []
    for hit in hits:
        if hit.doc_id not in seen:
            seen.add(hit.doc_id)
            out.append(hit)
    return out


def _hit(payload: dict, score: float) -> KBHit:
    return KBHit(doc_id=payload["doc_id"], topic=payload["topic"], title=payload["title"],
                 score=round(score, 4), text=payload["text"],
                 heading=" > ".join(payload.get("heading_path", [])),
                 language=payload.get("language", ""))


def to_points(doc: Document, chunks: list[Chunk], vectors: np.ndarray) -> list[Point]:
    return [Point(chunk.chunk_id, vector.tolist(), _payload(doc, chunk))
            for chunk, vector in zip(chunks, vectors, strict=True)]


def _payload(doc: Document, chunk: Chunk) -> dict:
    return {"doc_id": doc.doc_id, "topic": doc.topic, "title": doc.title,
            "language": doc.language, "markets": list(doc.markets),
            "channels": list(doc.channels), "heading_path": list(chunk.heading_path),
            "text": chunk.text, "content_hash": chunk.content_hash, "version": doc.version}
