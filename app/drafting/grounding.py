"""Which sentences of the knowledge base answer the question: the reply quotes those, not
whole passages."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.drafting.composer import passage_sentences
from app.knowledge import sparse
from app.knowledge.schemas import KBHit
from app.providers.embeddings import Embedder

MAX_FACTS = 3
WITHIN = 0.08  # a sentence must score within this of the best one to be quoted
FIRST_SECTION_BONUS = 0.05  # the section retrieval ranked first is most likely on point
POSITION_PENALTY = 0.01  # a section's first sentences usually state its rule
OVERLAP_WEIGHT = 0.15  # share of the question's stemmed words a sentence contains
NOT_FACTS = (":", "：", "?", "？")  # lead-ins and the knowledge base's own questions


def select_facts(question: str, passages: list[KBHit], language: str,
                 embedder: Embedder | None, limit: int = MAX_FACTS,
                 allowed: Callable[[str], bool] = lambda sentence: True,
                 favoured: Callable[[KBHit], bool] = lambda passage: False,
                 about: Callable[[str], bool] | None = None,
                 ) -> tuple[list[str], list[KBHit]]:
    """Up to ``limit`` sentences in the reply's language, most similar to the question, in
    the order the knowledge base gives them; and the passages they come from. Passages come
    best first (the first gets a small bonus). Given ``about``, only sentences on that
    subject are quoted when there are any."""
    native = [p for p in passages if p.language == language]
    candidates = [(rank, position, hit, sentence)
                  for rank, hit in enumerate(native)
                  for position, sentence in enumerate(passage_sentences(hit.text))
                  if not sentence.endswith(NOT_FACTS) and allowed(sentence)]
    on_subject = [c for c in candidates if about and about(c[3])]
    candidates = on_subject or candidates
    if not candidates:
        return [], []
    sentences = [c[3] for c in candidates]
    scores = _scores(question, sentences, embedder) + OVERLAP_WEIGHT * _overlap(
        question, sentences, language)
    scores = scores + np.array([(FIRST_SECTION_BONUS if c[0] == 0 else 0.0)
                                - POSITION_PENALTY * c[1] for c in candidates])
    chosen = _choose(candidates, scores, limit, favoured)
    sources = list({candidates[i][0]: candidates[i][2] for i in chosen}.values())  # by section
    return [candidates[i][3] for i in chosen], sources


def _choose(candidates: list[tuple], scores: np.ndarray, limit: int,
            favoured: Callable[[KBHit], bool]) -> list[int]:
    """The top passage's best sentences (within WITHIN of its best), and the best sentence
    of another document when it scores better still, or nearly as well and its topic is
    one the message is expected to need (``favoured``)."""
    top_doc = candidates[0][2].doc_id
    own = [i for i in np.argsort(-scores) if candidates[i][2].doc_id == top_doc]
    best = float(scores[own[0]])
    chosen = [i for i in own[:limit] if scores[i] >= best - WITHIN]
    other = [i for i in np.argsort(-scores) if candidates[i][2].doc_id != top_doc]
    if other and (scores[other[0]] >= best or (
            scores[other[0]] >= best - WITHIN and favoured(candidates[other[0]][2]))):
        chosen = chosen[:limit - 1] + [other[0]]
    return sorted(chosen, key=lambda i: (candidates[i][0], candidates[i][1]))


def _overlap(question: str, sentences: list[str], language: str) -> np.ndarray:
    asked = set(sparse.tokens(question, language))
    if not asked:
        return np.zeros(len(sentences))
    return np.array([len(asked & set(sparse.tokens(s, language))) / len(asked)
                     for s in sentences])


def _scores(question: str, sentences: list[str], embedder: Embedder | None) -> np.ndarray:
    if embedder is None:  # no embedder: the knowledge base's own order
        return -np.arange(len(sentences), dtype=float) / 100
    query = embedder.embed([question], kind="query")[0]
    vectors = embedder.embed(sentences, kind="passage")
    return vectors @ query
