"""The audit trail: review decisions, triage corrections and account changes merged into one
list, newest first, with exact entries for a known sequence, filters, paging, CSV, roles,
workspaces, and the web page that shows edits as an escaped diff."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app import cli
from app.accounts.service import create_user
from app.cli import base as cli_base
from app.db import unit_of_work
from app.main import create_app
from app.review.audit_trail import Entry, as_csv, edit_size, summarize, word_diff
from tests.conftest import authed_client, wait_for
from tests.factories import inbound

PASSWORD = "a long password 12"
CSV_HEADER = "at,actor,action,target,summary,detail,before,after"


def _drafts(client, workspace: str, texts: list[str]) -> list[dict]:
    """Post one message per text and wait for their drafts (sorted by id)."""
    ids = [client.post("/v1/messages", headers={"X-Workspace": workspace}, json=inbound(
        text=text, customer={"handle": f"{workspace}-{i}", "name": f"C {i}", "email": None,
                             "phone": None})).json() for i, text in enumerate(texts)]

    def ready():
        drafts = client.get("/v1/drafts?status=pending&limit=500",
                            headers={"X-Workspace": workspace}).json()
        mine = [d for d in drafts if d["message_id"] in {i["message_id"] for i in ids}]
        return mine if len(mine) == len(ids) else None
    return sorted(wait_for(ready), key=lambda d: d["id"])


def _triage(client, workspace: str, draft: dict) -> dict:
    timeline = client.get(f"/v1/conversations/{draft['conversation_id']}",
                          headers={"X-Workspace": workspace}).json()
    return next(m for m in timeline["messages"] if m["id"] == draft["message_id"])["triage"]


@pytest.fixture()
def sequence(client, workspace, sqlite_runtime, monkeypatch) -> dict:
    """approve (ana), edit (ana), reject (ben), a triage correction (ben), then an API key
    created and revoked with the CLI."""
    headers = {"X-Workspace": workspace}
    a, b, c = _drafts(client, workspace, ["Where is my order #1043?",
                                          "Can I return the lamp?",
                                          "Please cancel order #2044."])
    client.post(f"/v1/drafts/{a['id']}/approve", json={"actor": "ana"}, headers=headers)
    client.post(f"/v1/drafts/{b['id']}/approve", headers=headers,
                json={"actor": "ana", "text": b["text"] + "\n\nThanks, Ana"})
    client.post(f"/v1/drafts/{c['id']}/reject", headers=headers,
                json={"actor": "ben", "reason": "wrong policy"})
    urgency = _triage(client, workspace, a)["urgency"]
    new = "low" if urgency != "low" else "urgent"
    fixed = client.post(f"/v1/messages/{a['message_id']}/triage", headers=headers,
                        json={"urgency": new, "actor": "ben"})
    assert fixed.status_code == 200 and len(fixed.json()) == 1, fixed.text
    monkeypatch.setattr(cli_base, "open_runtime", lambda: sqlite_runtime)
    made = CliRunner().invoke(cli.app, ["keys", "create", "--name", "audit test", "--role",
                                        "bot", "--workspace", workspace])
    assert made.exit_code == 0, made.output
    prefix = made.stdout.strip().splitlines()[-1].split("_")[1]
    assert CliRunner().invoke(cli.app, ["keys", "revoke", prefix]).exit_code == 0
    assert CliRunner().invoke(cli.app, ["keys", "revoke", prefix]).exit_code == 0  # no-op
    return {"a": a, "b": b, "c": c, "urgency": (urgency, new), "prefix": prefix}


def _expected(s: dict, workspace: str) -> list[tuple]:
    a, b, c = s["a"], s["b"], s["c"]
    before, after = s["urgency"]
    return [
        ("cli", "key.revoke", f"key:{s['prefix']}", "revoked API key 'audit test'",
         {"name": "audit test", "role": "bot"}, None, None),
        ("cli", "key.create", f"key:{s['prefix']}",
         f"created API key 'audit test' with role bot (workspaces: {workspace})",
         {"name": "audit test", "role": "bot", "workspaces": [workspace]}, None, None),
        ("ben", "triage.correct", f"message:{a['message_id']}", f"urgency: {before} → {after}",
         {"message_id": a["message_id"], "field": "urgency", "before": before,
          "after": after}, None, None),
        ("ben", "draft.reject", f"draft:{c['id']}", "rejected the draft: wrong policy",
         {"draft_id": c["id"], "reason": "wrong policy"}, c["text"], None),
        ("ana", "draft.edit", f"draft:{b['id']}",
         "edited the draft before sending: 2 words added, 0 removed",
         {"draft_id": b["id"], "words_added": 2, "words_removed": 0}, b["text"],
         b["text"] + "\n\nThanks, Ana"),
        ("ana", "draft.approve", f"draft:{a['id']}", "sent the draft as written",
         {"draft_id": a["id"]}, a["text"], a["text"]),
    ]


def _rows(entries: list[dict]) -> list[tuple]:
    return [(e["actor"], e["action"], e["target"], e["summary"], e["detail"], e["before"],
             e["after"]) for e in entries]


def test_a_known_sequence_gives_exact_entries_newest_first(sequence, sqlite_runtime,
                                                           workspace):
    with authed_client(sqlite_runtime, "qa_lead") as lead:
        response = lead.get("/v1/audit", headers={"X-Workspace": workspace})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (6, 50, 0)
    assert _rows(body["entries"]) == _expected(sequence, workspace)
    assert [e["source"] for e in body["entries"]] == ["audit", "audit", "triage", "review",
                                                      "review", "review"]
    moments = [datetime.fromisoformat(e["at"]) for e in body["entries"]]
    assert moments == sorted(moments, reverse=True) and len(set(moments)) == 6


def test_filters_and_paging(sequence, sqlite_runtime, workspace):
    a, b = sequence["a"], sequence["b"]

    def actions(**params) -> list[str]:
        response = lead.get("/v1/audit", params=params, headers={"X-Workspace": workspace})
        assert response.status_code == 200, response.text
        return [e["action"] for e in response.json()["entries"]]

    with authed_client(sqlite_runtime, "admin") as lead:
        everything = lead.get("/v1/audit", headers={"X-Workspace": workspace}).json()
        reject_at = everything["entries"][3]["at"]
        assert actions(action="draft") == ["draft.reject", "draft.edit", "draft.approve"]
        assert actions(action="draft.edit") == ["draft.edit"]
        assert actions(action="key") == ["key.revoke", "key.create"]
        assert actions(action="dra") == []  # a kind is a whole word
        assert actions(actor="ben") == ["triage.correct", "draft.reject"]
        assert actions(target=f"draft:{b['id']}") == ["draft.edit"]
        assert actions(target=f"message:{a['message_id']}") == ["triage.correct"]
        assert actions(start=reject_at) == ["key.revoke", "key.create", "triage.correct",
                                            "draft.reject"]
        assert actions(end=reject_at) == ["draft.edit", "draft.approve"]
        assert actions(actor="ana", start=reject_at) == []
        pages = [lead.get("/v1/audit", params={"limit": 4, "offset": offset},
                          headers={"X-Workspace": workspace}).json() for offset in (0, 4)]
    assert [len(p["entries"]) for p in pages] == [4, 2]
    assert [p["total"] for p in pages] == [6, 6]
    assert [e["action"] for p in pages for e in p["entries"]] == [
        e["action"] for e in everything["entries"]]


def test_csv_has_a_header_and_one_row_per_entry(sequence, sqlite_runtime, workspace):
    with authed_client(sqlite_runtime, "qa_lead") as lead:
        response = lead.get("/v1/audit.csv", params={"action": "draft"},
                            headers={"X-Workspace": workspace})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == \
        f'attachment; filename="audit-{workspace}.csv"'
    assert response.text.splitlines()[0] == CSV_HEADER
    rows = list(csv.reader(io.StringIO(response.text)))[1:]
    expected = [e for e in _expected(sequence, workspace) if e[1].startswith("draft.")]
    assert [(r[1], r[2], r[3], r[4], json.loads(r[5]), r[6] or None, r[7] or None)
            for r in rows] == expected
    assert all(datetime.fromisoformat(r[0]).tzinfo is not None for r in rows)


def test_only_qa_leads_and_admins_read_it_and_other_workspaces_are_not_found(
        sqlite_runtime, workspace):
    with authed_client(sqlite_runtime, "agent") as agent:
        refused = agent.get("/v1/audit", headers={"X-Workspace": workspace})
        refused_csv = agent.get("/v1/audit.csv", headers={"X-Workspace": workspace})
    with authed_client(sqlite_runtime, "qa_lead", workspaces=["elsewhere"]) as lead:
        hidden = lead.get("/v1/audit", headers={"X-Workspace": workspace})
        empty = lead.get("/v1/audit", headers={"X-Workspace": "elsewhere"})
    assert refused.status_code == refused_csv.status_code == 403
    assert refused.json()["error"]["message"] == ("role agent may not do this (allowed: "
                                                  "qa_lead, admin)")
    assert hidden.status_code == 404
    assert hidden.json() == {"error": {"message": f"workspace {workspace} not found"}}
    assert empty.status_code == 404  # "elsewhere" does not exist


def test_word_diff_summaries_and_csv_cells():
    assert word_diff("Hello Jonas, it ships today.", "Hello Jonas, it ships tomorrow!") == [
        ("same", "Hello Jonas, it ships "), ("del", "today."), ("ins", "tomorrow!")]
    assert word_diff("same", "same") == [("same", "same")]
    assert edit_size("a b c", "a x c d") == (2, 1)
    assert summarize("kb.delete", {"chunks": 3}) == "chunks: 3"
    assert summarize("kb.ingest", {"documents": 2, "errors": [], "deleted": 0}) == \
        "documents: 2, deleted: 0"
    assert summarize("customer.tags", {"added": ["vip", "b2b"], "removed": []}) == \
        "added: vip, b2b"
    assert summarize("customer.note_add", {"note_id": 4, "text": "x" * 100}) == \
        f"note_id: 4, text: {'x' * 79}…"
    assert summarize("user.role", {"before": "agent", "after": "admin"}) == \
        "role: agent → admin"
    assert summarize("user.disable", {}) == "disabled the user: they can no longer sign in"
    entry = Entry("audit", 1, datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "=cmd|calc",
                  "key.revoke", "key:ab", "-1+1", {"name": "x"})
    assert as_csv([entry]).splitlines()[1] == (
        "2026-01-02T03:04:05+00:00,'=cmd|calc,key.revoke,key:ab,'-1+1,"
        '"{""name"": ""x""}",,')


def _lead_web(runtime, workspace: str) -> TestClient:
    email = f"lead-{workspace}@shop.example"
    with unit_of_work(runtime.session_factory) as session:
        create_user(session, email, "Quinn Lead", "qa_lead", PASSWORD, [workspace])
    web = TestClient(create_app(runtime=runtime), follow_redirects=False)
    web.__enter__()
    token = re.search(r'name="csrf" value="([^"]+)"', web.get("/login").text).group(1)
    done = web.post("/login", data={"email": email, "password": PASSWORD, "csrf": token})
    assert done.status_code == 303
    return web


def test_the_audit_page_shows_an_edit_as_an_escaped_diff(client, sqlite_runtime, workspace):
    headers = {"X-Workspace": workspace}
    (draft,) = _drafts(client, workspace, ["Where is my order #1043?"])
    hostile = draft["text"] + "\n<img src=x onerror=alert(1)>"
    client.post(f"/v1/drafts/{draft['id']}/approve", json={"actor": "ana", "text": hostile},
                headers=headers)
    web = _lead_web(sqlite_runtime, workspace)
    try:
        page = web.get(f"/audit?workspace={workspace}&action=draft.edit")
        csv_page = web.get(f"/audit.csv?workspace={workspace}")
        bad_day = web.get(f"/audit?workspace={workspace}&since=yesterday")
        later = web.get(f"/audit?workspace={workspace}&since=2999-01-01")
    finally:
        web.__exit__(None, None, None)
    assert page.status_code == 200
    assert "<img src=x" not in page.text
    assert "<ins>\n&lt;img src=x onerror=alert(1)&gt;</ins>" in page.text
    assert page.text.count('<tr class="entry"') == 1
    assert 'id="trail-count">1 entry, showing 1–1' in page.text
    assert csv_page.text.splitlines()[0] == CSV_HEADER
    assert bad_day.status_code == 422
    assert "from: not a date (YYYY-MM-DD): yesterday" in bad_day.text
    assert 'id="trail-count">0 entries' in later.text
