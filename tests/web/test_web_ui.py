"""The agents' web UI over HTTP: sign-in, CSRF, the inbox, a conversation, approve once,
customer text rendered as text."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from tests.conftest import wait_for
from tests.factories import inbound

PASSWORD = "a long password 1"


def _user(runtime, role: str, workspaces: list[str]) -> str:
    email = f"{role}-{next(_n)}@shop.example"
    with unit_of_work(runtime.session_factory) as session:
        create_user(session, email, role.title(), role, PASSWORD, workspaces)
    return email


_n = iter(range(10_000))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _signed_in(runtime, role: str = "agent", workspaces: list[str] | None = None):
    web = TestClient(create_app(runtime=runtime), follow_redirects=False)
    web.__enter__()
    email = _user(runtime, role, workspaces or ["*"])
    form = web.get("/login")
    done = web.post("/login", data={"email": email, "password": PASSWORD,
                                    "csrf": _csrf(form.text)})
    assert done.status_code == 303 and done.headers["location"] == "/inbox"
    return web


@pytest.fixture()
def agent(sqlite_runtime):
    web = _signed_in(sqlite_runtime)
    yield web
    web.__exit__(None, None, None)


def test_pages_need_a_signed_in_user(client):
    assert client.get("/inbox", headers={"Authorization": ""},
                      follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login")
    assert page.status_code == 200 and "Sign in" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_a_wrong_password_or_a_forged_form_does_not_sign_in(sqlite_runtime):
    with TestClient(create_app(runtime=sqlite_runtime), follow_redirects=False) as web:
        email = _user(sqlite_runtime, "agent", ["*"])
        token = _csrf(web.get("/login").text)
        wrong = web.post("/login", data={"email": email, "password": "nope nope nope",
                                         "csrf": token})
        forged = web.post("/login", data={"email": email, "password": PASSWORD,
                                          "csrf": "not-the-token"})
    assert wrong.status_code == forged.status_code == 401
    assert "Wrong e-mail or password." in wrong.text
    assert "omr_session" not in wrong.headers.get("set-cookie", "")


def test_the_session_cookie_is_httponly_and_samesite(sqlite_runtime):
    with TestClient(create_app(runtime=sqlite_runtime), follow_redirects=False) as web:
        email = _user(sqlite_runtime, "agent", ["*"])
        done = web.post("/login", data={"email": email, "password": PASSWORD,
                                        "csrf": _csrf(web.get("/login").text)})
    cookie = [c for c in done.headers.get_list("set-cookie") if c.startswith("omr_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_customer_text_is_shown_as_text_and_approve_sends_once(agent, client, workspace,
                                                                sqlite_runtime):
    evil = 'Hi <img src=x onerror=alert(1)> <script>alert("x")</script> where is #1043?'
    ids = client.post("/v1/messages", json=inbound(text=evil),
                      headers={"X-Workspace": workspace}).json()

    def draft_ready():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": workspace}).json()
        return next((d for d in drafts if d["message_id"] == ids["message_id"]), None)
    draft = wait_for(draft_ready)

    inbox = agent.get(f"/inbox?workspace={workspace}")
    assert inbox.status_code == 200 and "Jonas Weber" in inbox.text
    assert "<script>alert" not in inbox.text and "&lt;script&gt;" in inbox.text
    page = agent.get(f"/conversations/{ids['conversation_id']}?workspace={workspace}")
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    form = {"csrf": _csrf(page.text), "conversation_id": ids["conversation_id"],
            "workspace": workspace, "text": draft["text"] + "\n\nAna"}
    assert agent.post(f"/drafts/{draft['id']}/approve", data=form).status_code == 303
    assert agent.post(f"/drafts/{draft['id']}/approve", data=form).status_code == 303
    sent = client.get(f"/v1/conversations/{ids['conversation_id']}",
                      headers={"X-Workspace": workspace}).json()["messages"]
    outbound = [m for m in sent if m["direction"] == "outbound"]
    assert len(outbound) == 1 and outbound[0]["text"].endswith("\n\nAna")


def test_a_form_without_the_session_token_is_refused(agent, workspace):
    response = agent.post("/drafts/1/reject", data={
        "csrf": "forged", "conversation_id": 1, "workspace": workspace, "reason": "x"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]


def test_a_workspace_the_agent_may_not_enter_is_not_found(sqlite_runtime, workspace):
    web = _signed_in(sqlite_runtime, "agent", ["elsewhere"])
    try:
        assert web.get(f"/inbox?workspace={workspace}").status_code == 404
    finally:
        web.__exit__(None, None, None)


def test_analytics_page_is_for_qa_leads_not_agents(agent, sqlite_runtime):
    assert agent.get("/analytics").status_code == 403
    lead = _signed_in(sqlite_runtime, "qa_lead")
    try:
        page = lead.get("/analytics")
        csv = lead.get("/analytics.csv")
    finally:
        lead.__exit__(None, None, None)
    assert page.status_code == 200 and "Draft acceptance" in page.text
    assert csv.text.startswith("draft_id,decided_at,action")


def test_an_agent_corrects_triage_from_the_conversation(agent, client, workspace):
    ids = client.post("/v1/messages", json=inbound(text="My parcel is late again!"),
                      headers={"X-Workspace": workspace}).json()

    def triaged():
        c = client.get(f"/v1/conversations/{ids['conversation_id']}",
                       headers={"X-Workspace": workspace}).json()
        return c if c["messages"][0]["triage"] else None
    wait_for(triaged)
    page = agent.get(f"/conversations/{ids['conversation_id']}?workspace={workspace}")
    done = agent.post(f"/messages/{ids['message_id']}/triage", data={
        "csrf": _csrf(page.text), "conversation_id": ids["conversation_id"],
        "workspace": workspace, "intent": "complaint", "urgency": "urgent"})
    assert done.status_code == 303
    triage = client.get(f"/v1/conversations/{ids['conversation_id']}",
                        headers={"X-Workspace": workspace}).json()["messages"][0]["triage"]
    assert (triage["intent"], triage["urgency"]) == ("complaint", "urgent")
