"""The agents' UI in a real browser (Debian chromium through Playwright): sign in, the inbox,
filters, a conversation, edit and send, reject, approve with the keyboard, the timeline,
and customer text that tries to run script."""

from __future__ import annotations

import time

import pytest

from app.accounts.service import create_user
from app.db import unit_of_work
from tests.browser.conftest import screenshot
from tests.conftest import wait_for
from tests.factories import inbound

pytestmark = pytest.mark.browser
PASSWORD = "browser password 1"


@pytest.fixture(scope="module")
def shop(sqlite_runtime, client):
    """A workspace with three messages (one hostile) whose drafts are ready, and an agent."""
    slug = f"browser-{time.monotonic_ns()}"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        from app.workspaces.service import ensure_workspace

        ensure_workspace(session, slug)
        create_user(session, f"agent@{slug}.example", "Ana Agent", "agent", PASSWORD, [slug])
    texts = [("email", "Where is my order #1043? No tracking yet."),
             ("amazon", "Ich möchte den Teppich zurückgeben. Wie geht das?"),
             ("web_chat", 'Hi <img src=x onerror="document.title=\'pwned\'"> '
                          '<script>document.title="pwned"</script> can I return a lamp?')]
    ids = []
    for n, (channel, text) in enumerate(texts):
        response = client.post("/v1/messages", json=inbound(
            channel=channel, text=text, order_id=f"LL-90000{n}", customer={
                "handle": f"{slug}-buyer-{n}", "name": f"Buyer {n}", "email": None,
                "phone": None}), headers={"X-Workspace": slug})
        assert response.status_code == 202, response.text
        ids.append(response.json())

    def drafted():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": slug}).json()
        mine = {d["message_id"] for d in drafts}
        return all(i["message_id"] in mine for i in ids) or None
    wait_for(drafted)
    return {"slug": slug, "email": f"agent@{slug}.example", "ids": ids}


def sign_in(page, live_server, shop):
    page.goto(f"{live_server}/inbox?workspace={shop['slug']}")
    assert page.url.endswith("/login")
    page.fill("input[name=email]", shop["email"])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server}/inbox?workspace={shop['slug']}")


def test_inbox_filters_and_opens_a_conversation(page, live_server, shop):
    sign_in(page, live_server, shop)
    assert page.locator("table.inbox tbody tr.row").count() == 3
    screenshot(page, "inbox")
    page.select_option("#channel-filter", "amazon")
    page.click("text=Apply")
    assert page.locator("table.inbox tbody tr.row").count() == 1
    page.click("table.inbox tbody tr.row >> a")
    assert "/conversations/" in page.url
    assert page.locator("#draft-text").input_value().startswith("Guten Tag")
    screenshot(page, "conversation")


def test_edit_and_send_then_the_timeline_shows_the_reply(page, live_server, shop):
    sign_in(page, live_server, shop)
    conversation = shop["ids"][0]["conversation_id"]
    page.goto(f"{live_server}/conversations/{conversation}?workspace={shop['slug']}")
    text = page.locator("#draft-text")
    text.fill(text.input_value() + "\n\nAna")
    counted = len(text.input_value())
    assert page.locator("[data-counter]").inner_text() == f"{counted} / 10000 characters on email"
    page.click("#approve")
    page.wait_for_url(f"**/conversations/{conversation}**")
    outbound = page.locator("article.msg.outbound .text")
    assert outbound.count() == 1 and outbound.inner_text().endswith("Ana")
    assert page.locator("#draft-text").count() == 0


def test_reject_with_a_reason_and_approve_with_the_keyboard(page, live_server, shop):
    sign_in(page, live_server, shop)
    second = shop["ids"][1]["conversation_id"]
    page.goto(f"{live_server}/conversations/{second}?workspace={shop['slug']}")
    page.fill("#reject-reason", "wrong policy")
    page.click("#reject")
    page.wait_for_url(f"**/conversations/{second}**")
    assert page.locator("#draft-text").count() == 0

    third = shop["ids"][2]["conversation_id"]
    page.goto(f"{live_server}/conversations/{third}?workspace={shop['slug']}")
    page.keyboard.press("a")
    page.wait_for_selector("article.msg.outbound")
    assert page.locator("article.msg.outbound").count() == 1


def test_customer_text_cannot_run_script(page, live_server, shop):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, live_server, shop)
    third = shop["ids"][2]["conversation_id"]
    page.goto(f"{live_server}/conversations/{third}?workspace={shop['slug']}")
    page.wait_for_load_state("load")
    assert page.title() != "pwned" and dialogs == []
    assert page.locator("article.msg .text img").count() == 0
    assert "<script>" in page.locator("article.msg.inbound .text").first.inner_text()


def test_the_inbox_is_usable_on_a_phone(browser, live_server, shop):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, shop)
        assert page.locator("table.inbox").is_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, "inbox-390px")
        assert width <= 420
    finally:
        context.close()


def test_an_agent_cannot_reach_the_leads_pages(page, live_server, shop):
    sign_in(page, live_server, shop)
    response = page.goto(f"{live_server}/analytics?workspace={shop['slug']}")
    assert response.status == 403
    assert "may not see the analytics" in page.content()
    assert page.locator("a[href='/analytics']").count() == 0
