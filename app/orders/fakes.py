"""An in-memory OrderProvider for tests of other code (the bot, the late-shipment task)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.orders.checks import is_late_or_stuck
from app.orders.ports import Order


class FakeOrderProvider:
    """Holds the given orders; ``find`` matches the number exactly and records each lookup
    in ``lookups``, so a test can assert what was asked."""

    name = "fake"

    def __init__(self, orders: Iterable[Order] = ()) -> None:
        self.orders = {order.number: order for order in orders}
        self.lookups: list[str] = []

    def add(self, order: Order) -> None:
        self.orders[order.number] = order

    def find(self, number: str) -> Order | None:
        self.lookups.append(number)
        return self.orders.get(number)

    def late_or_stuck(self, now: datetime, quiet_days: int) -> list[Order]:
        return [o for o in self.orders.values() if is_late_or_stuck(o, now, quiet_days)]
