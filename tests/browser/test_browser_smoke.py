"""Smoke test of the browser-test setup: chromium opens a page served by the live app."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_health_page_opens_in_chromium(live_server, page):
    response = page.goto(f"{live_server}/health")
    assert response is not None and response.ok
    body = page.inner_text("body")
    assert '"status":"ok"' in body.replace(" ", "")
    assert screenshot(page, "smoke-health").stat().st_size > 0
