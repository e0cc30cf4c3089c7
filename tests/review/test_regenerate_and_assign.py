"""Regenerating a draft after a triage correction, and assigning conversations."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.review.analytics import decisions
from app.review.inbox import InboxQuery, InboxRow, select_rows
from app.review.models import ReviewEvent
from app.workspaces.models import Workspace
from tests.conftest import authed_client, wait_for
from tests.factories import inbound

ORDER_OPENING = "Thank you for asking about the status of your order."
RETURN_OPENING = "Thank you for getting in touch about returning your item."


def _draft_for(client, workspace: str, text: str) -> tuple[dict, dict]:
    headers = {"X-Workspace": workspace}
    ids = client.post("/v1/messages", json=inbound(text=text), headers=headers).json()

    def pending():
        drafts = client.get("/v1/drafts?status=pending&limit=500", headers=headers).json()
        return next((d for d in drafts if d["message_id"] == ids["message_id"]), None)
    return ids, wait_for(pending)


def test_regenerate_drafts_again_from_the_corrected_triage(client, kb_workspace,
                                                           sqlite_runtime):
    headers = {"X-Workspace": kb_workspace}
    ids, draft = _draft_for(client, kb_workspace, "Where is my order #1043? No tracking yet.")
    assert ORDER_OPENING in draft["text"]
    corrected = client.post(f"/v1/messages/{ids['message_id']}/triage", headers=headers,
                            json={"intent": "return_request", "actor": "ana"})
    assert corrected.status_code == 200, corrected.text

    response = client.post(f"/v1/drafts/{draft['id']}/regenerate", headers=headers,
                           json={"actor": "ana"})
    assert response.status_code == 200, response.text
    again = response.json()
    assert (again["id"], again["status"]) == (draft["id"], "pending")
    assert RETURN_OPENING in again["text"] and ORDER_OPENING not in again["text"]
    assert again["citations"] and all(c["passage"] for c in again["citations"])
    with sqlite_runtime.session_factory() as session:
        events = session.scalars(select(ReviewEvent).where(
            ReviewEvent.draft_id == draft["id"])).all()
        assert [(e.action, e.actor, e.before_text, e.after_text) for e in events] == [
            ("regenerate", "ana", draft["text"], again["text"])]
        workspace_id = session.scalar(select(Workspace.id).where(
            Workspace.slug == kb_workspace))
        assert [d for d in decisions(session, workspace_id)
                if d.draft_id == draft["id"]] == []  # not a decision on a draft

    approved = client.post(f"/v1/drafts/{draft['id']}/approve", headers=headers)
    assert approved.json()["draft"]["final_text"] == again["text"]
    late = client.post(f"/v1/drafts/{draft['id']}/regenerate", headers=headers)
    assert late.status_code == 409
    assert late.json() == {"error": {"message": (
        f"draft {draft['id']} is already approved; nothing was changed")}}


def test_a_bot_key_cannot_regenerate(sqlite_runtime, kb_workspace, client):
    _, draft = _draft_for(client, kb_workspace, "Where is my order #1043?")
    with authed_client(sqlite_runtime, "bot") as bot:
        response = bot.post(f"/v1/drafts/{draft['id']}/regenerate",
                            headers={"X-Workspace": kb_workspace})
    assert response.status_code == 403


def _user_id(client, sqlite_runtime, email: str, role: str = "agent",
             workspaces: list[str] | None = None) -> int:
    from app.accounts.service import create_user
    from app.db import unit_of_work

    with unit_of_work(sqlite_runtime.session_factory) as session:
        return create_user(session, email, email.split("@")[0].title(), role,
                           "correct horse battery", workspaces or ["*"]).id


def test_assign_and_unassign_a_conversation_with_its_audit_trail(client, workspace,
                                                                 sqlite_runtime):
    headers = {"X-Workspace": workspace}
    ids = client.post("/v1/messages", json=inbound(), headers=headers).json()
    ana = _user_id(client, sqlite_runtime, f"ana-{workspace}@shop.example")
    path = f"/v1/conversations/{ids['conversation_id']}/assignee"
    assigned = client.put(path, headers=headers, json={"assignee_id": ana, "actor": "lead"})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee_id"] == ana
    assert client.put(path, headers=headers,
                      json={"assignee_id": ana}).json()["assignee_id"] == ana  # no change
    unassigned = client.put(path, headers=headers, json={"assignee_id": None, "actor": "lead"})
    assert unassigned.json()["assignee_id"] is None
    with sqlite_runtime.session_factory() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "conversation.assign",
            AuditEvent.target == f"conversation:{ids['conversation_id']}")
            .order_by(AuditEvent.id)).all()
    email = f"ana-{workspace}@shop.example"
    assert [(e.actor, e.detail) for e in events] == [
        ("lead", {"before": None, "after": email}), ("lead", {"before": email, "after": None})]


def test_only_people_of_the_workspace_can_be_assigned(client, workspace, sqlite_runtime):
    headers = {"X-Workspace": workspace}
    ids = client.post("/v1/messages", json=inbound(), headers=headers).json()
    elsewhere = _user_id(client, sqlite_runtime, f"bo-{workspace}@shop.example",
                         workspaces=["another-shop"])
    path = f"/v1/conversations/{ids['conversation_id']}/assignee"
    for who in (elsewhere, 987654):
        response = client.put(path, headers=headers, json={"assignee_id": who})
        assert response.status_code == 422
        assert response.json()["error"]["fields"][0]["field"] == "assignee_id"
    other = client.put(path, json={"assignee_id": None})  # the default workspace
    assert other.status_code == 404


def _row(conversation_id: int, **fields) -> InboxRow:
    base = dict(conversation_id=conversation_id, customer="C", channel="email",
                language="en", intent="order_status", urgency="normal", sentiment="neutral",
                preview="", waiting_minutes=10, draft_status="pending", needs_human=False,
                last_message_at=None)
    return InboxRow(**(base | fields))


ROWS = [_row(1, channel="amazon", assignee_id=7, waiting_minutes=5),
        _row(2, language="de", urgency="urgent", needs_human=True, waiting_minutes=30),
        _row(3, channel="amazon", intent="cancel_order", urgency="high", waiting_minutes=90),
        _row(4, sentiment="negative", status="closed", waiting_minutes=None)]


def test_inbox_views_filters_and_sorts():
    ids = lambda q: [r.conversation_id for r in select_rows(list(ROWS), q)]  # noqa: E731
    assert ids(InboxQuery()) == [1, 2, 3, 4]
    assert ids(InboxQuery(view="mine", me=7)) == [1]
    assert ids(InboxQuery(view="mine", me=8)) == []
    assert ids(InboxQuery(view="unassigned")) == [2, 3, 4]
    assert ids(InboxQuery(view="needs_human")) == [2]
    assert ids(InboxQuery(filters=(("channel", "amazon"),))) == [1, 3]
    assert ids(InboxQuery(filters=(("channel", "amazon"), ("urgency", "high")))) == [3]
    assert ids(InboxQuery(filters=(("status", "closed"),))) == [4]
    assert ids(InboxQuery(sort="urgency")) == [2, 3, 1, 4]
    assert ids(InboxQuery(sort="waiting")) == [3, 2, 1, 4]
    assert ids(InboxQuery(sort="intent")) == [3, 1, 2, 4]
    assert ids(InboxQuery(sort="language")) == [2, 1, 3, 4]
