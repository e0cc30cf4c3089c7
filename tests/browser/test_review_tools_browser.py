"""The reviewer's tools in a real browser: the inbox updates itself, the length counter
counts as each platform does, sources open to their passage, regenerate after a triage
correction, and taking a conversation puts it under "Mine"."""

from __future__ import annotations

import time

import pytest

from app.accounts.service import create_user
from app.db import unit_of_work
from app.drafting.length import measure
from tests.browser.conftest import screenshot
from tests.conftest import wait_for
from tests.factories import inbound

pytestmark = pytest.mark.browser
PASSWORD = "browser password 2"
RETURN_OPENING = "Thank you for getting in touch about returning your item."


@pytest.fixture(scope="module")
def reviewer(sqlite_runtime, kb_workspace):
    """An agent of the workspace whose knowledge base is indexed."""
    email = f"rita-{time.monotonic_ns()}@shop.example"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        create_user(session, email, "Rita Reviewer", "agent", PASSWORD, [kb_workspace])
    return email


def _sign_in(page, live_server, email: str, workspace: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/inbox?workspace={workspace}")


def _message(client, workspace: str, **fields) -> dict:
    n = time.monotonic_ns()
    fields = {"order_id": f"LL-{n % 10**6:06d}"} | fields  # a new customer, not #1043's
    response = client.post("/v1/messages", json=inbound(customer={
        "handle": f"buyer-{n}", "name": f"Buyer {n}", "email": None, "phone": None},
        **fields), headers={"X-Workspace": workspace})
    assert response.status_code == 202, response.text
    ids = response.json() | {"name": f"Buyer {n}"}

    def drafted():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": workspace}).json()
        return next((d for d in drafts if d["message_id"] == ids["message_id"]), None)
    return ids | {"draft": wait_for(drafted)}


SAMPLES = ["Hello, your parcel left Venlo today.", "Grüße aus Köln – danke! " * 8,
           "ご注文ありがとうございます。" * 6, "Track it: https://track.example/abc?x=1 🙂",
           "Price: 10€ {gift}"]


def test_the_counter_counts_as_the_server_does(page, live_server, client, kb_workspace,
                                               reviewer):
    _sign_in(page, live_server, reviewer, kb_workspace)
    for unit in ("chars", "gsm_segments", "x_weighted"):
        counted = page.evaluate("([texts, unit]) => texts.map((t) => window.omnireplyMeasure"
                                "(t, unit))", [SAMPLES, unit])
        assert counted == [measure(text, unit) for text in SAMPLES], unit
    sms = _message(client, kb_workspace, channel="sms",
                   text="Where is my order #1043? No tracking yet.")
    page.goto(f"{live_server}/conversations/{sms['conversation_id']}?workspace={kb_workspace}")
    page.fill("#draft-text", "Ihr Paket ist unterwegs. " * 14)  # 350 GSM-7 characters
    assert page.inner_text("#counter") == "3 / 2 SMS segments on sms — 1 over the limit"
    assert "over" in page.get_attribute("#counter", "class")
    page.fill("#draft-text", "Ihr Paket ist unterwegs.")
    assert page.inner_text("#counter") == "1 / 2 SMS segments on sms"


def test_the_inbox_shows_a_new_message_without_reloading(page, live_server, client,
                                                         kb_workspace, reviewer):
    _sign_in(page, live_server, reviewer, kb_workspace)
    assert page.is_visible("#live")
    page.evaluate("window.notReloaded = true")
    new = _message(client, kb_workspace, text="Can I pay by bank transfer?")
    page.wait_for_selector(f"tr.row:has-text('{new['name']}')", timeout=20_000)
    assert page.evaluate("window.notReloaded") is True


def test_sources_open_and_regenerate_follows_the_corrected_intent(page, live_server, client,
                                                                  kb_workspace, reviewer):
    ids = _message(client, kb_workspace, text="Where is my order #1043? No tracking yet.")
    _sign_in(page, live_server, reviewer, kb_workspace)
    page.goto(f"{live_server}/conversations/{ids['conversation_id']}?workspace={kb_workspace}")
    source = page.locator("details.citation").first
    assert not source.locator(".passage").is_visible()
    source.locator("summary").click()
    assert source.locator(".passage").is_visible()
    assert len(source.locator(".passage").inner_text()) > 40
    screenshot(page, "conversation-sources")

    page.locator("details.correct summary").first.click()
    page.select_option("details.correct select[name=intent]", "return_request")
    page.locator("details.correct button[type=submit]").first.click()
    page.wait_for_load_state()
    page.click("#regenerate")
    page.wait_for_function("document.querySelector('#draft-text').value.includes("
                           f"{RETURN_OPENING!r})")


def test_taking_a_conversation_puts_it_under_mine(page, live_server, client, kb_workspace,
                                                  reviewer):
    ids = _message(client, kb_workspace, text="Do you ship to Norway?")
    _sign_in(page, live_server, reviewer, kb_workspace)
    page.goto(f"{live_server}/inbox?workspace={kb_workspace}&view=unassigned")
    assert page.locator(f"tr.row:has-text('{ids['name']}')").count() == 1
    page.goto(f"{live_server}/conversations/{ids['conversation_id']}?workspace={kb_workspace}")
    page.click("#take")
    page.wait_for_load_state()
    assert page.locator("#assignee option:checked").inner_text() == "Rita Reviewer (me)"
    page.goto(f"{live_server}/inbox?workspace={kb_workspace}&view=mine")
    rows = page.locator("tr.row")
    assert rows.count() == 1 and ids["name"] in rows.first.inner_text()
    assert "Rita Reviewer" in rows.first.inner_text()
