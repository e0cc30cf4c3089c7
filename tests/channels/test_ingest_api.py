"""POST /v1/messages: accepted, duplicate, and every kind of bad input (nothing half-stored)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.channels.service import TRIAGE_TASK
from app.conversations.models import Message
from app.outbox.models import OutboxEntry
from app.workspaces.models import Workspace
from tests.factories import inbound


def _counts(runtime, workspace: str) -> tuple[int, int]:
    """What ingestion writes, in this test's workspace: messages and their triage outbox
    rows (background tasks of this and other tests write drafting rows meanwhile)."""
    with runtime.session_factory() as session:
        ws = session.scalar(select(Workspace.id).where(Workspace.slug == workspace))
        return (session.scalar(select(func.count()).select_from(Message)
                               .where(Message.workspace_id == ws)),
                session.scalar(select(func.count()).select_from(OutboxEntry)
                               .where(OutboxEntry.workspace_id == ws,
                                      OutboxEntry.task == TRIAGE_TASK)))


def test_new_message_is_accepted_with_ids(client, workspace):
    response = client.post("/v1/messages", json=inbound(), headers={"X-Workspace": workspace})
    assert response.status_code == 202
    body = response.json()
    assert body["duplicate"] is False
    assert body["message_id"] > 0 and body["conversation_id"] > 0


def test_same_external_id_again_is_a_duplicate_and_stores_nothing(client, workspace,
                                                                  sqlite_runtime):
    payload = inbound()
    first = client.post("/v1/messages", json=payload, headers={"X-Workspace": workspace})
    before = _counts(sqlite_runtime, workspace)
    again = client.post("/v1/messages", json=payload, headers={"X-Workspace": workspace})
    assert again.status_code == 200
    assert again.json() == {**first.json(), "duplicate": True}
    assert _counts(sqlite_runtime, workspace) == before


def test_unknown_workspace_is_404(client):
    response = client.post("/v1/messages", json=inbound(), headers={"X-Workspace": "nope"})
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "workspace nope not found"}}


def _post_raw(client, workspace, body: bytes):
    return client.post("/v1/messages", content=body, headers={
        "X-Workspace": workspace, "Content-Type": "application/json"})


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"channel": "myspace"}, "channel", "Input should be 'amazon'"),
    ({"text": ""}, "text", "at least 1 character"),
    ({"text": 42}, "text", "valid string"),
    ({"market": "Germany"}, "market", "ISO 3166-1 alpha-2"),
    ({"market": "EU"}, "market", "ISO 3166-1 alpha-2"),
    ({"visibility": "secret"}, "visibility", "'private' or 'public'"),
    ({"sent_at": "2026-11-20T08:14:00"}, "sent_at", "timezone"),
    ({"customer": {"email": "not-an-email"}}, "customer.email", "not an email address"),
    ({"text": "hello\u0000world"}, "text", "NUL"),
    ({"customer": {"handle": "a\u0000b"}}, "customer.handle", "NUL"),
])
def test_bad_fields_are_422_naming_the_field(client, workspace, sqlite_runtime, change, field,
                                             fragment):
    before = _counts(sqlite_runtime, workspace)
    response = client.post("/v1/messages", json=inbound(**change),
                           headers={"X-Workspace": workspace})
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert [f["field"] for f in fields] == [field]
    assert fragment in fields[0]["message"]
    assert _counts(sqlite_runtime, workspace) == before


def test_missing_field_is_named(client, workspace):
    payload = inbound()
    del payload["external_id"]
    response = client.post("/v1/messages", json=payload, headers={"X-Workspace": workspace})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "external_id", "message": "Field required"}]


def test_text_over_the_limit_is_422(client, workspace, sqlite_runtime):
    limit = sqlite_runtime.settings.api.max_text_chars
    response = client.post("/v1/messages", json=inbound(text="x" * (limit + 1)),
                           headers={"X-Workspace": workspace})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"field": "text", "message": f"is {limit + 1} characters; the limit is {limit}"}]


def test_malformed_json_is_400(client, workspace, sqlite_runtime):
    before = _counts(sqlite_runtime, workspace)
    response = _post_raw(client, workspace, b'{"channel": "email", "text": ')
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("malformed JSON")
    assert _counts(sqlite_runtime, workspace) == before


def test_invalid_utf8_is_a_4xx_with_a_message(client, workspace, sqlite_runtime):
    body = json.dumps(inbound(text="PLACEHOLDER")).encode().replace(b"PLACEHOLDER", b"caf\xe9")
    response = _post_raw(client, workspace, body)
    assert response.status_code == 400
    assert response.json() == {"error": {"message": "the body is not valid UTF-8 JSON"}}


def test_body_over_one_megabyte_is_413(client, workspace, sqlite_runtime):
    before = _counts(sqlite_runtime, workspace)
    body = json.dumps(inbound(text="x" * 1_100_000)).encode()
    response = _post_raw(client, workspace, body)
    assert response.status_code == 413
    assert response.json() == {"error": {"message": "request body over 1000000 bytes"}}
    assert _counts(sqlite_runtime, workspace) == before
