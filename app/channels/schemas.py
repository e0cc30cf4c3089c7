"""The normalized inbound message every channel adapter produces (POST /v1/messages)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.kit.channels import Channel, Visibility
from app.kit.markets import is_market
from app.kit.text import no_nul


class CustomerIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    handle: str = Field(min_length=1, max_length=320)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)

    _nul = field_validator("handle", "name", "email", "phone")(no_nul)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError("is not an email address")
        return value.lower() if value else None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and len(re.sub(r"\D", "", value)) < 6:
            raise ValueError("needs at least 6 digits")
        return value


class InboundMessage(BaseModel):
    channel: Channel
    external_id: str = Field(min_length=1, max_length=255)
    visibility: Visibility = Visibility.PRIVATE
    market: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. DE")
    customer: CustomerIn
    text: str = Field(min_length=1)
    order_id: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = None

    _nul = field_validator("external_id", "text", "order_id")(no_nul)

    @field_validator("market")
    @classmethod
    def _market(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not is_market(value):
            raise ValueError("must be an ISO 3166-1 alpha-2 code such as DE or US")
        return value.upper()

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("must include a timezone, e.g. 2026-11-20T08:14:00Z")
        return value


class IngestResult(BaseModel):
    message_id: int
    conversation_id: int
    customer_id: int
    duplicate: bool = False
