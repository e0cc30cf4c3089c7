"""The shared rules (overall state, late or stuck), the fake for other code's tests, and how
the runtime picks the configured source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from app.config import OrdersSettings
from app.errors import AppError
from app.orders.checks import is_late_or_stuck, overall_status
from app.orders.demo_store import DemoOrderProvider
from app.orders.fakes import FakeOrderProvider
from app.orders.ports import Order, Shipment, TrackingEvent
from app.orders.shopify import ShopifyOrderProvider
from app.wiring import build_runtime
from tests.conftest import make_settings

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def shipment(status: str, promised: int | None = None, quiet: int | None = None) -> Shipment:
    """A shipment promised ``promised`` days from NOW whose last event was ``quiet`` days ago."""
    events = () if quiet is None else (
        TrackingEvent(NOW - timedelta(days=quiet), status, "scan"),)
    return Shipment("DHL", "00340434518822736014", status,
                    promised_by=NOW.date() + timedelta(days=promised) if promised is not None
                    else None, events=events)


def order(number: str, *shipments: Shipment, status: str | None = None) -> Order:
    return Order(number, "fake", "own_store", "DE", status or overall_status(shipments),
                 NOW - timedelta(days=20), shipments=shipments)


def test_overall_status_puts_a_problem_first_then_the_least_advanced():
    assert overall_status(()) == "processing"
    assert overall_status([shipment("delivered"), shipment("in_transit")]) == "in_transit"
    assert overall_status([shipment("delivered"), shipment("lost")]) == "lost"
    assert overall_status([shipment("out_for_delivery"), shipment("delayed")]) == "delayed"
    assert overall_status([shipment("delivered"), shipment("cancelled")]) == "delivered"


@pytest.mark.parametrize(("shipments", "expected"), [
    ((shipment("in_transit", promised=-1, quiet=0),), True),       # past the promised date
    ((shipment("in_transit", promised=0, quiet=0),), False),       # due today: not yet late
    ((shipment("in_transit", promised=3, quiet=6),), True),        # no scan for 6 days
    ((shipment("in_transit", promised=3, quiet=5),), False),       # exactly 5: not yet
    ((shipment("delivered", promised=-4, quiet=9),), False),
    ((shipment("returned_to_sender", promised=-4, quiet=9),), False),
    ((shipment("lost", promised=-4, quiet=9),), False),
    ((shipment("delivered", quiet=1), shipment("customs_hold", quiet=7)), True),
    ((), False),
])
def test_late_or_stuck(shipments, expected):
    assert is_late_or_stuck(order("#1", *shipments), NOW, 5) is expected


def test_a_cancelled_order_is_never_late():
    late = order("#1", shipment("in_transit", promised=-3, quiet=9), status="cancelled")
    assert is_late_or_stuck(late, NOW, 5) is False


def test_fake_provider_finds_records_and_sweeps():
    late = order("#1057", shipment("delayed", promised=-9, quiet=10))
    fine = order("LL-204317", shipment("in_transit", promised=5, quiet=1))
    fake = FakeOrderProvider([late, fine])
    assert (fake.find("#1057"), fake.find("#4040")) == (late, None)
    assert fake.lookups == ["#1057", "#4040"]
    assert fake.late_or_stuck(NOW, 5) == [late]
    assert shipment("in_transit").last_event is None


def test_runtime_builds_the_demo_store_by_default_once_per_workspace(tmp_path):
    runtime = build_runtime(make_settings(tmp_path))
    try:
        provider = runtime.orders_for("default")
        assert isinstance(provider, DemoOrderProvider)
        assert runtime.orders_for("default") is provider
        assert runtime.orders_for("other") is not provider
    finally:
        runtime.close()


def test_runtime_builds_shopify_when_configured(tmp_path):
    orders = OrdersSettings(provider="shopify", shopify_shop="lumen-loom.myshopify.com",
                            shopify_token=SecretStr("shpat_x"))
    runtime = build_runtime(make_settings(tmp_path, orders=orders))
    try:
        provider = runtime.orders_for("default")
        assert isinstance(provider, ShopifyOrderProvider)
        assert provider.client.url == ("https://lumen-loom.myshopify.com/admin/api/2026-10/"
                                       "graphql.json")
    finally:
        runtime.close()


def test_an_unknown_source_is_named(tmp_path):
    runtime = build_runtime(make_settings(tmp_path, orders=OrdersSettings(provider="magento")))
    try:
        with pytest.raises(AppError) as caught:
            runtime.orders_for("default")
        assert caught.value.message == "orders.provider 'magento' unknown; use one of demo, shopify"
    finally:
        runtime.close()


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("OMNIREPLY_ORDERS__PROVIDER", "shopify")
    monkeypatch.setenv("OMNIREPLY_ORDERS__SHOPIFY_SHOP", "lumen-loom")
    monkeypatch.setenv("OMNIREPLY_ORDERS__SHOPIFY_TOKEN", "shpat_env")
    monkeypatch.setenv("OMNIREPLY_ORDERS__TIMEOUT_SECONDS", "4.5")
    cfg = make_settings(tmp_path).orders
    assert (cfg.provider, cfg.shopify_shop, cfg.shopify_token.get_secret_value(),
            cfg.timeout_seconds, cfg.shopify_api_version, cfg.max_retries, cfg.quiet_days) == (
        "shopify", "lumen-loom", "shpat_env", 4.5, "2026-10", 3, 5)
