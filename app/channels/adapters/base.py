"""The Sender port: deliver one approved reply to a channel, idempotently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Outbound:
    workspace_id: int
    channel: str
    recipient: str
    text: str
    idempotency_key: str  # the same key twice must deliver once
    in_reply_to: str | None = None


@dataclass(frozen=True)
class Receipt:
    external_id: str
    duplicate: bool = False


class Sender(Protocol):
    def send(self, outbound: Outbound) -> Receipt: ...


@dataclass
class FakeSender:
    """Records deliveries in memory, once per idempotency key. Tests of other code only."""

    sent: dict[str, Outbound] = field(default_factory=dict)

    def send(self, outbound: Outbound) -> Receipt:
        duplicate = outbound.idempotency_key in self.sent
        self.sent.setdefault(outbound.idempotency_key, outbound)
        return Receipt(f"fake-{outbound.idempotency_key}", duplicate)
