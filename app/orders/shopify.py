"""Orders from a Shopify store through the Admin GraphQL API.

Credentials: a custom app's Admin API access token (``shpat_...``) with the ``read_orders``
scope (orders older than 60 days also need ``read_all_orders``; the customer's email and
shipping address are protected customer data the app must be granted), and the shop's
``*.myshopify.com`` domain; settings ``OMNIREPLY_ORDERS__SHOPIFY_SHOP``, ``..._TOKEN``,
``..._API_VERSION`` (a supported quarterly version such as 2026-10). Limits: the calculated
query cost bucket per app and store (see ``shopify_client``); one order lookup costs a few
dozen points.

Mapping: an order's name (``#1001``) is its number; fulfillments are shipments (tracking
company, number and URL from ``trackingInfo``, carrier events from ``events``); each
fulfillment's ``displayStatus`` and each event's ``status`` map to ``ORDER_STATES``; the
order's state is ``cancelled`` when cancelled, else taken from its shipments
(``checks.overall_status``), ``processing`` while nothing has shipped. Shopify keeps no
delivery date promised at checkout, so ``promised_by`` stays empty and only the carrier's
``estimatedDeliveryAt`` is known.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import httpx

from app.config import OrdersSettings
from app.errors import AppError
from app.orders.checks import is_late_or_stuck, overall_status
from app.orders.ports import Order, OrderItem, Shipment, TrackingEvent
from app.orders.shopify_client import ShopifyClient

ORDER_FIELDS = """
fragment OrderFields on Order {
  name email createdAt cancelledAt displayFulfillmentStatus
  totalPriceSet { shopMoney { amount currencyCode } }
  shippingAddress { name zip countryCodeV2 }
  lineItems(first: 20) { nodes { title quantity sku } }
  fulfillments(first: 5) {
    displayStatus createdAt inTransitAt deliveredAt estimatedDeliveryAt
    trackingInfo(first: 1) { company number url }
    events(first: 20) { nodes { happenedAt status message city country } }
  }
}
"""
FIND = ORDER_FIELDS + """
query FindOrders($query: String!, $first: Int!) {
  orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes { ...OrderFields }
  }
}
"""
SHIPPED = ORDER_FIELDS + """
query ShippedOrders($query: String!, $after: String) {
  orders(first: 50, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { ...OrderFields }
    pageInfo { hasNextPage endCursor }
  }
}
"""

DISPLAY_STATUS = {
    "SUBMITTED": "processing", "CONFIRMED": "shipped", "LABEL_PURCHASED": "shipped",
    "LABEL_PRINTED": "shipped", "FULFILLED": "shipped", "MARKED_AS_FULFILLED": "shipped",
    "CARRIER_PICKED_UP": "in_transit", "IN_TRANSIT": "in_transit",
    "OUT_FOR_DELIVERY": "out_for_delivery", "ATTEMPTED_DELIVERY": "out_for_delivery",
    "READY_FOR_PICKUP": "out_for_delivery", "PICKED_UP": "delivered",
    "DELIVERED": "delivered", "DELAYED": "delayed", "FAILURE": "delayed",
    "NOT_DELIVERED": "delayed", "CANCELED": "cancelled", "LABEL_VOIDED": "cancelled",
}
EVENT_STATUS = {**DISPLAY_STATUS, "RETURNING_TO_SENDER": "returned_to_sender",
                "BUYER_ACTION_REQUIRED": "delayed", "READY_FOR_RECIPIENT_PICKUP":
                "out_for_delivery"}
LOOKBACK_DAYS = 60   # what read_orders sees without read_all_orders
MAX_PAGES = 20


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _day(value: str | None) -> date | None:
    moment = _time(value)
    return moment.date() if moment else None


def _event(node: dict) -> TrackingEvent:
    place = ", ".join(p for p in (node.get("city"), node.get("country")) if p)
    status = EVENT_STATUS.get(node["status"], "in_transit")
    return TrackingEvent(at=_time(node["happenedAt"]), status=status,
                         description=node.get("message") or node["status"].replace("_", " ")
                         .capitalize(), location=place or None)


def to_shipment(node: dict) -> Shipment:
    infos = node.get("trackingInfo") or []
    tracking = infos[0] if infos else {}
    events = sorted((_event(e) for e in node["events"]["nodes"]), key=lambda e: e.at)
    return Shipment(
        carrier=tracking.get("company") or "unknown", tracking_number=tracking.get("number")
        or "", status=DISPLAY_STATUS.get(node.get("displayStatus") or "", "shipped"),
        tracking_url=tracking.get("url"),
        shipped_at=_time(node.get("inTransitAt")) or _time(node["createdAt"]),
        estimated_delivery=_day(node.get("estimatedDeliveryAt")),
        delivered_at=_time(node.get("deliveredAt")), events=tuple(events))


def to_order(node: dict) -> Order:
    shipments = tuple(to_shipment(f) for f in node.get("fulfillments") or [])
    address = node.get("shippingAddress") or {}
    money = (node.get("totalPriceSet") or {}).get("shopMoney") or {}
    return Order(
        number=node["name"], source="shopify", marketplace="shopify",
        market=address.get("countryCodeV2") or "", placed_at=_time(node["createdAt"]),
        status="cancelled" if node.get("cancelledAt") else overall_status(shipments),
        email=node.get("email"), postcode=address.get("zip"),
        customer_name=address.get("name"),
        items=tuple(OrderItem(i["title"], i["quantity"], i.get("sku"))
                    for i in node["lineItems"]["nodes"]),
        shipments=shipments, currency=money.get("currencyCode"), total=money.get("amount"))


def _quoted(value: str) -> str:
    """A value for Shopify's search syntax, quoted; quotes and backslashes dropped."""
    return '"' + value.replace("\\", "").replace('"', "") + '"'


class ShopifyOrderProvider:
    name = "shopify"

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    @classmethod
    def from_settings(cls, settings: OrdersSettings,
                      transport: httpx.BaseTransport | None = None,
                      **client_options) -> ShopifyOrderProvider:
        if not settings.shopify_shop or not settings.shopify_token:
            raise AppError("orders.provider is shopify but OMNIREPLY_ORDERS__SHOPIFY_SHOP or "
                           "OMNIREPLY_ORDERS__SHOPIFY_TOKEN is not set", 500)
        return cls(ShopifyClient(settings.shopify_shop,
                                 settings.shopify_token.get_secret_value(),
                                 settings.shopify_api_version, settings.timeout_seconds,
                                 settings.max_retries, transport, **client_options))

    def find(self, number: str) -> Order | None:
        """The order named ``number`` (Shopify's search also matches similar names, so only
        an exact name counts)."""
        data = self.client.query(FIND, {"query": f"name:{_quoted(number)}", "first": 1})
        nodes = [n for n in data["orders"]["nodes"] if n["name"] == number]
        return to_order(nodes[0]) if nodes else None

    def find_by_email(self, email: str, limit: int = 5) -> list[Order]:
        """The customer's latest orders by the email on the order, newest first."""
        data = self.client.query(FIND, {"query": f"email:{_quoted(email.strip())}",
                                        "first": limit})
        return [to_order(node) for node in data["orders"]["nodes"]]

    def late_or_stuck(self, now: datetime, quiet_days: int) -> list[Order]:
        since = (now - timedelta(days=LOOKBACK_DAYS)).date().isoformat()
        search = ("(fulfillment_status:shipped OR fulfillment_status:partial) AND "
                  f"created_at:>={since}")
        found, after = [], None
        for _ in range(MAX_PAGES):
            page = self.client.query(SHIPPED, {"query": search, "after": after})["orders"]
            found += [o for o in map(to_order, page["nodes"])
                      if is_late_or_stuck(o, now, quiet_days)]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        return found
