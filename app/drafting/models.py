from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow

DRAFT_STATUSES = ("pending", "approved", "rejected")


class Draft(Base):
    """A proposed reply to one inbound message, and what the agent decided about it."""

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    text: Mapped[str] = mapped_column(Text)
    final_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(32))
    citations: Mapped[list] = mapped_column(default=list)
    violations: Mapped[list] = mapped_column(default=list)
    repairs: Mapped[list] = mapped_column(default=list)  # what the guards fixed
    translation: Mapped[dict | None] = mapped_column()  # message and draft for the agent
    needs_human: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    drafter: Mapped[str] = mapped_column(String(32))
    prompt_id: Mapped[str] = mapped_column(String(100))
    model_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
