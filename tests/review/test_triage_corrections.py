"""Agents correct triage: the shown triage changes, each change is labelled data with who and
when, and bad values are refused with the reason."""

from __future__ import annotations

from app.review.corrections import labelled
from tests.conftest import authed_client, wait_for
from tests.factories import inbound


def _triaged_message(client, workspace) -> dict:
    ids = client.post("/v1/messages", json=inbound(text="Where is my order? #1043"),
                      headers={"X-Workspace": workspace}).json()

    def triaged():
        timeline = client.get(f"/v1/conversations/{ids['conversation_id']}",
                              headers={"X-Workspace": workspace}).json()
        message = timeline["messages"][0]
        return message if message["triage"] else None
    return wait_for(triaged) | ids


def test_a_correction_changes_the_triage_and_is_kept_as_labelled_data(
        client, workspace, sqlite_runtime):
    headers = {"X-Workspace": workspace}
    message = _triaged_message(client, workspace)
    before = message["triage"]
    response = client.post(f"/v1/messages/{message['message_id']}/triage", headers=headers,
                           json={"intent": "shipping_delay", "urgency": "high",
                                 "actor": "ana"})
    assert response.status_code == 200, response.text
    made = [(c["field"], c["before"], c["after"], c["actor"]) for c in response.json()]
    expected = [(f, before[f], new, "ana") for f, new in
                (("intent", "shipping_delay"), ("urgency", "high")) if before[f] != new]
    assert made == expected
    again = client.post(f"/v1/messages/{message['message_id']}/triage", headers=headers,
                        json={"intent": "shipping_delay", "actor": "ana"})
    assert again.json() == []  # nothing changed, nothing recorded
    timeline = client.get(f"/v1/conversations/{message['conversation_id']}",
                          headers=headers).json()
    assert timeline["messages"][0]["triage"]["intent"] == "shipping_delay"
    assert timeline["messages"][0]["triage"]["urgency"] == "high"
    from app.workspaces.service import get_by_slug

    with sqlite_runtime.session_factory() as session:
        rows = labelled(session, get_by_slug(session, workspace).id)
    assert rows == [{"id": message["message_id"], "text": "Where is my order? #1043",
                     "channel": "email", "intent": "shipping_delay", "urgency": "high"}]


def test_bad_corrections_are_refused_with_the_reason(client, workspace):
    message = _triaged_message(client, workspace)
    url = f"/v1/messages/{message['message_id']}/triage"
    headers = {"X-Workspace": workspace}
    bad_intent = client.post(url, headers=headers, json={"intent": "world_peace"})
    bad_urgency = client.post(url, headers=headers, json={"urgency": "asap"})
    assert bad_intent.status_code == bad_urgency.status_code == 422
    assert bad_intent.json()["error"]["message"] == "intent: not in the taxonomy: 'world_peace'"
    assert bad_urgency.json()["error"]["message"] == (
        "urgency: must be one of low, normal, high, urgent")


def test_only_reviewers_correct_triage(sqlite_runtime, client, workspace):
    message = _triaged_message(client, workspace)
    with authed_client(sqlite_runtime, "integration") as integration:
        response = integration.post(f"/v1/messages/{message['message_id']}/triage",
                                    headers={"X-Workspace": workspace},
                                    json={"urgency": "low"})
    assert response.status_code == 403
