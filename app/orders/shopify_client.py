"""A small client for Shopify's Admin GraphQL API that keeps to its rate limits.

Shopify limits GraphQL calls by *calculated query cost* per app and store: a leaky bucket of
points (``extensions.cost.throttleStatus``: ``maximumAvailable``, ``currentlyAvailable``,
``restoreRate`` points per second; 100/s on Standard plans up to 2000/s on Enterprise). A
query runs only when the bucket holds its ``requestedQueryCost``; otherwise Shopify answers
HTTP 200 with an error whose ``extensions.code`` is ``THROTTLED``. Some limits answer HTTP 429
with ``Retry-After``. This client

- waits ``(requestedQueryCost - currentlyAvailable) / restoreRate`` seconds after a THROTTLED
  answer and tries again, and waits before the next call when the last answer left too few
  points for the same query again;
- waits ``Retry-After`` (else an exponential backoff) after a 429 or a 5xx;
- gives up after ``max_retries`` with a ``TransientError`` (tasks retry those later);
- raises ``TransientError`` at once on a timeout or a network failure (no retry: the bot
  answers a customer and must not hang);
- raises ``ShopifyConfigError`` (an ``AppError``) on 401, 403 and 404: a wrong token, a
  missing scope, or a wrong shop domain or API version — retrying cannot help.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from app.errors import AppError, TransientError

MAX_WAIT_SECONDS = 60.0


class ShopifyConfigError(AppError):
    """Shopify refused the credentials or the address: fix the settings."""


def throttle_wait(cost: dict | None) -> float | None:
    """Seconds until the bucket holds the query's cost again, from ``extensions.cost``;
    None when the cost fields are missing."""
    status = (cost or {}).get("throttleStatus") or {}
    requested = (cost or {}).get("requestedQueryCost")
    available, rate = status.get("currentlyAvailable"), status.get("restoreRate")
    if requested is None or available is None or not rate:
        return None
    return min(max(0.0, (float(requested) - float(available)) / float(rate)), MAX_WAIT_SECONDS)


def backoff(attempt: int) -> float:
    return min(2.0 ** attempt, 30.0)


def retry_after(response: httpx.Response) -> float | None:
    try:
        return min(float(response.headers["Retry-After"]), MAX_WAIT_SECONDS)
    except (KeyError, ValueError):
        return None


def _messages(errors: object) -> str:
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                         for e in errors)
    return str(errors)


def _throttled(errors: object) -> bool:
    return isinstance(errors, list) and any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
        for e in errors)


_CONFIG = {
    401: "Shopify rejected the access token (HTTP 401): check OMNIREPLY_ORDERS__SHOPIFY_TOKEN",
    403: "Shopify refused access (HTTP 403): the app needs the read_orders scope",
    404: "no Shopify Admin API at {url} (HTTP 404): check OMNIREPLY_ORDERS__SHOPIFY_SHOP and "
         "OMNIREPLY_ORDERS__SHOPIFY_API_VERSION",
}


class ShopifyClient:
    def __init__(self, shop: str, token: str, api_version: str, timeout: float,
                 max_retries: int = 3, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        domain = shop if "." in shop else f"{shop}.myshopify.com"
        self.url = f"https://{domain}/admin/api/{api_version}/graphql.json"
        self.max_retries = max_retries
        self.waits: list[float] = []   # every wait, in seconds (what tests and logs read)
        self._sleep, self._clock = sleep, clock
        self._not_before = 0.0
        self._http = httpx.Client(
            timeout=timeout, transport=transport,
            headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"})

    def close(self) -> None:
        self._http.close()

    def _wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self._sleep(seconds)

    def _post(self, payload: dict) -> httpx.Response:
        pause = self._not_before - self._clock()
        if pause > 0:
            self._wait(pause)
        try:
            return self._http.post(self.url, json=payload)
        except httpx.TimeoutException:
            raise TransientError(f"Shopify did not answer within "
                                 f"{self._http.timeout.read}s") from None
        except httpx.TransportError as exc:
            raise TransientError(f"Shopify could not be reached: {exc}") from None

    def query(self, document: str, variables: dict) -> dict:
        """Run one GraphQL query and return its ``data``."""
        payload = {"query": document, "variables": variables}
        for attempt in range(self.max_retries + 1):
            response = self._post(payload)
            wait = self._check(response, attempt)
            if wait is None:
                return response.json()["data"]
            if attempt < self.max_retries:
                self._wait(wait)
        raise TransientError(f"Shopify still throttled or unavailable (HTTP "
                             f"{response.status_code}) after {self.max_retries} retries")

    def _check(self, response: httpx.Response, attempt: int) -> float | None:
        """None when the response holds data; else how long to wait before trying again."""
        if response.status_code in _CONFIG:
            raise ShopifyConfigError(_CONFIG[response.status_code].format(url=self.url), 502)
        if response.status_code == 429 or response.status_code >= 500:
            return retry_after(response) or backoff(attempt)
        if response.status_code != 200:
            raise AppError(f"Shopify answered HTTP {response.status_code}: "
                           f"{response.text[:200]}", 502)
        body = response.json()
        cost = (body.get("extensions") or {}).get("cost")
        if _throttled(body.get("errors")):
            return throttle_wait(cost) or backoff(attempt)
        if body.get("errors"):
            raise AppError(f"Shopify query failed: {_messages(body['errors'])}", 502)
        self._remember(cost)
        return None

    def _remember(self, cost: dict | None) -> None:
        """After a success: if the bucket could not pay for the same query again, hold the
        next call until it can."""
        wait = throttle_wait(cost)
        if wait:
            self._not_before = self._clock() + wait
