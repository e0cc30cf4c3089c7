from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class TriageResult(Base):
    __tablename__ = "triage_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"))
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    language_confidence: Mapped[float] = mapped_column(Float)
    intent: Mapped[str] = mapped_column(String(64))
    intent_confidence: Mapped[float] = mapped_column(Float)
    intent_runner_up: Mapped[str | None] = mapped_column(String(64))
    intent_runner_up_confidence: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[str] = mapped_column(String(16))
    sentiment_confidence: Mapped[float] = mapped_column(Float, default=0.5)
    urgency: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list] = mapped_column(default=list)
    signals: Mapped[list] = mapped_column(default=list)
    needs_human: Mapped[bool] = mapped_column(default=False)
    model_id: Mapped[str] = mapped_column(String(200))
    taxonomy_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
