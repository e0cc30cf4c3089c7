"""Normalize handles so the same person matches across channels."""

from __future__ import annotations

import re

from app.kit.channels import PHONE_CHANNELS, Channel


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_phone(phone: str) -> str:
    """E.164-like: '+' and digits; '00' international prefixes become '+'."""
    raw = phone.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        return f"+{digits[2:]}"
    return f"+{digits}" if raw.startswith("+") or len(digits) > 10 else digits


def identities_for(channel: str, handle: str, email: str | None,
                   phone: str | None) -> list[tuple[str, str]]:
    """The (kind, handle) pairs a message gives us: its channel handle, email and phone."""
    pairs = [(channel, _channel_handle(channel, handle))]
    if channel == Channel.EMAIL and email is None:
        email = handle
    if channel in PHONE_CHANNELS and phone is None:
        phone = handle
    if email:
        pairs.append(("email", normalize_email(email)))
    if phone and len(re.sub(r"\D", "", phone)) >= 6:
        pairs.append(("phone", normalize_phone(phone)))
    return list(dict.fromkeys(pairs))


def _channel_handle(channel: str, handle: str) -> str:
    if channel == Channel.EMAIL:
        return normalize_email(handle)
    if channel in PHONE_CHANNELS:
        return normalize_phone(handle)
    return handle.strip()
