from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from app.kit.channels import Channel
from app.kit.text import no_nul

BOT_CHANNELS = ("web_chat", "shopify_chat", "whatsapp", "facebook", "instagram", "line",
                "telegram", "sms")


class SessionIn(BaseModel):
    channel: Channel = Channel.WEB_CHAT
    handle: str | None = Field(default=None, min_length=1, max_length=255, description=(
        "The customer's handle on the channel; a random one for anonymous web chats"))
    market: str | None = Field(default=None, min_length=2, max_length=2)
    language: str | None = Field(default=None, min_length=2, max_length=8, description=(
        "The language to start in (e.g. the page's); the bot follows the customer's after"))

    _nul = field_validator("handle")(no_nul)

    @field_validator("channel")
    @classmethod
    def _chat(cls, value: Channel) -> Channel:
        if value.value not in BOT_CHANNELS:
            raise ValueError(f"the bot serves chat channels only: {', '.join(BOT_CHANNELS)}")
        return value


class BotMessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)

    _nul = field_validator("text")(no_nul)


class TurnOut(BaseModel):
    role: str  # customer | bot
    text: str
    at: str


class SessionOut(BaseModel):
    id: str
    channel: str
    language: str
    step: str
    handed_off: bool
    conversation_id: int | None
    reply: str | None = None  # the bot's answer to the message just sent
    transcript: list[TurnOut] = []
