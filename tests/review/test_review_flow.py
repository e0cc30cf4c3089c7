"""The loop: message -> triage -> pending draft -> approve -> exactly one outbound record."""

from __future__ import annotations

from sqlalchemy import func, select

from app.channels.models import SandboxDelivery
from tests.conftest import wait_for
from tests.factories import inbound


def _ingest(client, workspace, **fields) -> dict:
    response = client.post("/v1/messages", json=inbound(**fields),
                           headers={"X-Workspace": workspace})
    assert response.status_code == 202, response.text
    return response.json()


def _pending_draft(client, workspace, message_id: int) -> dict:
    def check():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": workspace}).json()
        return next((d for d in drafts if d["message_id"] == message_id), None)
    return wait_for(check)


def _deliveries(runtime, text: str) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(SandboxDelivery)
                              .where(SandboxDelivery.text == text))


def test_message_becomes_a_pending_grounded_draft(client, kb_workspace):
    workspace = kb_workspace
    ids = _ingest(client, workspace, text="Where is my order? I'd like the tracking number.")
    draft = _pending_draft(client, workspace, ids["message_id"])
    assert draft["message_id"] == ids["message_id"]
    assert draft["conversation_id"] == ids["conversation_id"]
    assert draft["status"] == "pending"
    assert draft["drafter"] == "composer"
    assert draft["prompt_id"] == "composer/grounded@3+tone/email@1"
    assert draft["model_id"] == "none"
    assert draft["citations"][0]["topic"] in {"order-tracking", "shipping-times"}
    assert "#1043" in draft["text"]
    assert draft["needs_human"] is False


def test_without_a_confident_passage_the_draft_holds_and_needs_a_human(client, workspace):
    ids = _ingest(client, workspace)  # a fresh workspace: its knowledge base is empty
    draft = _pending_draft(client, workspace, ids["message_id"])
    assert draft["citations"] == []
    assert draft["needs_human"] is True
    assert draft["reason"] == "no confident answer in the knowledge base"


def test_approve_sends_exactly_once_and_shows_in_the_timeline(client, workspace, sqlite_runtime):
    ids = _ingest(client, workspace)
    draft = _pending_draft(client, workspace, ids["message_id"])
    edited = draft["text"] + "\n\n(checked by Ana)"
    headers = {"X-Workspace": workspace}
    approved = client.post(f"/v1/drafts/{draft['id']}/approve",
                           json={"text": edited, "actor": "ana"}, headers=headers)
    assert approved.status_code == 200
    assert approved.json()["draft"]["status"] == "approved"
    assert approved.json()["draft"]["final_text"] == edited

    again = client.post(f"/v1/drafts/{draft['id']}/approve", headers=headers)
    assert again.status_code == 409
    assert again.json() == {"error": {"message": (
        f"draft {draft['id']} is already approved; nothing was changed")}}

    def sent():
        timeline = client.get(f"/v1/conversations/{ids['conversation_id']}",
                              headers=headers).json()
        out = [m for m in timeline["messages"] if m["direction"] == "outbound"]
        return out if out and out[0]["delivery_status"] == "sent" else None
    outbound = wait_for(sent)
    assert [(m["text"], m["author"]) for m in outbound] == [(edited, "ana")]
    assert _deliveries(sqlite_runtime, edited) == 1


def test_reject_records_the_reason_and_sends_nothing(client, workspace, sqlite_runtime):
    ids = _ingest(client, workspace)
    draft = _pending_draft(client, workspace, ids["message_id"])
    headers = {"X-Workspace": workspace}
    rejected = client.post(f"/v1/drafts/{draft['id']}/reject",
                           json={"reason": "wrong policy", "actor": "li"}, headers=headers)
    assert rejected.status_code == 200
    assert rejected.json()["draft"]["status"] == "rejected"
    assert client.post(f"/v1/drafts/{draft['id']}/approve", headers=headers).status_code == 409
    assert _deliveries(sqlite_runtime, draft["text"]) == 0


def test_reject_needs_a_reason(client, workspace):
    ids = _ingest(client, workspace)
    draft = _pending_draft(client, workspace, ids["message_id"])
    response = client.post(f"/v1/drafts/{draft['id']}/reject", json={},
                           headers={"X-Workspace": workspace})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "reason"


def test_drafts_of_another_workspace_are_invisible(client, workspace):
    ids = _ingest(client, workspace)
    draft = _pending_draft(client, workspace, ids["message_id"])
    response = client.post(f"/v1/drafts/{draft['id']}/approve")  # default workspace
    assert response.status_code == 404
