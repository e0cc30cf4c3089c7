"""Replay recorded Shopify responses (tests/orders/recordings/*.json) through
httpx.MockTransport: no network. Each request takes the next recorded exchange."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from pydantic import SecretStr

from app.config import OrdersSettings
from app.orders.shopify import ShopifyOrderProvider

RECORDINGS = Path(__file__).resolve().parent / "recordings"


class Replay:
    def __init__(self, name: str) -> None:
        data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
        self.exchanges = list(data["exchanges"])
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        exchange = self.exchanges.pop(0)
        return httpx.Response(exchange["status"], headers=exchange["headers"],
                              json=exchange["body"])

    def variables(self) -> list[dict]:
        return [json.loads(r.content)["variables"] for r in self.requests]


class FakeTime:
    """A clock that only moves when slept on, so waits are recorded, never waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


SETTINGS = OrdersSettings(provider="shopify", shopify_shop="lumen-loom",
                          shopify_token=SecretStr("shpat_test"), shopify_api_version="2026-10",
                          timeout_seconds=5, max_retries=3)


def provider(transport: httpx.BaseTransport, time: FakeTime | None = None,
             settings: OrdersSettings = SETTINGS) -> ShopifyOrderProvider:
    time = time or FakeTime()
    return ShopifyOrderProvider.from_settings(settings, transport, sleep=time.sleep,
                                              clock=time.clock)
