"""Every /v1 endpoint needs an API key, lets only its roles through, and hides the
workspaces a key may not enter."""

from __future__ import annotations

import re

import pytest

from tests.conftest import api_key, authed_client
from tests.factories import inbound


def _routes(client) -> list[tuple[str, str]]:
    schema = client.get("/openapi.json").json()
    return [(method.upper(), re.sub(r"\{[^}]+\}", "1", path))
            for path, item in schema["paths"].items() if path.startswith("/v1")
            for method in item]


def test_every_v1_route_without_credentials_is_401_and_health_is_open(client):
    routes = _routes(client)
    assert len(routes) >= 10
    for method, path in routes:
        response = client.request(method, path, headers={"Authorization": ""})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["message"].startswith("authentication required")
    assert client.get("/health", headers={"Authorization": ""}).status_code == 200


def test_a_wrong_or_revoked_key_is_401(client, sqlite_runtime):
    from app.accounts.service import revoke_api_key
    from app.db import unit_of_work

    bad = client.get("/v1/drafts", headers={"Authorization": "Bearer omr_nope_nope"})
    assert bad.status_code == 401
    assert bad.json() == {"error": {"message": "invalid or revoked API key"}}
    key = api_key(sqlite_runtime, "agent")
    assert client.get("/v1/drafts", headers={"Authorization": f"Bearer {key}"}).status_code \
        == 200
    with unit_of_work(sqlite_runtime.session_factory) as session:
        revoke_api_key(session, key.split("_")[1])
    assert client.get("/v1/drafts", headers={"X-API-Key": key,
                                             "Authorization": ""}).status_code == 401


@pytest.mark.parametrize(("role", "method", "path", "status"), [
    ("bot", "GET", "/v1/drafts", 403),
    ("integration", "POST", "/v1/drafts/1/approve", 403),
    ("agent", "POST", "/v1/messages", 403),
    ("agent", "PUT", "/v1/kb/documents/en/x", 403),
    ("qa_lead", "POST", "/v1/kb/reindex", 403),
    ("agent", "GET", "/v1/kb/documents", 200),
    ("agent", "GET", "/v1/drafts", 200),
])
def test_each_role_reaches_only_its_endpoints(sqlite_runtime, role, method, path, status):
    with authed_client(sqlite_runtime, role) as client:
        response = client.request(method, path, json=inbound() if method != "GET" else None)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["error"]["message"].startswith(f"role {role} may not do this")


def test_a_workspace_the_key_may_not_enter_is_not_found(sqlite_runtime, workspace):
    with authed_client(sqlite_runtime, "agent", workspaces=["somewhere-else"]) as client:
        hidden = client.get("/v1/drafts", headers={"X-Workspace": workspace})
        unknown = client.get("/v1/drafts", headers={"X-Workspace": "no-such-workspace"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {"error": {"message": f"workspace {workspace} not found"}}


def test_an_integration_key_posts_messages(sqlite_runtime, workspace):
    with authed_client(sqlite_runtime, "integration", workspaces=[workspace]) as client:
        response = client.post("/v1/messages", json=inbound(),
                               headers={"X-Workspace": workspace})
    assert response.status_code == 202, response.text
