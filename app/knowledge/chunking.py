"""Heading-aware chunking: one chunk per section, keeping the heading path."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from app.knowledge.loader import Document

MAX_CHARS = 1500
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class Chunk:
    """A section of a document, or one of its sample questions (``kind`` = question), which
    is matched against messages and answered by the document's opening section."""

    chunk_id: str
    doc_id: str
    heading_path: tuple[str, ...]
    text: str
    kind: str = "section"
    answer: str = ""

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{self.kind}|{self.heading_path}|{self.text}|{self.answer}"
                              .encode()).hexdigest()[:16]


def chunk_document(doc: Document) -> list[Chunk]:
    """Sections first (heading-aware), then one chunk per sample question."""
    sections = _sections(doc.body, doc.title)
    pieces = [(path, part) for path, text in sections for part in _split_long(text)]
    chunks = [Chunk(f"{doc.doc_id}#{i}", doc.doc_id, path, text)
              for i, (path, text) in enumerate(pieces)]
    answer = chunks[0].text if chunks else ""
    return chunks + [Chunk(f"{doc.doc_id}#q{i}", doc.doc_id, (doc.title,), question,
                           "question", answer)
                     for i, question in enumerate(doc.questions)]


def _sections(body: str, title: str) -> list[tuple[tuple[str, ...], str]]:
    stack: list[tuple[int, str]] = []
    sections, lines = [], []

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            sections.append((tuple(h for _, h in stack) or (title,), text))
        lines.clear()

    for line in body.splitlines():
        match = _HEADING.match(line)
        if not match:
            lines.append(line)
            continue
        flush()
        level = len(match.group(1))
        stack = [(lvl, h) for lvl, h in stack if lvl < level] + [(level, match.group(2).strip())]
    flush()
    return sections


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHARS:
        return [text]
    parts, current = [], ""
    for paragraph in text.split("\n\n"):
        if current and len(current) + len(paragraph) > MAX_CHARS:
            parts.append(current.strip())
            current = ""
        current += paragraph + "\n\n"
    return parts + ([current.strip()] if current.strip() else [])
