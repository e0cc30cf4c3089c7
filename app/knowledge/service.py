"""Ingest a knowledge-base tree into a workspace's collection."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.knowledge.chunking import chunk_document
from app.knowledge.loader import LoadError, load_tree
from app.knowledge.pipeline import KnowledgeKit, to_points


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    errors: list[LoadError] = field(default_factory=list)


def collection_name(prefix: str, workspace_slug: str) -> str:
    return f"{prefix}_{workspace_slug}_kb"


def ingest_tree(root: Path, kit: KnowledgeKit,
                on_document: Callable[[str], None] | None = None) -> IngestReport:
    """Embed every document's chunks and write them; documents that fail to load are reported."""
    docs, errors = load_tree(root)
    report = IngestReport(errors=errors)
    kit.store.ensure_collection(kit.collection, kit.embedder.dimension)
    for doc in docs:
        chunks = chunk_document(doc)
        vectors = kit.embedder.embed([_embed_text(doc.title, c.heading_path, c.text)
                                      for c in chunks])
        kit.store.upsert(kit.collection, to_points(doc, chunks, vectors))
        report.documents += 1
        report.chunks += len(chunks)
        if on_document:
            on_document(doc.doc_id)
    return report


def _embed_text(title: str, heading_path: tuple[str, ...], text: str) -> str:
    return f"{title} — {' > '.join(heading_path)}\n{text}"


def document_count(root: Path) -> int:
    return sum(1 for p in root.rglob("*.md") if p.name.lower() != "readme.md")
