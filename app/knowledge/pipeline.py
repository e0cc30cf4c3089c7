"""Knowledge search as a pure function: a question and filters in, ranked passages out.

Hybrid: dense embeddings and BM25-style sparse vectors fused by reciprocal rank fusion in
Qdrant. Filters: market (exact or ``*``) and channel (exact or ``*``); language preference:
the customer's language when a version of the topic exists, else English. Confidence is the
dense similarity of the best hit against a floor, so drafting can abstain.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from app.knowledge import sparse
from app.knowledge.chunking import Chunk
from app.knowledge.loader import Document
from app.knowledge.schemas import KBHit, KBQuery, KBResult
from app.providers.embeddings import Embedder
from app.providers.vector_store import Filter, Point, SparseVector, VectorStore

FALLBACK_LANGUAGE = "en"
PER_LANGUAGE = 30  # chunks fetched per corpus before merging by document and topic


@dataclass(frozen=True)
class KnowledgeKit:
    embedder: Embedder
    store: VectorStore
    collection: str
    min_score: float
    hybrid: bool = True
    sparse_weight: float = 1.0


def collection_name(prefix: str, workspace_slug: str, model_id: str) -> str:
    """One collection per workspace and embedding model (a new model builds afresh)."""
    model = hashlib.sha256(model_id.encode()).hexdigest()[:8]
    return f"{prefix}_{workspace_slug}_kb_{model}"


def search(query: KBQuery, kit: KnowledgeKit, k: int = 5) -> KBResult:
    return search_many([query], kit, k)[0]


def search_many(queries: list[KBQuery], kit: KnowledgeKit, k: int = 5) -> list[KBResult]:
    vectors = kit.embedder.embed([q.text for q in queries], kind="query")
    return [_search_one(q, v, kit, k) for q, v in zip(queries, vectors, strict=True)]


def _search_one(query: KBQuery, vector: np.ndarray, kit: KnowledgeKit, k: int) -> KBResult:
    """Rank topics over the English corpus (it covers every topic), search the customer's
    language separately (same-language text scores high on any topic, so mixing corpora
    would pull a question to the wrong native document), then merge by topic."""
    language = query.language if query.language and query.language != "und" else None
    english = _ranked(query, vector, kit, FALLBACK_LANGUAGE, lexical=language in (None, "en"))
    native = (_ranked(query, vector, kit, language, lexical=True)
              if language and language != FALLBACK_LANGUAGE else [])
    hits = merge_by_topic(english, native, query.market)[:k]
    confident = bool(hits) and max(h.similarity for h in hits[:2]) >= kit.min_score
    return KBResult(hits=hits, confident=confident)


def _ranked(query: KBQuery, vector: np.ndarray, kit: KnowledgeKit, language: str,
            lexical: bool) -> list[KBHit]:
    terms = (_sparse(sparse.encode_query(query.text, language))
             if lexical and kit.hybrid else None)
    points = kit.store.search(kit.collection, vector.tolist(), PER_LANGUAGE, sparse=terms,
                              where=_filter(query, language), sparse_weight=kit.sparse_weight)
    return _best_per_doc([(_hit(p.payload, p.score, p.similarity),
                            p.payload.get("kind", "section")) for p in points])


def _filter(query: KBQuery, language: str) -> Filter:
    any_of: dict[str, list[str]] = {"language": [language]}
    if query.market:
        any_of["markets"] = [query.market.upper(), "*"]
    if query.channel:
        any_of["channels"] = [str(query.channel), "*"]
    return Filter(any_of)


def _best_per_doc(hits: list[tuple[KBHit, str]]) -> list[KBHit]:
    """A document ranks where its first point ranks (section or question); its text comes
    from its best-ranked section when one was found."""
    first: dict[str, KBHit] = {}  # insertion order is the ranking
    section: dict[str, KBHit] = {}
    for hit, kind in hits:
        first.setdefault(hit.doc_id, hit)
        if kind == "section":
            section.setdefault(hit.doc_id, hit)
    return [hit.model_copy(update=_text_of(section.get(d))) for d, hit in first.items()]


def _text_of(hit: KBHit | None) -> dict:
    return {} if hit is None else {"text": hit.text, "heading": hit.heading}


def merge_by_topic(english: list[KBHit], native: list[KBHit],
                   market: str | None = None) -> list[KBHit]:
    """One hit per document, topics in the English ranking's order (native-only topics
    after); within a topic the customer's-language document comes first, then one written
    for the customer's market, then the rest. (Fusing both rankings by RRF instead measured
    worse on the gold set: recall@5 0.738 against 0.932.)"""
    order = list(dict.fromkeys(h.topic for h in english + native))
    by_topic: dict[str, list[KBHit]] = {}
    for hit in native + english:
        by_topic.setdefault(hit.topic, []).append(hit)
    specific = (market or "").upper()
    for hits in by_topic.values():  # stable: native before English, then by rank
        hits.sort(key=lambda h: (h not in native, specific not in h.markets))
    return _monotonic([hit for topic in order for hit in by_topic[topic]])


def _monotonic(hits: list[KBHit]) -> list[KBHit]:
    """Each hit's score becomes its topic's ranking score, never rising down the list."""
    out, ceiling, topic_score = [], float("inf"), {}
    for hit in hits:
        score = min(ceiling, topic_score.setdefault(hit.topic, hit.score))
        ceiling = score
        out.append(hit.model_copy(update={"score": score}))
    return out


def _hit(payload: dict, score: float, similarity: float) -> KBHit:
    return KBHit(doc_id=payload["doc_id"], topic=payload["topic"], title=payload["title"],
                 score=round(score, 4), similarity=round(similarity, 4), text=payload["text"],
                 heading=" > ".join(payload.get("heading_path", [])),
                 language=payload.get("language", ""), markets=payload.get("markets", []))


def _sparse(vector: sparse.Sparse) -> SparseVector:
    return SparseVector(vector.indices, vector.values)


def embed_text(doc: Document, chunk: Chunk) -> str:
    if chunk.kind == "question":
        return chunk.text
    return f"{doc.title} — {' > '.join(chunk.heading_path)}\n{chunk.text}"


def point_hash(doc: Document, chunk: Chunk, model_id: str) -> str:
    """Changes when the text, its place, its filters or the embedding model change."""
    key = "|".join([model_id, sparse.encoder_version(), chunk.content_hash, doc.topic,
                    doc.title, doc.language,
                    ",".join(doc.markets), ",".join(doc.channels), doc.version])
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def to_points(doc: Document, chunks: list[Chunk], vectors: np.ndarray,
              model_id: str) -> list[Point]:
    return [Point(chunk.chunk_id, vector.tolist(), _payload(doc, chunk, model_id),
                  _sparse(sparse.encode_document(embed_text(doc, chunk), doc.language)))
            for chunk, vector in zip(chunks, vectors, strict=True)]


def _payload(doc: Document, chunk: Chunk, model_id: str) -> dict:
    return {"doc_id": doc.doc_id, "topic": doc.topic, "title": doc.title,
            "language": doc.language, "markets": list(doc.markets),
            "channels": list(doc.channels), "heading_path": list(chunk.heading_path),
            "text": chunk.answer if chunk.kind == "question" else chunk.text,
            "kind": chunk.kind, "content_hash": point_hash(doc, chunk, model_id),
            "version": doc.version}
