"""The customer panel in a real browser (Debian chromium through Playwright): an agent tags a
customer VIP and writes a note in one conversation, and finds both in the same customer's
conversation on another channel; a note that looks like HTML stays text; the panel fits a
phone."""

from __future__ import annotations

import time

import pytest

from app.accounts.service import create_user
from app.conversations.models import Conversation
from app.db import unit_of_work
from app.workspaces.service import ensure_workspace
from tests.browser.conftest import screenshot
from tests.factories import inbound

pytestmark = pytest.mark.browser
PASSWORD = "browser password 2"
HOSTILE = "Prefers e-mail <img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def customer(sqlite_runtime, client):
    """One customer who wrote by e-mail (case closed since) and then in the web chat."""
    slug = f"panel-{time.monotonic_ns()}"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        ensure_workspace(session, slug)
        create_user(session, f"agent@{slug}.example", "Pia Panel", "agent", PASSWORD, [slug])
    person = {"handle": f"mia@{slug}.example", "name": "Mia Jensen",
              "email": f"mia@{slug}.example", "phone": None}
    first = _ingest(client, slug, inbound(channel="email", customer=person,
                                          text="My lamp arrived broken."))
    with unit_of_work(sqlite_runtime.session_factory) as session:
        session.get(Conversation, first["conversation_id"]).status = "closed"  # resolved
    second = _ingest(client, slug, inbound(channel="web_chat", customer={
        **person, "handle": f"chat-{slug}"}, text="Hi again, a question about returns."))
    assert first["customer_id"] == second["customer_id"]
    assert first["conversation_id"] != second["conversation_id"]
    return {"slug": slug, "email": f"agent@{slug}.example", "first": first["conversation_id"],
            "second": second["conversation_id"]}


def _ingest(client, slug: str, payload: dict) -> dict:
    response = client.post("/v1/messages", json=payload, headers={"X-Workspace": slug})
    assert response.status_code == 202, response.text
    return response.json()


def _sign_in(page, live_server, customer) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", customer["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/inbox")


def test_a_vip_tag_and_a_note_follow_the_customer_across_channels(page, live_server,
                                                                  customer):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _sign_in(page, live_server, customer)
    slug = customer["slug"]
    page.goto(f"{live_server}/conversations/{customer['first']}?workspace={slug}")
    page.fill("#tag-input", "VIP")
    page.click("#add-tag")
    page.wait_for_selector(".customer-panel .chip.tag-vip")
    page.fill("#note-text", HOSTILE)
    page.click("#add-note")
    page.wait_for_selector(".cp-note-list li.note")
    assert page.locator(".customer-panel .chip.tag").all_inner_texts() == ["vip×"]

    page.click(f".cp-conversations a[href*='/conversations/{customer['second']}?']")
    page.wait_for_url(f"**/conversations/{customer['second']}?**")
    page.wait_for_load_state("load")
    assert page.locator(".customer-panel .chip.tag-vip").inner_text() == "vip×"
    notes = page.locator(".cp-note-list li.note .text")
    assert notes.all_inner_texts() == [HOSTILE]
    assert page.locator(".customer-panel img").count() == 0 and dialogs == []
    assert page.locator(".cp-note-list .note-meta").inner_text().startswith(customer["email"])
    screenshot(page, "customer-panel")

    page.goto(f"{live_server}/inbox?workspace={slug}")
    assert page.locator("table.inbox tr.row.vip .chip.tag-vip").count() == 2
    screenshot(page, "inbox-vip")


def test_the_panel_is_usable_on_a_phone(browser, live_server, customer):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _sign_in(page, live_server, customer)
        page.goto(f"{live_server}/conversations/{customer['second']}"
                  f"?workspace={customer['slug']}")
        page.fill("#tag-input", "wholesale")
        page.click("#add-tag")
        page.wait_for_selector(".customer-panel .chip.tag-wholesale")
        assert page.locator("#note-text").is_visible()
        assert page.locator("#add-note").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "customer-panel-390px")
        assert width <= 420
    finally:
        context.close()
