"""The knowledge base of a workspace: documents in the database, an index derived from them.

Indexing is incremental: every chunk's point carries a hash of its text, place, filters and
embedding model; only new or changed chunks are embedded, and points of removed chunks or
documents are deleted. Re-indexing an unchanged knowledge base embeds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import utcnow
from app.errors import AppError, FieldError, not_found
from app.knowledge.chunking import chunk_document
from app.knowledge.loader import Document, LoadError, load_tree, parse_document
from app.knowledge.models import KBDocument
from app.knowledge.pipeline import KnowledgeKit, embed_text, point_hash, to_points
from app.providers.vector_store import Filter

Progress = Callable[[str], None]


@dataclass
class IndexReport:
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    deleted: int = 0
    errors: list[LoadError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"documents": self.documents, "chunks": self.chunks, "embedded": self.embedded,
                "deleted": self.deleted, "errors": [str(e) for e in self.errors]}


def ingest_tree(session: Session, workspace_id: int, root: Path, kit: KnowledgeKit,
                actor: str = "cli", on_document: Progress | None = None) -> IndexReport:
    """Make the workspace's file documents match the tree, then bring the index up to date."""
    docs, errors = load_tree(root)
    for doc in docs:
        _save(session, workspace_id, doc, "file")
    _forget_missing_files(session, workspace_id, {d.doc_id for d in docs})
    report = index_workspace(session, workspace_id, kit, on_document)
    report.errors = errors
    audit.record(session, workspace_id, actor, "kb.ingest", str(root), **report.as_dict())
    return report


def index_workspace(session: Session, workspace_id: int, kit: KnowledgeKit,
                    on_document: Progress | None = None) -> IndexReport:
    """Bring the whole index up to date; points of documents no longer here are deleted."""
    rows = documents(session, workspace_id)
    known = kit.store.inventory(kit.collection, "content_hash")
    report = IndexReport(documents=len(rows))
    wanted: set[str] = set()
    for row in rows:
        wanted |= _index_document(row, kit, known, report)
        if on_document:
            on_document(row.doc_id)
    _delete_points(kit, set(known) - wanted, report)
    return report


def index_document(row: KBDocument, kit: KnowledgeKit) -> IndexReport:
    """Bring one document's points up to date, leaving the rest of the index alone."""
    known = _points_of(kit, row.doc_id, "content_hash")
    report = IndexReport(documents=1)
    _delete_points(kit, set(known) - _index_document(row, kit, known, report), report)
    return report


def _points_of(kit: KnowledgeKit, doc_id: str, field_name: str) -> dict[str, str]:
    return kit.store.inventory(kit.collection, field_name, Filter({"doc_id": [doc_id]}))


def _delete_points(kit: KnowledgeKit, ids: set[str], report: IndexReport) -> None:
    kit.store.delete(kit.collection, sorted(ids))
    report.deleted += len(ids)


def _index_document(row: KBDocument, kit: KnowledgeKit, known: dict[str, str],
                    report: IndexReport) -> set[str]:
    doc = _parse_row(row)
    chunks = chunk_document(doc)
    model_id = kit.embedder.model_id
    todo = [c for c in chunks if known.get(c.chunk_id) != point_hash(doc, c, model_id)]
    if todo:
        vectors = kit.embedder.embed([embed_text(doc, c) for c in todo], kind="passage")
        kit.store.upsert(kit.collection, to_points(doc, todo, vectors, model_id))
    row.chunks = len(chunks)
    report.chunks += len(chunks)
    report.embedded += len(todo)
    return {c.chunk_id for c in chunks}


def put_document(session: Session, workspace_id: int, doc_id: str, markdown: str,
                 kit: KnowledgeKit, actor: str) -> tuple[KBDocument, IndexReport]:
    """Upload or replace one document and index it; a bad document changes nothing."""
    doc = parse_document(markdown, doc_id, doc_id)
    if isinstance(doc, LoadError):
        raise AppError(f"document {doc_id}, line {doc.line}: {doc.message}", 422,
                       [FieldError("content", f"line {doc.line}: {doc.message}")])
    existed = _row(session, workspace_id, doc_id) is not None
    row = _save(session, workspace_id, doc, "upload")
    report = index_document(row, kit)
    audit.record(session, workspace_id, actor, "kb.replace" if existed else "kb.upload",
                 doc_id, topic=doc.topic, source_hash=row.source_hash,
                 embedded=report.embedded)
    return row, report


def delete_document(session: Session, workspace_id: int, doc_id: str, kit: KnowledgeKit,
                    actor: str) -> None:
    session.delete(get_document(session, workspace_id, doc_id))
    session.flush()
    ids = _points_of(kit, doc_id, "doc_id")
    kit.store.delete(kit.collection, sorted(ids))
    audit.record(session, workspace_id, actor, "kb.delete", doc_id, chunks=len(ids))


def documents(session: Session, workspace_id: int) -> list[KBDocument]:
    return list(session.scalars(select(KBDocument).where(KBDocument.workspace_id == workspace_id)
                                .order_by(KBDocument.doc_id)))


def get_document(session: Session, workspace_id: int, doc_id: str) -> KBDocument:
    row = _row(session, workspace_id, doc_id)
    if row is None:
        raise not_found("document", doc_id)
    return row


def _row(session: Session, workspace_id: int, doc_id: str) -> KBDocument | None:
    return session.scalar(select(KBDocument).where(KBDocument.workspace_id == workspace_id,
                                                   KBDocument.doc_id == doc_id))


def _save(session: Session, workspace_id: int, doc: Document, origin: str) -> KBDocument:
    row = _row(session, workspace_id, doc.doc_id) or KBDocument(workspace_id=workspace_id,
                                                                 doc_id=doc.doc_id)
    source_hash = hashlib.sha256(doc.source_text.encode()).hexdigest()
    if row.id is None or row.source_hash != source_hash:
        row.topic, row.title, row.language = doc.topic, doc.title, doc.language
        row.markets, row.channels = list(doc.markets), list(doc.channels)
        row.version, row.effective_date = doc.version, doc.effective_date
        row.source, row.source_hash, row.updated_at = doc.source_text, source_hash, utcnow()
    row.origin = origin
    session.add(row)
    session.flush()
    return row


def _forget_missing_files(session: Session, workspace_id: int, present: set[str]) -> None:
    for row in documents(session, workspace_id):
        if row.origin == "file" and row.doc_id not in present:
            session.delete(row)
    session.flush()


def _parse_row(row: KBDocument) -> Document:
    doc = parse_document(row.source, row.doc_id, row.doc_id)
    if isinstance(doc, LoadError):  # rows are validated on the way in
        raise AppError(f"stored document {row.doc_id} no longer parses: {doc}", 500)
    return doc


def document_count(root: Path) -> int:
    return sum(1 for p in root.rglob("*.md") if p.name.lower() != "readme.md")
