from __future__ import annotations

from pydantic import BaseModel


class KBQuery(BaseModel):
    text: str
    market: str | None = None
    channel: str | None = None
    language: str | None = None


class KBHit(BaseModel):
    doc_id: str
    topic: str
    title: str
    score: float
    text: str
    similarity: float = 0.0
    heading: str = ""
    language: str = ""
    markets: list[str] = []


class KBResult(BaseModel):
    hits: list[KBHit]
    confident: bool
