"""The audit trail and the admin pages in a real browser (Debian chromium through
Playwright): an admin creates a user and reads the trail with an edit shown as a diff; an
agent gets a 403 page on the admin pages and no Admin link."""

from __future__ import annotations

import time

import pytest

from app.accounts.service import create_user
from app.db import unit_of_work
from tests.browser.conftest import screenshot
from tests.conftest import wait_for
from tests.factories import inbound

pytestmark = pytest.mark.browser
PASSWORD = "browser password 12"
EDIT = "\n\nPS: <b>not bold</b>, Ana"


@pytest.fixture(scope="module")
def office(sqlite_runtime, client):
    """A workspace with an admin, an agent, and one draft sent after an edit."""
    from app.workspaces.service import ensure_workspace

    slug = f"admin-browser-{time.monotonic_ns()}"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        ensure_workspace(session, slug)
        create_user(session, f"admin@{slug}.example", "Ada Admin", "admin", PASSWORD, [slug])
        create_user(session, f"agent@{slug}.example", "Ana Agent", "agent", PASSWORD, [slug])
    headers = {"X-Workspace": slug}
    ids = client.post("/v1/messages", json=inbound(text="Where is my order #1043?"),
                      headers=headers).json()

    def drafted():
        drafts = client.get("/v1/drafts?status=pending&limit=500", headers=headers).json()
        return next((d for d in drafts if d["message_id"] == ids["message_id"]), None)
    draft = wait_for(drafted)
    sent = client.post(f"/v1/drafts/{draft['id']}/approve", headers=headers,
                       json={"actor": f"agent@{slug}.example", "text": draft["text"] + EDIT})
    assert sent.status_code == 200, sent.text
    return {"slug": slug, "admin": f"admin@{slug}.example", "agent": f"agent@{slug}.example"}


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/inbox")


def test_an_admin_creates_a_user_and_reads_the_audit_trail(page, live_server, office):
    slug = office["slug"]
    sign_in(page, live_server, office["admin"])
    page.goto(f"{live_server}/admin/users?workspace={slug}")
    assert page.locator("header a[href='/admin/users']").inner_text() == "Admin"
    page.fill("#new-user input[name=email]", f"nora@{slug}.example")
    page.fill("#new-user input[name=name]", "Nora New")
    page.select_option("#new-user select[name=role]", "qa_lead")
    page.fill("#new-user input[name=password]", "twelve chars")
    page.click("#new-user button[type=submit]")
    page.wait_for_url("**done=user-created")
    assert page.locator("p.notice").inner_text() == "User created."
    assert page.locator(f"tr[data-email='nora@{slug}.example'] select").input_value() \
        == "qa_lead"
    screenshot(page, "admin-users")

    assert page.locator("header a[href='/audit']").inner_text() == "Audit"
    page.goto(f"{live_server}/audit?workspace={slug}")
    entries = page.locator("tr.entry")
    assert entries.count() == 2
    assert entries.nth(0).get_attribute("data-action") == "user.create"
    assert entries.nth(0).locator(".summary").inner_text() == (
        f"created user Nora New with role qa_lead (workspaces: {slug})")
    edit = entries.nth(1)
    assert edit.get_attribute("data-action") == "draft.edit"
    assert edit.locator(".diff ins").inner_text() == EDIT
    assert edit.locator(".diff b").count() == 0  # the added markup is text, not HTML
    screenshot(page, "audit")
    page.select_option("#action-filter", "draft")
    page.click("text=Apply")
    page.wait_for_url("**action=draft**")
    assert page.locator("tr.entry").count() == 1


def test_an_agent_gets_a_403_page_on_the_admin_pages_and_no_admin_link(page, live_server,
                                                                      office):
    sign_in(page, live_server, office["agent"])
    page.goto(f"{live_server}/inbox?workspace={office['slug']}")
    assert page.locator("table.inbox").count() == 1
    assert page.locator("a[href='/admin/users']").count() == 0
    assert page.locator("a[href='/audit']").count() == 0
    response = page.goto(f"{live_server}/admin/users?workspace={office['slug']}")
    assert response.status == 403
    assert page.locator("#refusal-message").inner_text() == (
        "Your role (agent) may not open the admin pages (admins only). "
        "Ask an admin if you need it.")
    assert page.locator("a[href='/admin/users']").count() == 0
    screenshot(page, "admin-403-agent")
