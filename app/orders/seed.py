"""Load the demo store's orders (data/demo_orders.yaml) into a workspace.

Times in the file are relative to ``now``, so seeding again moves every order along with the
clock: an order that was delayed stays delayed. Seeding is idempotent: an order already there
(same workspace and number) is replaced, never duplicated.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AppError
from app.kit.datafiles import load_yaml
from app.kit.markets import is_market
from app.orders.models import DemoOrder, DemoOrderItem, DemoShipment, DemoTrackingEvent
from app.orders.ports import MARKETPLACES, ORDER_STATES

DEMO_ORDERS = Path(__file__).resolve().parent / "data" / "demo_orders.yaml"
_AGO = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?")


def ago(value: str, now: datetime) -> datetime:
    """``"6d4h"`` before ``now``."""
    match = _AGO.fullmatch(str(value))
    if not match or not any(match.groups()):
        raise AppError(f"{DEMO_ORDERS.name}: {value!r} is not a time like 6d4h", 500)
    days, hours = (int(part or 0) for part in match.groups())
    return now - timedelta(days=days, hours=hours)


def _check(raw: dict) -> None:
    number = raw.get("number")
    states = [raw.get("status")] + [s.get("status") for s in raw.get("shipments", [])]
    events = [e.get("status") for s in raw.get("shipments", []) for e in s.get("events", [])]
    if any(state not in ORDER_STATES for state in states + events):
        raise AppError(f"{DEMO_ORDERS.name}: order {number}: a status not in ORDER_STATES", 500)
    if raw.get("marketplace") not in MARKETPLACES or not is_market(raw.get("market", "")):
        raise AppError(f"{DEMO_ORDERS.name}: order {number}: unknown marketplace or market",
                       500)


def _shipment(raw: dict, position: int, now: datetime, carriers: dict) -> DemoShipment:
    events = [DemoTrackingEvent(at=ago(e["ago"], now), status=e["status"],
                                description=e["description"], location=e.get("location"))
              for e in raw.get("events", [])]
    events.sort(key=lambda event: event.at)
    delivered = [e.at for e in events if e.status == "delivered"]
    url = carriers.get(raw["carrier"])
    today = now.date()
    return DemoShipment(
        position=position, carrier=raw["carrier"], tracking_number=str(raw["tracking_number"]),
        status=raw["status"], tracking_url=url.format(number=raw["tracking_number"]) if url
        else None, shipped_at=events[0].at if events else None,
        promised_by=today + timedelta(days=raw["promised_in"]) if "promised_in" in raw
        else None,
        estimated_delivery=today + timedelta(days=raw["estimated_in"]) if "estimated_in" in raw
        else None,
        delivered_at=delivered[-1] if delivered else None, events=events)


def build_order(raw: dict, workspace_id: int, now: datetime, carriers: dict) -> DemoOrder:
    _check(raw)
    customer = raw.get("customer", {})
    return DemoOrder(
        workspace_id=workspace_id, number=str(raw["number"]), marketplace=raw["marketplace"],
        market=raw["market"], status=raw["status"], placed_at=ago(raw["placed"], now),
        email=customer.get("email"), postcode=customer.get("postcode"),
        customer_name=customer.get("name"), currency=raw.get("currency"),
        total=raw.get("total"),
        items=[DemoOrderItem(position=i, title=item["title"], quantity=item["quantity"],
                             sku=item.get("sku"))
               for i, item in enumerate(raw.get("items", []))],
        shipments=[_shipment(s, i, now, carriers)
                   for i, s in enumerate(raw.get("shipments", []))])


def seed_demo_orders(session: Session, workspace_id: int, now: datetime,
                     path: Path = DEMO_ORDERS) -> int:
    """Put the demo orders into the workspace, dated from ``now``; orders already there are
    replaced with fresh dates. Returns how many were new. Flushes, never commits."""
    data = load_yaml(path)
    carriers = data.get("carriers", {})
    existing = {o.number: o for o in session.scalars(
        select(DemoOrder).where(DemoOrder.workspace_id == workspace_id))}
    created = 0
    for raw in data["orders"]:
        old = existing.get(str(raw["number"]))
        if old is not None:
            session.delete(old)
            session.flush()
        created += old is None
        session.add(build_order(raw, workspace_id, now, carriers))
    session.flush()
    return created
