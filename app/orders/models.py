"""The embedded demo store: orders, items, shipments and carrier tracking events, per
workspace. Only the demo provider reads these; real shops live in their own systems."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, utcnow


class DemoOrder(Base):
    __tablename__ = "demo_order"
    __table_args__ = (UniqueConstraint("workspace_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    marketplace: Mapped[str] = mapped_column(String(32))
    market: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(32))
    placed_at: Mapped[datetime]
    email: Mapped[str | None] = mapped_column(String(254))
    postcode: Mapped[str | None] = mapped_column(String(16))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    currency: Mapped[str | None] = mapped_column(String(3))
    total: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[DemoOrderItem]] = relationship(
        cascade="all, delete-orphan", order_by="DemoOrderItem.position")
    shipments: Mapped[list[DemoShipment]] = relationship(
        cascade="all, delete-orphan", order_by="DemoShipment.position")


class DemoOrderItem(Base):
    __tablename__ = "demo_order_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("demo_order.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str | None] = mapped_column(String(64))


class DemoShipment(Base):
    __tablename__ = "demo_shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("demo_order.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    tracking_url: Mapped[str | None] = mapped_column(String(500))
    shipped_at: Mapped[datetime | None]
    promised_by: Mapped[date | None] = mapped_column(Date)
    estimated_delivery: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None]

    events: Mapped[list[DemoTrackingEvent]] = relationship(
        cascade="all, delete-orphan", order_by="DemoTrackingEvent.at")


class DemoTrackingEvent(Base):
    __tablename__ = "demo_tracking_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("demo_shipment.id"), index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200))
