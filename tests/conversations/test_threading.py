"""Threading: one customer, one open conversation, across channels."""

from __future__ import annotations

from tests.factories import inbound


def _post(client, workspace, payload) -> dict:
    response = client.post("/v1/messages", json=payload, headers={"X-Workspace": workspace})
    assert response.status_code == 202, response.text
    return response.json()


def test_second_channel_with_same_email_joins_the_conversation(client, workspace):
    first = _post(client, workspace, inbound(channel="email", customer={
        "handle": "claire@example.fr", "email": "claire@example.fr", "name": "Claire"}))
    second = _post(client, workspace, inbound(channel="web_chat", order_id=None, customer={
        "handle": "visitor-77", "email": "Claire@Example.fr", "name": None}))
    assert second["customer_id"] == first["customer_id"]
    assert second["conversation_id"] == first["conversation_id"]
    timeline = client.get(f"/v1/conversations/{first['conversation_id']}",
                          headers={"X-Workspace": workspace}).json()
    assert [m["channel"] for m in timeline["messages"]] == ["email", "web_chat"]
    assert timeline["channels"] == ["email", "web_chat"]
    assert {"kind": "web_chat", "handle": "visitor-77"} in timeline["identities"]


def test_whatsapp_then_sms_from_the_same_phone_join(client, workspace):
    first = _post(client, workspace, inbound(channel="whatsapp", order_id=None, customer={
        "handle": "+49 151 1234 5678", "email": None, "phone": None}))
    second = _post(client, workspace, inbound(channel="sms", order_id=None, customer={
        "handle": "+4915112345678", "email": None, "phone": None}))
    assert second["conversation_id"] == first["conversation_id"]


def test_order_number_links_a_new_handle_to_the_customer(client, workspace):
    first = _post(client, workspace, inbound(channel="email", order_id="#1063", customer={
        "handle": "sofia@example.es", "email": "sofia@example.es"}))
    second = _post(client, workspace, inbound(channel="instagram", order_id="#1063",
                                              visibility="public",
                                              customer={"handle": "@sofi.mtz", "email": None}))
    assert second["conversation_id"] == first["conversation_id"]


def test_different_people_get_different_conversations(client, workspace):
    first = _post(client, workspace, inbound(order_id=None))
    second = _post(client, workspace, inbound(order_id=None))
    assert second["customer_id"] != first["customer_id"]
    assert second["conversation_id"] != first["conversation_id"]


def test_unknown_conversation_is_404(client, workspace):
    response = client.get("/v1/conversations/999999", headers={"X-Workspace": workspace})
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "conversation 999999 not found"}}
