"""The admin pages over HTTP: create a user, change a role, disable and enable, no self-
demotion, create and revoke an API key (shown once), CSRF, roles and workspaces; every
account change lands in the audit trail."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.accounts.models import ApiKey, User
from app.accounts.service import create_user
from app.db import unit_of_work
from app.main import create_app
from app.review.audit_trail import trail
from app.workspaces.service import get_by_slug

PASSWORD = "a long password 12"
_n = itertools.count()


def _user(runtime, role: str, workspaces: list[str]) -> str:
    email = f"{role}-{next(_n)}-{workspaces[0].replace('*', 'all')}@shop.example"
    with unit_of_work(runtime.session_factory) as session:
        create_user(session, email, f"{role.title()} {next(_n)}", role, PASSWORD, workspaces)
    return email


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _log_in(web: TestClient, email: str, password: str = PASSWORD) -> bool:
    done = web.post("/login", data={"email": email, "password": password,
                                    "csrf": _csrf(web.get("/login").text)})
    return done.status_code == 303


def _can_sign_in(runtime, email: str, password: str) -> bool:
    with TestClient(create_app(runtime=runtime), follow_redirects=False) as web:
        return _log_in(web, email, password)


@pytest.fixture()
def signed_in(sqlite_runtime) -> Iterator:
    """sign_in(role, workspaces) -> (web client, e-mail); closes the clients afterwards."""
    opened: list[TestClient] = []

    def sign_in(role: str, workspaces: list[str]) -> tuple[TestClient, str]:
        email = _user(sqlite_runtime, role, workspaces)
        web = TestClient(create_app(runtime=sqlite_runtime), follow_redirects=False)
        opened.append(web.__enter__())
        assert _log_in(web, email)
        return web, email

    yield sign_in
    for web in opened:
        web.__exit__(None, None, None)


def _form(web: TestClient, workspace: str, path: str = "/admin/users", **fields) -> dict:
    return {"csrf": _csrf(web.get(f"{path}?workspace={workspace}").text),
            "workspace": workspace} | fields


def _row(runtime, model, **where):
    with runtime.session_factory() as session:
        return session.query(model).filter_by(**where).one()


def _trail(runtime, workspace: str) -> list[tuple]:
    with runtime.session_factory() as session:
        page = trail(session, get_by_slug(session, workspace).id)
    return [(e.actor, e.action, e.target, e.summary, e.detail) for e in page.entries]


def test_an_admin_creates_a_user_changes_the_role_and_disables_them(
        signed_in, sqlite_runtime, workspace):
    web, me = signed_in("admin", [workspace])
    page = web.get(f"/admin/users?workspace={workspace}")
    assert page.status_code == 200
    assert f"<td>{me} <span class=\"muted\">(you)</span></td>" in page.text
    new = f"nora-{workspace}@shop.example"
    made = web.post("/admin/users", data=_form(web, workspace, email=new.upper(),
                                               name="Nora New", role="agent",
                                               password="twelve chars"))
    assert made.status_code == 303
    assert made.headers["location"] == f"/admin/users?workspace={workspace}&done=user-created"
    listed = web.get(made.headers["location"])
    assert "User created." in listed.text and f'<tr data-email="{new}">' in listed.text
    nora = _row(sqlite_runtime, User, email=new)
    assert (nora.name, nora.role, nora.workspaces, nora.active) == (
        "Nora New", "agent", [workspace], True)
    role = web.post(f"/admin/users/{nora.id}/role",
                    data=_form(web, workspace, role="qa_lead"))
    assert role.headers["location"] == f"/admin/users?workspace={workspace}&done=role-changed"
    assert _can_sign_in(sqlite_runtime, new, "twelve chars")
    off = web.post(f"/admin/users/{nora.id}/disable", data=_form(web, workspace))
    assert off.headers["location"] == f"/admin/users?workspace={workspace}&done=user-disabled"
    assert not _can_sign_in(sqlite_runtime, new, "twelve chars")
    assert web.post(f"/admin/users/{nora.id}/enable", data=_form(web, workspace)).status_code \
        == 303
    assert _row(sqlite_runtime, User, email=new).role == "qa_lead"
    assert _trail(sqlite_runtime, workspace) == [
        (me, "user.enable", f"user:{new}", "enabled the user again", {}),
        (me, "user.disable", f"user:{new}", "disabled the user: they can no longer sign in",
         {}),
        (me, "user.role", f"user:{new}", "role: agent → qa_lead",
         {"before": "agent", "after": "qa_lead"}),
        (me, "user.create", f"user:{new}",
         f"created user Nora New with role agent (workspaces: {workspace})",
         {"email": new, "name": "Nora New", "role": "agent", "workspaces": [workspace]})]


def test_bad_new_users_are_refused_with_the_reason(signed_in, sqlite_runtime, workspace):
    web, me = signed_in("admin", [workspace])
    short = web.post("/admin/users", data=_form(web, workspace, email="s@shop.example",
                                                name="Sam", role="agent",
                                                password="eleven char"))
    taken = web.post("/admin/users", data=_form(web, workspace, email=me, name="Again",
                                                role="agent", password=PASSWORD))
    everywhere = web.post("/admin/users", data=_form(web, workspace, email="e@shop.example",
                                                     name="Eve", role="admin",
                                                     password=PASSWORD, scope="all"))
    assert short.status_code == 422
    assert '<p class="error" role="alert" id="form-error">password: at least 12 characters' \
        in short.text
    assert 'name="email" required maxlength="254" value="s@shop.example"' in short.text
    assert taken.status_code == 409 and f"a user {me} already exists" in taken.text
    assert everywhere.status_code == 403
    assert "only an admin of all workspaces may create accounts for all workspaces" in \
        everywhere.text
    assert _trail(sqlite_runtime, workspace) == []


def test_an_admin_cannot_demote_or_disable_themself(signed_in, sqlite_runtime, workspace):
    web, me = signed_in("admin", [workspace])
    mine = _row(sqlite_runtime, User, email=me)
    demote = web.post(f"/admin/users/{mine.id}/role", data=_form(web, workspace, role="agent"))
    disable = web.post(f"/admin/users/{mine.id}/disable", data=_form(web, workspace))
    same = web.post(f"/admin/users/{mine.id}/role", data=_form(web, workspace, role="admin"))
    assert demote.status_code == disable.status_code == 409
    assert "you cannot change your own role: another admin must do it" in demote.text
    assert "you cannot disable your own account: another admin must do it" in disable.text
    assert same.status_code == 303  # nothing changes, nothing is recorded
    mine = _row(sqlite_runtime, User, email=me)
    assert (mine.role, mine.active) == ("admin", True)
    assert _trail(sqlite_runtime, workspace) == []


def test_an_api_key_is_shown_once_works_and_is_revoked(signed_in, sqlite_runtime, workspace):
    web, me = signed_in("admin", [workspace])
    made = web.post("/admin/keys", data=_form(web, workspace, "/admin/keys", name="shop sync",
                                              role="agent"))
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    key = re.search(r'<code id="new-key">(omr_[^<]+)</code>', made.text).group(1)
    prefix = key.split("_")[1]
    row = _row(sqlite_runtime, ApiKey, prefix=prefix)
    assert (row.name, row.role, row.workspaces, row.revoked_at) == (
        "shop sync", "agent", [workspace], None)
    listed = web.get(f"/admin/keys?workspace={workspace}")
    assert key not in listed.text and f'<tr data-prefix="{prefix}">' in listed.text
    with TestClient(create_app(runtime=sqlite_runtime), headers={"X-API-Key": key}) as api:
        works = api.get("/v1/drafts", headers={"X-Workspace": workspace}).status_code
        revoked = web.post(f"/admin/keys/{prefix}/revoke",
                           data=_form(web, workspace, "/admin/keys"))
        stopped = api.get("/v1/drafts", headers={"X-Workspace": workspace}).status_code
    assert (works, stopped) == (200, 401)
    assert revoked.headers["location"] == f"/admin/keys?workspace={workspace}&done=key-revoked"
    again = web.post(f"/admin/keys/{prefix}/revoke", data=_form(web, workspace, "/admin/keys"))
    assert again.status_code == 303  # already revoked: nothing recorded twice
    assert _trail(sqlite_runtime, workspace) == [
        (me, "key.revoke", f"key:{prefix}", "revoked API key 'shop sync'",
         {"name": "shop sync", "role": "agent"}),
        (me, "key.create", f"key:{prefix}",
         f"created API key 'shop sync' with role agent (workspaces: {workspace})",
         {"name": "shop sync", "role": "agent", "workspaces": [workspace]})]


def test_a_form_without_the_csrf_token_is_refused(signed_in, sqlite_runtime, workspace):
    web, _ = signed_in("admin", [workspace])
    missing = web.post("/admin/users", data={"workspace": workspace, "email": "x@shop.example",
                                             "name": "X", "role": "agent",
                                             "password": PASSWORD})
    forged = web.post("/admin/keys", data={"workspace": workspace, "csrf": "forged",
                                           "name": "k", "role": "bot"})
    assert missing.status_code == forged.status_code == 403
    assert missing.headers["content-type"].startswith("text/html")
    assert "the form expired or came from elsewhere (CSRF); reload and retry" in missing.text
    with sqlite_runtime.session_factory() as session:
        assert session.query(User).filter_by(email="x@shop.example").count() == 0
    assert _trail(sqlite_runtime, workspace) == []


def test_agents_and_leads_get_a_403_page_and_other_workspaces_a_404(signed_in, workspace):
    agent, _ = signed_in("agent", ["*"])
    lead, _ = signed_in("qa_lead", ["*"])
    admin, _ = signed_in("admin", ["somewhere-else"])
    for path in ("/admin/users", "/admin/keys"):
        page = agent.get(f"{path}?workspace={workspace}")
        assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
        assert ('<p id="refusal-message">Your role (agent) may not open the admin pages '
                "(admins only). Ask an admin if you need it.</p>") in page.text
        assert 'href="/admin/users"' not in page.text
        assert lead.get(f"{path}?workspace={workspace}").status_code == 403
        assert admin.get(f"{path}?workspace={workspace}").status_code == 404
    assert agent.post("/admin/users", data={"workspace": workspace}).status_code == 403
    assert agent.get(f"/audit?workspace={workspace}").status_code == 403
    assert lead.get(f"/audit?workspace={workspace}").status_code == 200
    hidden = admin.get(f"/audit?workspace={workspace}")
    assert hidden.status_code == 404
    assert f"workspace {workspace} not found" in hidden.text


def test_an_admin_of_one_workspace_cannot_touch_an_account_of_all(signed_in, sqlite_runtime,
                                                                   workspace):
    web, _ = signed_in("admin", [workspace])
    _, boss = signed_in("admin", ["*"])
    boss_id = _row(sqlite_runtime, User, email=boss).id
    page = web.get(f"/admin/users?workspace={workspace}")
    row = page.text.split(f'<tr data-email="{boss}">')[1].split("</tr>")[0]
    assert "<form" not in row and "<td>admin</td>" in row
    refused = web.post(f"/admin/users/{boss_id}/disable", data=_form(web, workspace))
    assert refused.status_code == 403
    assert f"{boss} also works in workspaces you do not administer" in refused.text
    assert _row(sqlite_runtime, User, email=boss).active is True
