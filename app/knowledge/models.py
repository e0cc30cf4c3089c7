from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class KBDocument(Base):
    """A knowledge-base document of a workspace: its Markdown source is the truth; the
    vector index is derived from these rows."""

    __tablename__ = "kb_document"
    __table_args__ = (UniqueConstraint("workspace_id", "doc_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    doc_id: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    markets: Mapped[list] = mapped_column(default=list)
    channels: Mapped[list] = mapped_column(default=list)
    version: Mapped[str] = mapped_column(String(32))
    effective_date: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))  # file | upload
    chunks: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
