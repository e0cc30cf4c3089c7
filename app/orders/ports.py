"""The order-source port: what the bot may know about an order, whatever system holds it.

Every source (the embedded demo store, Shopify, later marketplaces) maps its own vocabulary to
these frozen dataclasses and to the states in ``ORDER_STATES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

ORDER_STATES = ("processing", "shipped", "in_transit", "out_for_delivery", "delivered",
                "delayed", "customs_hold", "returned_to_sender", "lost", "cancelled")

MARKETPLACES = ("own_store", "amazon", "ebay", "shopee", "tiktok_shop", "shopify")


@dataclass(frozen=True)
class TrackingEvent:
    at: datetime            # timezone-aware UTC
    status: str             # one of ORDER_STATES (the carrier's event mapped to ours)
    description: str        # the carrier's text, e.g. "Arrived at sorting centre"
    location: str | None = None


@dataclass(frozen=True)
class Shipment:
    carrier: str            # "DHL", "UPS", "Royal Mail", "Yamato", "USPS", "PostNL", ...
    tracking_number: str
    status: str             # one of ORDER_STATES
    tracking_url: str | None = None
    shipped_at: datetime | None = None
    promised_by: date | None = None       # the delivery date promised at checkout
    estimated_delivery: date | None = None
    delivered_at: datetime | None = None
    events: tuple[TrackingEvent, ...] = ()   # oldest first

    @property
    def last_event(self) -> TrackingEvent | None:
        return self.events[-1] if self.events else None


@dataclass(frozen=True)
class OrderItem:
    title: str
    quantity: int
    sku: str | None = None


@dataclass(frozen=True)
class Order:
    number: str             # as the customer sees it: "#1001", "LL-123456", "302-1234567-1234567"
    source: str             # "demo", "shopify", ...
    marketplace: str        # "own_store", "amazon", "ebay", "shopee", "tiktok_shop", "shopify"
    market: str             # ISO country the order ships to, e.g. "DE"
    status: str             # one of ORDER_STATES (the order as a whole)
    placed_at: datetime
    email: str | None = None        # for verification (compare case-insensitively)
    postcode: str | None = None     # for verification (compare without spaces, case-insensitively)
    customer_name: str | None = None
    items: tuple[OrderItem, ...] = ()
    shipments: tuple[Shipment, ...] = ()
    currency: str | None = None
    total: str | None = None        # decimal as text


class OrderProvider(Protocol):
    name: str

    def find(self, number: str) -> Order | None:
        """The order with this number (as recognised and normalised by app.orders.numbers),
        or None."""
        ...

    def late_or_stuck(self, now: datetime, quiet_days: int) -> list[Order]:
        """Orders with a shipment past promised_by and not delivered, or whose last carrier
        event is older than quiet_days and not delivered/returned/lost."""
        ...
