from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow


class BotSession(Base):
    """One chat with the order-status bot: its state (verification, language), the whole
    transcript, and the agents' conversation once it was handed over. The id is a random
    token: whoever holds it is the chat's customer."""

    __tablename__ = "bot_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(255))
    market: Mapped[str | None] = mapped_column(String(2))
    state: Mapped[dict] = mapped_column(default=dict)
    transcript: Mapped[list] = mapped_column(default=list)  # [{role, text, at}]
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversation.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
