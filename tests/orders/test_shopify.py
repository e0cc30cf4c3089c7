"""The Shopify adapter on recorded Admin GraphQL responses: the exact mapping, the waits the
rate limits call for, and clear errors for timeouts and a wrong token."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx
import pytest

from app.errors import AppError, TransientError
from app.orders.ports import OrderItem, Shipment, TrackingEvent
from app.orders.shopify_client import ShopifyConfigError, throttle_wait
from tests.orders.replay import SETTINGS, FakeTime, Replay, provider

URL = "https://lumen-loom.myshopify.com/admin/api/2026-10/graphql.json"


def test_an_order_found_is_mapped_exactly():
    replay = Replay("order_found")
    order = provider(replay.transport).find("#1001")
    request = replay.requests[0]
    assert (str(request.url), request.method) == (URL, "POST")
    assert request.headers["X-Shopify-Access-Token"] == "shpat_test"
    assert replay.variables() == [{"query": 'name:"#1001"', "first": 1}]
    assert "orders(first: $first, query: $query" in json.loads(request.content)["query"]
    assert (order.number, order.source, order.marketplace, order.market, order.status) == (
        "#1001", "shopify", "shopify", "DE", "in_transit")
    assert order.placed_at == datetime(2026, 11, 10, 9, 14, 22, tzinfo=UTC)
    assert (order.email, order.postcode, order.customer_name) == (
        "Anna.Schmidt@example.de", "10115", "Anna Schmidt")
    assert (order.currency, order.total) == ("EUR", "129.9")
    assert order.items == (OrderItem("Linen bedding set 155x220 - Sage", 1, "LL-BED-LIN-155-SAG"),
                           OrderItem("Stoneware mug 350 ml - Oat", 2, None))
    assert order.shipments[0] == Shipment(
        carrier="DHL", tracking_number="00340434161094042557", status="delivered",
        tracking_url="https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html"
                     "?piececode=00340434161094042557",
        shipped_at=datetime(2026, 11, 11, 16, 40, tzinfo=UTC), promised_by=None,
        estimated_delivery=date(2026, 11, 13),
        delivered_at=datetime(2026, 11, 13, 10, 21, tzinfo=UTC),
        events=(TrackingEvent(datetime(2026, 11, 11, 16, 40, tzinfo=UTC), "in_transit",
                              "Die Sendung wurde im Start-Paketzentrum bearbeitet.",
                              "Krefeld, Germany"),
                TrackingEvent(datetime(2026, 11, 13, 6, 55, tzinfo=UTC), "out_for_delivery",
                              "Out for delivery", None),
                TrackingEvent(datetime(2026, 11, 13, 10, 21, tzinfo=UTC), "delivered",
                              "Die Sendung wurde erfolgreich zugestellt.", "Berlin, Germany")))
    second = order.shipments[1]
    assert (second.carrier, second.status, second.shipped_at, second.estimated_delivery) == (
        "UPS", "in_transit", datetime(2026, 11, 12, 8, 30, 45, tzinfo=UTC), date(2026, 11, 24))


def test_no_order_found_is_none():
    replay = Replay("order_not_found")
    assert provider(replay.transport).find("#4040") is None
    assert replay.variables() == [{"query": 'name:"#4040"', "first": 1}]


def test_only_an_exact_name_counts():
    replay = Replay("order_found")                       # Shopify's search returned #1001
    assert provider(replay.transport).find("#100") is None


def test_throttled_waits_what_the_cost_fields_say_then_succeeds():
    replay, time = Replay("throttled_then_found"), FakeTime()
    shop = provider(replay.transport, time)
    order = shop.find("#1002")
    assert (order.number, order.status, order.market, order.shipments) == (
        "#1002", "processing", "US", ())
    assert time.slept == [pytest.approx(0.4)]            # (52 requested - 12 available) / 100
    assert len(replay.requests) == 2
    # 48 points were left for a 52-point query: the next call waits 0.04 s first
    replay.exchanges.append({"status": 200, "headers": {}, "body": {
        "data": {"orders": {"nodes": []}}, "extensions": {}}})
    assert shop.find("#1003") is None
    assert time.slept == [pytest.approx(0.4), pytest.approx(0.04)]


def test_throttle_wait_from_the_cost_fields():
    status = {"maximumAvailable": 2000.0, "currentlyAvailable": 150, "restoreRate": 100.0}
    assert throttle_wait({"requestedQueryCost": 752, "throttleStatus": status}) == 6.02
    assert throttle_wait({"requestedQueryCost": 100, "throttleStatus": status}) == 0.0
    assert throttle_wait({"requestedQueryCost": 99999, "throttleStatus": status}) == 60.0
    assert throttle_wait({"throttleStatus": status}) is None
    assert throttle_wait(None) is None


def test_429_honours_retry_after():
    replay, time = Replay("rate_limited_429"), FakeTime()
    assert provider(replay.transport, time).find("#1001") is None
    assert (time.slept, len(replay.requests)) == ([2.0], 2)


def test_still_throttled_after_the_retries_is_transient():
    throttled = Replay("throttled_then_found").exchanges[0]
    replay, time = Replay("order_not_found"), FakeTime()
    replay.exchanges = [throttled] * 4
    with pytest.raises(TransientError) as caught:
        provider(replay.transport, time).find("#1001")
    assert str(caught.value) == "Shopify still throttled or unavailable (HTTP 200) after 3 retries"
    assert (len(replay.requests), len(time.slept)) == (4, 3)


def test_401_is_a_clear_configuration_error():
    replay = Replay("unauthorized_401")
    with pytest.raises(ShopifyConfigError) as caught:
        provider(replay.transport).find("#1001")
    assert (caught.value.message, caught.value.status_code) == (
        "Shopify rejected the access token (HTTP 401): check OMNIREPLY_ORDERS__SHOPIFY_TOKEN",
        502)
    assert len(replay.requests) == 1                     # never retried


def test_timeout_is_a_transient_error():
    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(TransientError) as caught:
        provider(httpx.MockTransport(hang)).find("#1001")
    assert str(caught.value) == "Shopify did not answer within 5.0s"


def test_find_by_email_asks_for_the_email():
    replay = Replay("order_found")
    orders = provider(replay.transport).find_by_email(" anna.schmidt@example.de ")
    assert [o.number for o in orders] == ["#1001"]
    assert replay.variables() == [{"query": 'email:"anna.schmidt@example.de"', "first": 5}]


def test_late_or_stuck_pages_through_shipped_orders():
    replay = Replay("shipped_orders")
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    late = provider(replay.transport).late_or_stuck(now, 5)
    assert [o.number for o in late] == ["#1003"]         # delivered and cancelled are not
    assert replay.variables() == [
        {"query": "(fulfillment_status:shipped OR fulfillment_status:partial) AND "
                  "created_at:>=2026-09-23", "after": None},
        {"query": "(fulfillment_status:shipped OR fulfillment_status:partial) AND "
                  "created_at:>=2026-09-23",
         "after": "eyJsYXN0X2lkIjo1NjAxLCJsYXN0X3ZhbHVlIjoiMjAyNi0xMS0wOCJ9"}]


def test_missing_credentials_are_named():
    with pytest.raises(AppError) as caught:
        provider(httpx.MockTransport(lambda r: httpx.Response(200)),
                 settings=SETTINGS.model_copy(update={"shopify_token": None}))
    assert caught.value.message == ("orders.provider is shopify but "
                                     "OMNIREPLY_ORDERS__SHOPIFY_SHOP or "
                                     "OMNIREPLY_ORDERS__SHOPIFY_TOKEN is not set")
