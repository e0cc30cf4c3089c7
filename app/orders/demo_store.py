"""The embedded demo store as an OrderProvider: the demo's orders in the database (tables
``demo_order``, ``demo_order_item``, ``demo_shipment``, ``demo_tracking_event``, one workspace
each). Needs no credentials and has no limits; it is the default source so the bot works out
of the box (seeded by ``omnireply demo seed``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from app.orders.checks import is_late_or_stuck
from app.orders.models import DemoOrder, DemoShipment
from app.orders.ports import Order, OrderItem, Shipment, TrackingEvent
from app.workspaces.models import Workspace


def to_shipment(row: DemoShipment) -> Shipment:
    return Shipment(
        carrier=row.carrier, tracking_number=row.tracking_number, status=row.status,
        tracking_url=row.tracking_url, shipped_at=row.shipped_at, promised_by=row.promised_by,
        estimated_delivery=row.estimated_delivery, delivered_at=row.delivered_at,
        events=tuple(TrackingEvent(e.at, e.status, e.description, e.location)
                     for e in row.events))


def to_order(row: DemoOrder) -> Order:
    return Order(
        number=row.number, source="demo", marketplace=row.marketplace, market=row.market,
        status=row.status, placed_at=row.placed_at, email=row.email, postcode=row.postcode,
        customer_name=row.customer_name,
        items=tuple(OrderItem(i.title, i.quantity, i.sku) for i in row.items),
        shipments=tuple(to_shipment(s) for s in row.shipments),
        currency=row.currency, total=row.total)


_LOAD = (selectinload(DemoOrder.items),
         selectinload(DemoOrder.shipments).selectinload(DemoShipment.events))


class DemoOrderProvider:
    """Reads one workspace's demo orders; each call opens and closes its own session."""

    name = "demo"

    def __init__(self, factory: sessionmaker[Session], workspace_slug: str) -> None:
        self._factory = factory
        self._slug = workspace_slug

    def _query(self):
        return (select(DemoOrder).join(Workspace, Workspace.id == DemoOrder.workspace_id)
                .where(Workspace.slug == self._slug).options(*_LOAD))

    def find(self, number: str) -> Order | None:
        with self._factory() as session:
            row = session.scalar(self._query().where(DemoOrder.number == number))
            return to_order(row) if row is not None else None

    def late_or_stuck(self, now: datetime, quiet_days: int) -> list[Order]:
        with self._factory() as session:
            rows = session.scalars(self._query().order_by(DemoOrder.placed_at, DemoOrder.id)).all()
            orders = [to_order(row) for row in rows]
        return [o for o in orders if is_late_or_stuck(o, now, quiet_days)]
