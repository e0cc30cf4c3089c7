"""The batch CLIs of CONTRACT.md: unknown fields ride through, bad lines are reported with
their number on stderr while the rest goes on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app import cli
from app.cli import base as cli_base

LINES = [
    json.dumps({"id": "a1", "text": "Where is my parcel? Order #1043", "market": "DE",
                "channel": "email", "ticket_ref": "T-9", "nested": {"keep": [1, 2]}}),
    '{"id": "a2", "text": ',
    json.dumps({"id": "a3"}),
    json.dumps({"id": "a4", "text": "Mein Paket ist beschädigt angekommen", "channel": "myspace"}),
    "",
    json.dumps({"id": "a5", "text": "Je veux retourner le vase, il ne me plaît pas",
                "channel": "amazon", "market": "FR"}, ensure_ascii=False),
]


@pytest.fixture()
def runner(sqlite_runtime, monkeypatch) -> CliRunner:
    monkeypatch.setattr(cli_base, "open_runtime", lambda: sqlite_runtime)
    return CliRunner()


@pytest.fixture()
def batch_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_triage_batch_keeps_going_past_bad_lines(runner, batch_file, tmp_path):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(cli.app, ["triage", "--input", str(batch_file), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a1", "a5"]
    assert rows[0]["ticket_ref"] == "T-9" and rows[0]["nested"] == {"keep": [1, 2]}
    assert set(rows[0]) >= {"intent", "intent_confidence", "sentiment", "urgency", "language",
                            "reasons"}
    assert 0 <= rows[0]["intent_confidence"] <= 1
    assert rows[1]["language"] == "fr"
    stderr = result.stderr
    assert "line 2: not JSON" in stderr
    assert "line 3: text: Field required" in stderr
    assert "line 4: channel: Input should be 'amazon'" in stderr


def test_draft_batch_outputs_the_contract_fields(runner, batch_file, tmp_path):
    out = tmp_path / "drafts.jsonl"
    result = runner.invoke(cli.app, ["draft", "--input", str(batch_file), "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a1", "a5"]
    assert rows[0]["ticket_ref"] == "T-9"
    for row in rows:
        assert set(row) >= {"text", "language", "channel", "citations", "violations",
                            "needs_human", "reason"}
    assert rows[1]["channel"] == "amazon" and rows[1]["language"] == "fr"
    assert "http" not in rows[1]["text"]


def test_kb_search_json(runner):
    result = runner.invoke(cli.app, ["kb", "search", "how long do I have to return an item",
                                     "--market", "DE", "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert all(set(h) == {"doc_id", "topic", "title", "score", "text"} for h in hits)
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]


def test_kb_search_batch(runner, batch_file, tmp_path):
    out = tmp_path / "hits.jsonl"
    result = runner.invoke(cli.app, ["kb", "search", "--input", str(batch_file),
                                     "--output", str(out), "--k", "2"])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a1", "a5"]
    assert all(len(r["hits"]) == 2 for r in rows)


def test_missing_input_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(cli.app, ["triage", "--input", str(tmp_path / "nope.jsonl"),
                                     "--output", str(tmp_path / "o.jsonl")])
    assert result.exit_code != 0


def test_keys_create_prints_a_working_key_once_and_revoke_stops_it(runner, sqlite_runtime):
    from app.accounts.service import authenticate_key

    made = runner.invoke(cli.app, ["keys", "create", "--name", "cli test", "--role", "bot",
                                   "--workspace", "default"])
    assert made.exit_code == 0, made.output
    key = made.stdout.strip().splitlines()[-1]
    with sqlite_runtime.session_factory() as session:
        assert authenticate_key(session, key).role == "bot"
    prefix = key.split("_")[1]
    assert runner.invoke(cli.app, ["keys", "revoke", prefix]).exit_code == 0
    with sqlite_runtime.session_factory() as session:
        assert authenticate_key(session, key) is None


def test_users_create_refuses_a_short_password_with_the_reason(runner):
    result = runner.invoke(cli.app, ["users", "create", "--email", "x@shop.example",
                                     "--password", "short"])
    assert result.exit_code != 0
    assert str(result.exception) == "password: at least 12 characters"


def test_triage_corrections_export_is_json_lines(runner, tmp_path, client, workspace):
    from tests.conftest import wait_for
    from tests.factories import inbound

    headers = {"X-Workspace": workspace}
    ids = client.post("/v1/messages", json=inbound(text="Cancel it please"),
                      headers=headers).json()
    wait_for(lambda: client.get(f"/v1/conversations/{ids['conversation_id']}",
                                headers=headers).json()["messages"][0]["triage"])
    client.post(f"/v1/messages/{ids['message_id']}/triage", headers=headers,
                json={"intent": "spam_other", "urgency": "low", "actor": "ana"})
    out = tmp_path / "corrections.jsonl"
    result = runner.invoke(cli.app, ["triage", "corrections", "--output", str(out),
                                     "--workspace", workspace])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text().splitlines()] == [
        {"id": ids["message_id"], "text": "Cancel it please", "channel": "email",
         "intent": "spam_other", "urgency": "low"}]
