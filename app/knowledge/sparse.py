"""Lexical side of hybrid search: BM25-style sparse vectors, multilingual.

Words are lower-cased, NFKC-normalised and stemmed with Snowball where the language has a
stemmer; Chinese and Japanese runs become character bigrams (plus single characters for
one-character runs). Terms hash into a 31-bit space. Document values carry BM25's term
frequency saturation; the inverse document frequency comes from Qdrant's IDF modifier on the
sparse vector, so it stays right as documents come and go.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
import yaml

from app.config import PROJECT_ROOT

STOPWORDS = PROJECT_ROOT / "prompts" / "knowledge" / "stopwords-v1.yaml"
K1 = 1.2
B = 0.75
AVERAGE_LENGTH = 120.0  # tokens in a typical chunk; only scales length normalisation
_STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish",
             "it": "italian", "pt": "portuguese", "nl": "dutch", "sv": "swedish",
             "da": "danish", "no": "norwegian", "fi": "finnish", "pl": "polish",
             "ru": "russian", "tr": "turkish"}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+", re.UNICODE)


@dataclass(frozen=True)
class Sparse:
    indices: list[int]
    values: list[float]


def tokens(text: str, language: str | None) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    out = []
    for run in _CJK.findall(text):
        out += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    stem, skip = _stemmer(language), _stopwords(language)
    words = [w.strip("'’-") for w in _WORD.findall(_CJK.sub(" ", text))]
    out += [stem(w) for w in words if len(w) > 1 and w not in skip]
    return out


@lru_cache(maxsize=1)
def encoder_version() -> str:
    """Changes when tokenising or the stopword data change: points must then be rebuilt."""
    digest = hashlib.sha256(STOPWORDS.read_bytes()).hexdigest()[:8]
    return f"bm25-{K1}-{B}-{AVERAGE_LENGTH}-{digest}"


@lru_cache(maxsize=1)
def _stopword_table() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(STOPWORDS.read_text(encoding="utf-8"))
    return {lang: frozenset(str(w).lower() for w in words)
            for lang, words in data.items() if lang != "version"}


def _stopwords(language: str | None) -> frozenset[str]:
    return _stopword_table().get(language or "", frozenset())


@lru_cache(maxsize=32)
def _stemmer(language: str | None):
    name = _STEMMERS.get(language or "")
    if name is None:
        return lambda word: word
    stemmer = snowballstemmer.stemmer(name)
    return lru_cache(maxsize=200_000)(stemmer.stemWord)  # words repeat: stem each once


def term_id(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=4).digest(), "little") \
        & 0x7FFFFFFF


def encode_document(text: str, language: str | None) -> Sparse:
    counts = Counter(term_id(t) for t in tokens(text, language))
    length = sum(counts.values()) or 1
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH)
    items = sorted((i, tf * (K1 + 1) / (tf + norm)) for i, tf in counts.items())
    return Sparse([i for i, _ in items], [round(v, 5) for _, v in items])


def encode_query(text: str, language: str | None) -> Sparse:
    ids = sorted({term_id(t) for t in tokens(text, language)})
    return Sparse(ids, [1.0] * len(ids))
