"""Senders keyed by channel."""

from __future__ import annotations

from app.channels.adapters.base import Sender
from app.errors import AppError
from app.kit.channels import Channel


class SenderRegistry:
    def __init__(self, senders: dict[Channel, Sender]) -> None:
        self._senders = senders

    def for_channel(self, channel: str) -> Sender:
        try:
            return self._senders[Channel(channel)]
        except (KeyError, ValueError):
            raise AppError(f"no sender configured for channel {channel!r}", 500) from None


def uniform(sender: Sender) -> SenderRegistry:
    """One sender for every channel (the sandbox, or a fake in tests)."""
    return SenderRegistry({channel: sender for channel in Channel})
