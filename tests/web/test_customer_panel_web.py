"""The customer panel's forms over HTTP: tags and notes change with the session's CSRF token
only, go back to the conversation, show as text, and a note is deleted by its author."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from tests.conversations.panel import audit_events, make_customer

PASSWORD = "a long password 1"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture()
def sign_in(sqlite_runtime):
    """Sign in a new user of this role; the clients are closed after the test."""
    opened = []

    def signed_in(role: str = "agent") -> tuple[TestClient, str]:
        email = f"{role}-{time.monotonic_ns()}@shop.example"
        with unit_of_work(sqlite_runtime.session_factory) as session:
            create_user(session, email, role.title(), role, PASSWORD, ["*"])
        web = TestClient(create_app(runtime=sqlite_runtime), follow_redirects=False)
        web.__enter__()
        opened.append(web)
        done = web.post("/login", data={"email": email, "password": PASSWORD,
                                        "csrf": _csrf(web.get("/login").text)})
        assert done.status_code == 303
        return web, email

    yield signed_in
    for web in opened:
        web.__exit__(None, None, None)


def _form(web: TestClient, customer_id: int, conversation_id: int, workspace: str,
          path: str, **fields):
    page = web.get(f"/conversations/{conversation_id}?workspace={workspace}")
    data = {"csrf": _csrf(page.text), "conversation_id": conversation_id,
            "workspace": workspace, **fields}
    return web.post(f"/customers/{customer_id}/{path}", data=data)


def _panel(html: str) -> str:
    return html[html.index('<section class="customer-panel"'):html.index("</section>")]


def test_an_agent_tags_and_notes_a_customer_from_the_conversation(sign_in, sqlite_runtime,
                                                                  workspace):
    customer_id, (first, second) = make_customer(sqlite_runtime, workspace,
                                               channels=("email", "web_chat"))
    ana, ana_email = sign_in()
    back = f"/conversations/{first}?workspace={workspace}"
    tagged = _form(ana, customer_id, first, workspace, "tags", tag=" VIP ")
    noted = _form(ana, customer_id, first, workspace, "notes",
                  text="Angry last time <img src=x onerror=alert(1)>")
    assert (tagged.status_code, tagged.headers["location"]) == (303, back)
    assert (noted.status_code, noted.headers["location"]) == (303, back)
    other_channel = _panel(ana.get(f"/conversations/{second}?workspace={workspace}").text)
    assert '<span class="chip tag tag-vip">vip<button' in other_channel
    assert "Angry last time &lt;img src=x onerror=alert(1)&gt;</div>" in other_channel
    assert "<img src=x" not in other_channel
    assert f'href="/conversations/{first}?workspace={workspace}"' in other_channel
    inbox = ana.get(f"/inbox?workspace={workspace}").text
    assert inbox.count('<tr class="row urgency-normal vip"') == 2
    assert inbox.count('<span class="chip tag tag-vip">vip</span>') == 2
    removed = _form(ana, customer_id, second, workspace, "tags/remove", tag="vip")
    assert removed.status_code == 303
    assert "No tags yet." in _panel(ana.get(back).text)
    assert [(actor, action) for actor, action, _, _ in audit_events(sqlite_runtime, workspace)] == [
        (ana_email, "customer.tags"), (ana_email, "customer.note_add"),
        (ana_email, "customer.tags")]


def test_only_the_author_or_an_admin_sees_and_uses_delete(sign_in, sqlite_runtime,
                                                          workspace):
    customer_id, (conversation,) = make_customer(sqlite_runtime, workspace)
    ana, _ = sign_in()
    ben, _ = sign_in()
    admin, admin_email = sign_in("admin")
    _form(ana, customer_id, conversation, workspace, "notes", text="Ana's note")
    page = f"/conversations/{conversation}?workspace={workspace}"
    note_id = int(re.search(r'data-note-id="(\d+)"', ana.get(page).text).group(1))
    delete = f"notes/{note_id}/delete"
    assert "note-delete" in _panel(ana.get(page).text)
    assert "note-delete" not in _panel(ben.get(page).text)
    refused = _form(ben, customer_id, conversation, workspace, delete)
    assert refused.status_code == 403
    assert "Ana&#39;s note" in _panel(ana.get(page).text)
    assert "note-delete" in _panel(admin.get(page).text)
    assert _form(admin, customer_id, conversation, workspace, delete).status_code == 303
    assert "No notes yet." in _panel(ana.get(page).text)
    assert audit_events(sqlite_runtime, workspace)[-1][:2] == (admin_email, "customer.note_delete")


def test_a_panel_form_without_the_session_token_changes_nothing(sign_in, sqlite_runtime,
                                                                workspace):
    customer_id, (conversation,) = make_customer(sqlite_runtime, workspace)
    ana, _ = sign_in()
    forged = ana.post(f"/customers/{customer_id}/tags", data={
        "csrf": "forged", "conversation_id": conversation, "workspace": workspace,
        "tag": "vip"})
    assert forged.status_code == 403
    assert "CSRF" in forged.json()["error"]["message"]
    assert audit_events(sqlite_runtime, workspace) == []


def test_a_customer_of_another_workspace_is_not_found(sign_in, sqlite_runtime, workspace):
    customer_id, (conversation,) = make_customer(sqlite_runtime, workspace)
    other = f"other-{time.monotonic_ns()}"
    make_customer(sqlite_runtime, other, handle="someone@example.com")
    ana, _ = sign_in()
    page = ana.get(f"/conversations/{conversation}?workspace={workspace}")
    response = ana.post(f"/customers/{customer_id}/tags", data={
        "csrf": _csrf(page.text), "conversation_id": conversation, "workspace": other,
        "tag": "vip"})
    assert (response.status_code, response.json()) == (
        404, {"error": {"message": f"customer {customer_id} not found"}})
