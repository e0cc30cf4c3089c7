"""Rules over port values that every provider shares: late or stuck shipments, the order's
overall state, and the verification comparisons."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.orders.ports import Order, Shipment

SETTLED = frozenset({"delivered", "returned_to_sender", "lost", "cancelled"})
# a shipment in one of these states has no further carrier events to wait for

PRECEDENCE = ("lost", "returned_to_sender", "customs_hold", "delayed", "processing",
              "shipped", "in_transit", "out_for_delivery", "delivered", "cancelled")
# which shipment speaks for the order: a problem first, then the least advanced one


def is_late(shipment: Shipment, now: datetime) -> bool:
    """Past the promised date and not delivered (nor returned or lost: already settled)."""
    return (shipment.promised_by is not None and shipment.status not in SETTLED
            and now.date() > shipment.promised_by)


def is_stuck(shipment: Shipment, now: datetime, quiet_days: int) -> bool:
    """No carrier event for more than ``quiet_days`` (a shipment without events counts from
    when it shipped) and not settled."""
    if shipment.status in SETTLED:
        return False
    last = shipment.last_event.at if shipment.last_event else shipment.shipped_at
    return last is not None and now - last > timedelta(days=quiet_days)


def is_late_or_stuck(order: Order, now: datetime, quiet_days: int) -> bool:
    return order.status != "cancelled" and any(
        is_late(s, now) or is_stuck(s, now, quiet_days) for s in order.shipments)


def overall_status(shipments: tuple[Shipment, ...] | list[Shipment]) -> str:
    """The order's state from its shipments: none yet is processing; otherwise a problem
    first, then the least advanced shipment (one parcel delivered and one in transit is
    in transit; one delayed makes the order delayed)."""
    if not shipments:
        return "processing"
    return min((s.status for s in shipments), key=PRECEDENCE.index)


def same_email(order: Order, email: str) -> bool:
    return bool(order.email) and order.email.strip().casefold() == email.strip().casefold()


def same_postcode(order: Order, postcode: str) -> bool:
    def squash(value: str) -> str:
        return "".join(value.split()).casefold()

    return bool(order.postcode) and squash(order.postcode) == squash(postcode)
