"""Plain factory functions for test payloads."""

from __future__ import annotations

import itertools

_ids = itertools.count(1)


def inbound(**overrides) -> dict:
    """A valid POST /v1/messages payload; override any field."""
    n = next(_ids)
    payload = {
        "channel": "email",
        "external_id": f"test-{n}",
        "visibility": "private",
        "market": "DE",
        "customer": {"handle": f"buyer{n}@example.com", "name": "Jonas Weber",
                     "email": f"buyer{n}@example.com", "phone": None},
        "text": "Hello, where is my order #1043? I ordered last Monday and have no tracking.",
        "order_id": "#1043",
        "sent_at": "2026-11-20T08:14:00Z",
    }
    customer = overrides.pop("customer", None)
    payload.update(overrides)
    if customer is not None:
        payload["customer"] = {**payload["customer"], **customer}
    return payload
