"""The channel and visibility vocabulary of CONTRACT.md."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    AMAZON = "amazon"
    EBAY = "ebay"
    SHOPEE = "shopee"
    TIKTOK_SHOP = "tiktok_shop"
    SHOPIFY_CHAT = "shopify_chat"
    WEB_CHAT = "web_chat"
    EMAIL = "email"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"
    SMS = "sms"
    LINE = "line"
    TELEGRAM = "telegram"
    X = "x"


class Visibility(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


PHONE_CHANNELS = frozenset({Channel.WHATSAPP, Channel.SMS})
