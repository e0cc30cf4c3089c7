"""The embedded demo store: the seed (idempotent, every state, the demo messages' orders),
the provider (find, verification fields, late or stuck with a fixed now) and migration 0009."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import func, select

from app.db import make_engine, make_session_factory, unit_of_work
from app.demo.service import load_messages, seed_orders
from app.orders.checks import same_email, same_postcode
from app.orders.demo_store import DemoOrderProvider
from app.orders.models import DemoOrder, DemoShipment, DemoTrackingEvent
from app.orders.numbers import find_order_numbers
from app.orders.ports import ORDER_STATES, TrackingEvent
from app.orders.seed import seed_demo_orders
from app.setup import alembic_config, migrate
from app.workspaces.service import ensure_workspace

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def factory(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('orders') / 'orders.db'}"
    migrate(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def store(factory) -> DemoOrderProvider:
    with unit_of_work(factory) as session:
        seed_demo_orders(session, ensure_workspace(session, "shop").id, NOW)
    return DemoOrderProvider(factory, "shop")


def _counts(factory, slug: str) -> tuple[int, int, int]:
    with factory() as session:
        ws = ensure_workspace(session, slug).id
        orders = select(DemoOrder.id).where(DemoOrder.workspace_id == ws)
        shipments = select(DemoShipment.id).where(DemoShipment.order_id.in_(orders))
        return (session.scalar(select(func.count()).select_from(orders.subquery())),
                session.scalar(select(func.count()).select_from(shipments.subquery())),
                session.scalar(select(func.count(DemoTrackingEvent.id))
                               .where(DemoTrackingEvent.shipment_id.in_(shipments))))


def test_seed_is_idempotent_and_dates_again_from_now(factory):
    later = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with unit_of_work(factory) as session:
        ws = ensure_workspace(session, "twice").id
        first = seed_demo_orders(session, ws, NOW)
    counts = _counts(factory, "twice")
    with unit_of_work(factory) as session:
        second = seed_demo_orders(session, ws, later)
    order = DemoOrderProvider(factory, "twice").find("#1057")
    assert (first, second) == (37, 0)
    assert _counts(factory, "twice") == counts == (37, 30, 94)
    assert order.placed_at == datetime(2026, 11, 13, 12, 0, tzinfo=UTC)  # 18 days before
    assert order.shipments[0].promised_by == date(2026, 11, 22)           # 9 days before


def test_the_demo_seeds_the_store_once(factory):
    assert (seed_orders(factory, "demo-seed"), seed_orders(factory, "demo-seed")) == (37, 0)
    assert DemoOrderProvider(factory, "demo-seed").find("LL-204388").status == "cancelled"


def test_seed_covers_every_state_market_marketplace(factory, store):
    with factory() as session:
        rows = session.execute(select(DemoOrder.status, DemoOrder.market,
                                      DemoOrder.marketplace)).all()
        carriers = set(session.scalars(select(DemoShipment.carrier)))
    states = Counter(r.status for r in rows)
    assert set(states) == set(ORDER_STATES)
    assert {r.market for r in rows} >= {"DE", "FR", "ES", "IT", "NL", "PT", "JP", "GB", "US",
                                         "CH", "AU", "AT", "TW", "SG", "BR"}
    assert {r.marketplace for r in rows} == {"own_store", "amazon", "ebay", "shopee",
                                             "tiktok_shop", "shopify"}
    assert len(carriers) == 20


def test_every_order_number_in_the_demo_messages_is_in_the_store(store):
    numbers = {n for m in load_messages() for n in find_order_numbers(m.text)}
    numbers |= {m.order_id for m in load_messages() if m.order_id}
    assert len(numbers) == 27
    assert sorted(n for n in numbers if store.find(n) is None) == []


def test_find_maps_the_order_with_its_shipment_and_events(store):
    order = store.find("#1057")
    shipment = order.shipments[0]
    assert (order.number, order.source, order.marketplace, order.market, order.status) == (
        "#1057", "demo", "shopify", "DE", "delayed")
    assert (order.customer_name, order.currency, order.total) == (
        "Lukas Hoffmann", "EUR", "74.70")
    assert [(i.title, i.quantity, i.sku) for i in order.items] == [
        ("Stoneware mug 350 ml, charcoal", 2, "LL-MUG-350-CHA"),
        ("Stoneware teapot 1 l, charcoal", 1, "LL-TEA-1L-CHA")]
    assert (shipment.carrier, shipment.tracking_number, shipment.status) == (
        "YunExpress", "YT2431700123456789", "delayed")
    assert shipment.tracking_url == "https://www.yuntrack.com/parcelTracking?id=YT2431700123456789"
    assert shipment.shipped_at == datetime(2026, 11, 6, 12, 0, tzinfo=UTC)
    assert (shipment.promised_by, shipment.delivered_at) == (date(2026, 11, 13), None)
    assert shipment.last_event == TrackingEvent(
        datetime(2026, 11, 12, 12, 0, tzinfo=UTC), "delayed",
        "Flight delayed, awaiting next departure", "Shenzhen, CN")
    assert [e.status for e in shipment.events] == ["shipped", "in_transit", "delayed"]


def test_delivered_at_comes_from_the_delivery_event(store):
    shipment = store.find("114-3928471-5520913").shipments[0]
    assert shipment.delivered_at == datetime(2026, 11, 18, 11, 0, tzinfo=UTC)
    assert shipment.status == "delivered"


def test_verification_fields(store):
    order = store.find("#1042")
    assert (order.email, order.postcode) == ("claire.dubois@example.fr", "69003")
    assert same_email(order, "  Claire.Dubois@Example.FR ")
    assert not same_email(order, "claire@example.fr")
    uk = store.find("#1088")
    assert same_postcode(uk, "bt71nn") and same_postcode(uk, "BT7 1NN")
    assert not same_postcode(uk, "BT7 1NP")
    assert not same_email(store.find("2611127QH3RT2K"), "")   # Shopee: no email on the order


def test_find_is_exact_and_scoped_to_the_workspace(store, factory):
    assert store.find("#9999") is None
    assert store.find("1057") is None                    # numbers arrive normalised
    assert DemoOrderProvider(factory, "no-such-shop").find("#1057") is None


def test_late_or_stuck_with_a_fixed_now(store):
    assert [o.number for o in store.late_or_stuck(NOW, 5)] == [
        "#1035", "#1057", "2611064RJ2NVQ8", "#1066", "LL-204401"]
    assert [o.number for o in store.late_or_stuck(NOW, 2)] == [
        "#1035", "#1057", "2611064RJ2NVQ8", "#1049", "#1066", "LL-204401"]
    assert [o.number for o in store.late_or_stuck(NOW, 30)] == [
        "#1035", "#1057", "LL-204401"]                   # only the late ones


def test_migration_0009_up_and_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0009")
    engine = sa.create_engine(url)
    tables = set(sa.inspect(engine).get_table_names())
    command.downgrade(config, "0008")
    after = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    demo = {"demo_order", "demo_order_item", "demo_shipment", "demo_tracking_event"}
    assert tables & demo == demo
    assert after & demo == set()
