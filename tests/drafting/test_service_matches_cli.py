"""The service and the batch CLI draft the same reply for the same message."""

from __future__ import annotations

from app.batch import CaseIn, draft_rows
from app.kit.jsonl import Row
from tests.conftest import wait_for
from tests.factories import inbound


def test_the_service_and_the_cli_write_the_same_draft(client, kb_workspace, sqlite_runtime):
    payload = inbound(channel="amazon", market="GB", text=(
        "Hello, the linen duvet cover doesn't fit. How do I send it back? "
        "Order 302-4817265-7731049"), order_id="302-4817265-7731049",
        customer={"handle": "amz-buyer-77", "name": "Emma Clark", "email": None,
                  "phone": None})
    response = client.post("/v1/messages", json=payload, headers={"X-Workspace": kb_workspace})
    assert response.status_code == 202, response.text
    message_id = response.json()["message_id"]

    def pending():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": kb_workspace}).json()
        return next((d for d in drafts if d["message_id"] == message_id), None)

    served = wait_for(pending)
    case = {"id": "same", "text": payload["text"], "channel": "amazon", "market": "GB",
            "order_id": "302-4817265-7731049", "customer": "Emma Clark"}
    rows = [Row(1, case, CaseIn.model_validate(case))]
    [batch] = draft_rows(rows, sqlite_runtime.triage_kit,
                         sqlite_runtime.knowledge_kit(kb_workspace), sqlite_runtime.draft_kit,
                         sqlite_runtime.settings.knowledge.top_k)
    assert batch["text"] == served["text"]
    # the CLI writes citations as CONTRACT.md has them; the service keeps the passages too
    assert batch["citations"] == [{"doc_id": c["doc_id"], "topic": c["topic"]}
                                  for c in served["citations"]]
    assert all(c["passage"] for c in served["citations"])
    assert batch["needs_human"] == served["needs_human"]
    assert batch["violations"] == served["violations"] == []
    assert served["translation"] is None  # no LLM configured
    assert served["text"].startswith("Hello Emma,")
    assert "302-4817265-7731049" in served["text"]
