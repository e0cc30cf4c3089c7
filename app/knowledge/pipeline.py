"""Knowledge search as a pure function: a question and filters in, ranked passages out.

Hybrid: dense embeddings and BM25-style sparse vectors fused by reciprocal rank fusion in
Qdrant. Filters: market (exact or ``*``) and channel (exact or ``*``); language preference:
the customer's language when a version of the topic exists, else English. Confidence is the
dense similarity of the best hit against a floor, so drafting can abstain.
"""

from __future__ import annotations

import hashlib
import re
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


IDENTIFIERS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|[#\w-]*\d{4,}[\w-]*")


def question_text(text: str) -> str:
    """The words that say what a message is about: e-mail addresses, links and numbers of
    4+ digits (order, tracking, phone) carry no topic and pull retrieval off course."""
    cleaned = " ".join(IDENTIFIERS.sub(" ", text).split())
    return cleaned or text


def search_many(queries: list[KBQuery], kit: KnowledgeKit, k: int = 5) -> list[KBResult]:
    queries = [q.model_copy(update={"text": question_text(q.text)}) for q in queries]
    vectors = kit.embedder.embed([q.text for q in queries], kind="query")
    return [_search_one(q, v, kit, k) for q, v in zip(queries, vectors, strict=True)]


PREFERRED_BONUS = 0.15  # added to the similarity of a topic the caller prefers
CHANNEL_BONUS = 0.1  # ... and of a topic with a document written for the message's channel
SUB_QUESTIONS = 6  # sentences of a message searched on their own
WHOLE = 64  # sections of a document returned "whole" (more than any document has)
CLAUSE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])|\n+")
HIDDEN = re.compile(r"<!--.*?-->", re.S)


def ground_many(queries: list[KBQuery], kit: KnowledgeKit, k: int = 5,
                sections: int = 4) -> list[KBResult]:
    """Knowledge for replies to whole messages, which ask one thing among greetings,
    context and noise: the message is searched whole and sentence by sentence, each topic
    scores its best similarity to any of them, plus a bonus when the caller prefers it (the
    topics of the message's intent). Each confident result carries the best sections of
    its top two documents, which drafting quotes from."""
    out = []
    for query in queries:
        text = question_text(HIDDEN.sub(" ", query.text))
        subs = [c.strip() for c in CLAUSE.split(text) if len(c.strip()) >= 8][:SUB_QUESTIONS]
        parts = [text] + (subs if len(subs) > 1 else [])
        vectors = kit.embedder.embed(parts, kind="query")
        query = query.model_copy(update={"text": text})
        result = _by_topic(query, [_search_one(query.model_copy(update={"text": part}), v,
                                               kit, PER_LANGUAGE) for part, v in
                                   zip(parts, vectors, strict=True)], kit, k)
        out.append(_with_sections(query, vectors[0], result, kit, sections)
                   if result.confident and result.hits else result)
    return out


def _by_topic(query: KBQuery, results: list[KBResult], kit: KnowledgeKit,
              k: int) -> KBResult:
    best: dict[str, float] = {}
    first: dict[str, KBHit] = {}
    for_channel: set[str] = set()
    for hit in (h for r in results for h in r.hits):
        best[hit.topic] = max(best.get(hit.topic, 0.0), hit.similarity)
        first.setdefault(hit.doc_id, hit)
        if query.channel and query.channel in hit.channels:
            for_channel.add(hit.topic)
    score = {t: s + (PREFERRED_BONUS if t in query.prefer_topics else 0.0)
             + (CHANNEL_BONUS if t in for_channel else 0.0) for t, s in best.items()}
    order = sorted(score, key=lambda t: (-round(score[t], 6), t))  # ties: by name, always
    rank = {doc: i for i, doc in enumerate(h.doc_id for h in results[0].hits)}
    market = (query.market or "").upper()
    hits = sorted(first.values(), key=lambda h: (  # within a topic as in merge_by_topic
        order.index(h.topic), h.language != query.language, market not in h.markets,
        rank.get(h.doc_id, len(rank)), h.doc_id))
    confident = bool(best) and max(best.values()) >= kit.min_score
    return KBResult(hits=_monotonic(hits)[:k], confident=confident)


def _with_sections(query: KBQuery, vector: np.ndarray, result: KBResult, kit: KnowledgeKit,
                   k: int) -> KBResult:
    """The best sections of the top document of each of the first two topics, and of the
    best preferred topic when it ranks lower."""
    tops: list[KBHit] = []
    for hit in result.hits:
        if hit.topic not in {t.topic for t in tops}:
            tops.append(hit)
    preferred = [t for t in tops[2:] if t.topic in query.prefer_topics][:1]
    found: list[KBHit] = []
    for top in tops[:2] + preferred:
        terms = (_sparse(sparse.encode_query(query.text, top.language or FALLBACK_LANGUAGE))
                 if kit.hybrid else None)
        where = Filter({"doc_id": [top.doc_id], "kind": ["section"]})
        limit = WHOLE if top.topic in query.whole_topics else k
        points = kit.store.search(kit.collection, vector.tolist(), limit, sparse=terms,
                                  where=where, sparse_weight=kit.sparse_weight)
        ranked = sorted((_hit(p.payload, p.score, p.similarity) for p in points),
                        key=lambda h: -h.similarity)
        found += ranked or [top]
    return result.model_copy(update={"sections": found})


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
                 language=payload.get("language", ""), markets=payload.get("markets", []),
                 channels=payload.get("channels", []))


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
