"""The sandbox sender: records outbound messages in the database instead of a platform.

Credentials: none. Limits: none. It is the default for every channel until a platform
adapter is configured; each idempotency key is stored once (a unique constraint), so a
retried delivery never records a second message.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.channels.adapters.base import Outbound, Receipt
from app.channels.models import SandboxDelivery
from app.db import unit_of_work


class SandboxSender:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def send(self, outbound: Outbound) -> Receipt:
        existing = self._find(outbound.idempotency_key)
        if existing is not None:
            return Receipt(f"sandbox-{existing}", duplicate=True)
        try:
            with unit_of_work(self._factory) as session:
                row = SandboxDelivery(workspace_id=outbound.workspace_id,
                                      idempotency_key=outbound.idempotency_key,
                                      channel=outbound.channel, recipient=outbound.recipient,
                                      text=outbound.text)
                session.add(row)
                session.flush()
                return Receipt(f"sandbox-{row.id}")
        except IntegrityError:
            return Receipt(f"sandbox-{self._find(outbound.idempotency_key)}", duplicate=True)

    def _find(self, key: str) -> int | None:
        with self._factory() as session:
            return session.scalar(select(SandboxDelivery.id)
                                  .where(SandboxDelivery.idempotency_key == key))
