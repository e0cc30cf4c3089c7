from __future__ import annotations

from pydantic import BaseModel


class KBQuery(BaseModel):
    text: str
    market: str | None = None
    channel: str | None = None
    language: str | None = None
    prefer_topics: list[str] = []  # e.g. the topics of the message's intent
    whole_topics: list[str] = []  # topics whose top document returns every section


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
    channels: list[str] = []


class KBResult(BaseModel):
    hits: list[KBHit]
    confident: bool
    sections: list[KBHit] = []  # the top document's sections ranked for the question
