"""Admin API: list, read, upload/replace, delete, reindex; every write in the audit trail."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.conftest import wait_for

DOC = """---
topic: promo-codes
title: Spring sale
markets: ["*"]
channels: ["*"]
language: en
version: 1
effective_date: 2026-03-01
---
# Spring sale

## Code

Use SPRING15 for 15% off until 31 March.
"""


def _audit(runtime, workspace: str) -> list[tuple[str, str, str]]:
    from app.workspaces.models import Workspace

    with runtime.session_factory() as session:
        ws_id = session.scalar(select(Workspace.id).where(Workspace.slug == workspace))
        events = session.scalars(select(AuditEvent).where(AuditEvent.workspace_id == ws_id)
                                 .order_by(AuditEvent.id)).all()
        return [(e.actor, e.action, e.target) for e in events]


def test_upload_replace_read_list_delete(client, workspace, sqlite_runtime):
    headers = {"X-Workspace": workspace}
    put = client.put("/v1/kb/documents/en/spring-sale", headers=headers,
                     json={"content": DOC, "actor": "maria"})
    assert put.status_code == 200, put.text
    assert put.json()["topic"] == "promo-codes" and put.json()["chunks"] == 1
    replaced = client.put("/v1/kb/documents/en/spring-sale", headers=headers,
                          json={"content": DOC.replace("15%", "20%"), "actor": "maria"})
    assert replaced.status_code == 200
    read = client.get("/v1/kb/documents/en/spring-sale", headers=headers).json()
    assert "20% off" in read["source"] and read["origin"] == "upload"
    listed = client.get("/v1/kb/documents", headers=headers).json()
    assert [d["doc_id"] for d in listed] == ["en/spring-sale"]
    assert client.delete("/v1/kb/documents/en/spring-sale?actor=maria",
                         headers=headers).status_code == 204
    assert client.get("/v1/kb/documents", headers=headers).json() == []
    assert client.get("/v1/kb/documents/en/spring-sale", headers=headers).status_code == 404
    assert _audit(sqlite_runtime, workspace) == [
        ("maria", "kb.upload", "en/spring-sale"), ("maria", "kb.replace", "en/spring-sale"),
        ("maria", "kb.delete", "en/spring-sale")]


def test_a_bad_document_is_422_naming_the_line_and_changes_nothing(client, workspace,
                                                                   sqlite_runtime):
    headers = {"X-Workspace": workspace}
    bad = DOC.replace('markets: ["*"]', 'markets: ["EU"]')
    response = client.put("/v1/kb/documents/en/bad", headers=headers, json={"content": bad})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "document en/bad, line 4: unknown market code 'EU' (use ISO 3166-1 alpha-2 like DE, "
        "or *)")
    no_topic = DOC.replace("topic: promo-codes\n", "")
    assert client.put("/v1/kb/documents/en/bad", headers=headers,
                      json={"content": no_topic}).status_code == 422
    assert client.get("/v1/kb/documents", headers=headers).json() == []
    assert _audit(sqlite_runtime, workspace) == []


def test_document_ids_are_validated(client, workspace):
    response = client.put("/v1/kb/documents/../etc/passwd",
                          headers={"X-Workspace": workspace}, json={"content": DOC})
    assert response.status_code in (404, 422)
    response = client.put("/v1/kb/documents/a..b", headers={"X-Workspace": workspace},
                          json={"content": DOC})
    assert response.status_code == 422


def test_reindex_runs_in_the_background_and_is_audited(client, workspace, sqlite_runtime):
    headers = {"X-Workspace": workspace}
    client.put("/v1/kb/documents/en/spring-sale", headers=headers, json={"content": DOC})
    response = client.post("/v1/kb/reindex?actor=ops", headers=headers)
    assert response.status_code == 202
    wait_for(lambda: ("ops", "kb.reindex", workspace) in _audit(sqlite_runtime, workspace))


def test_an_upload_indexes_its_own_document_only(client, workspace, sqlite_runtime):
    from app.knowledge.models import KBDocument
    from app.knowledge.service import index_document

    headers = {"X-Workspace": workspace}
    client.put("/v1/kb/documents/en/spring-sale", headers=headers, json={"content": DOC})
    client.put("/v1/kb/documents/en/autumn-sale", headers=headers,
               json={"content": DOC.replace("Spring", "Autumn")})
    kit = sqlite_runtime.knowledge_kit(workspace)
    with sqlite_runtime.session_factory() as session:
        row = session.scalar(select(KBDocument).where(KBDocument.doc_id == "en/autumn-sale"))
        report = index_document(row, kit)
    assert (report.documents, report.chunks, report.embedded, report.deleted) == (1, 1, 0, 0)
    assert sorted(kit.store.inventory(kit.collection, "doc_id")) == [
        "en/autumn-sale#0", "en/spring-sale#0"]
