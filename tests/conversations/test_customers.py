"""The customer panel: tags (normalised, at most 20) and internal notes (their author or an
admin deletes them) on the customer, shown in every conversation of that customer whatever
the channel; each change in the audit trail; other workspaces see nothing."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from app.accounts.service import Principal
from app.conversations import customers
from app.db import unit_of_work
from app.errors import AppError
from app.main import create_app
from app.review.inbox import inbox
from app.setup import alembic_config
from app.workspaces.service import ensure_workspace, get_by_slug
from tests.conftest import api_key
from tests.conversations.panel import audit_events, make_customer

ANA = Principal("user", 901, "ana@shop.example", "agent", ("*",))
BEN = Principal("user", 902, "ben@shop.example", "agent", ("*",))
ADMIN = Principal("user", 903, "root@shop.example", "admin", ("*",))


def _ws_id(runtime, slug: str) -> int:
    with runtime.session_factory() as session:
        return get_by_slug(session, slug).id


def _client(runtime, role: str, name: str, workspaces: list[str]) -> TestClient:
    key = api_key(runtime, role, workspaces, name=name)
    return TestClient(create_app(runtime=runtime), headers={"Authorization": f"Bearer {key}"})


@pytest.mark.parametrize(("raw", "tag"), [
    (" VIP ", "vip"), ("Key-Account_2", "key-account_2"), ("x" * 32, "x" * 32), ("7", "7")])
def test_a_tag_is_trimmed_and_lower_cased(raw, tag):
    assert customers.normalize_tag(raw) == tag


@pytest.mark.parametrize("raw", ["", "   ", "key account", "x" * 33, "größe", "vip!", "a.b"])
def test_a_bad_tag_is_refused_naming_it(raw):
    with pytest.raises(AppError) as refused:
        customers.normalize_tag(raw)
    assert refused.value.status_code == 422
    assert refused.value.message == (f"tags: {raw.strip()!r} is not a valid tag: use 1-32 "
                                     "letters a-z, digits, '-' or '_'")


def test_tags_are_a_set_with_at_most_20_and_each_change_is_audited(sqlite_runtime,
                                                                    workspace):
    customer_id, _ = make_customer(sqlite_runtime, workspace)
    ws = _ws_id(sqlite_runtime, workspace)
    with unit_of_work(sqlite_runtime.session_factory) as session:
        assert customers.set_tags(session, ws, customer_id, ["VIP", " wholesale", "vip"],
                                  ANA) == ["vip", "wholesale"]
        assert customers.add_tag(session, ws, customer_id, "Late-Payer", BEN) == [
            "late-payer", "vip", "wholesale"]
        assert customers.add_tag(session, ws, customer_id, "vip", BEN) == [
            "late-payer", "vip", "wholesale"]  # already there: nothing changes
        assert customers.remove_tag(session, ws, customer_id, " Wholesale", ANA) == [
            "late-payer", "vip"]
        with pytest.raises(AppError) as too_many:
            customers.set_tags(session, ws, customer_id, [f"t{i}" for i in range(21)], ANA)
        assert customers.tags_of(session, customer_id) == ["late-payer", "vip"]
    assert too_many.value.message == "tags: at most 20 tags per customer (21 given)"
    target = f"customer:{customer_id}"
    assert audit_events(sqlite_runtime, workspace) == [
        ("ana@shop.example", "customer.tags", target,
         {"added": ["vip", "wholesale"], "removed": []}),
        ("ben@shop.example", "customer.tags", target, {"added": ["late-payer"], "removed": []}),
        ("ana@shop.example", "customer.tags", target, {"added": [], "removed": ["wholesale"]}),
    ]


def test_twenty_tags_are_allowed(sqlite_runtime, workspace):
    customer_id, _ = make_customer(sqlite_runtime, workspace)
    twenty = [f"tag-{i:02d}" for i in range(20)]
    with unit_of_work(sqlite_runtime.session_factory) as session:
        assert customers.set_tags(session, _ws_id(sqlite_runtime, workspace), customer_id,
                                  twenty, ANA) == twenty


def test_notes_are_validated_and_deleted_only_by_their_author_or_an_admin(sqlite_runtime,
                                                                         workspace):
    customer_id, _ = make_customer(sqlite_runtime, workspace)
    ws = _ws_id(sqlite_runtime, workspace)
    with unit_of_work(sqlite_runtime.session_factory) as session:
        first = customers.add_note(session, ws, customer_id, "  Prefers e-mail.\r\nCall "
                                   "only after 5 pm.  ", ANA)
        second = customers.add_note(session, ws, customer_id, "x" * 2000, BEN)
        assert (first.text, first.author, first.author_kind, first.author_id) == (
            "Prefers e-mail.\nCall only after 5 pm.", "ana@shop.example", "user", 901)
        refusals = []
        for text in ("  \n ", "x" * 2001, "a\x00b"):
            with pytest.raises(AppError) as refused:
                customers.add_note(session, ws, customer_id, text, ANA)
            refusals.append((refused.value.status_code, refused.value.message))
        with pytest.raises(AppError) as not_hers:
            customers.delete_note(session, ws, customer_id, second.id, ANA)
        customers.delete_note(session, ws, customer_id, first.id, ANA)
        customers.delete_note(session, ws, customer_id, second.id, ADMIN)
        assert customers.notes_of(session, customer_id) == []
        first_id, second_id = first.id, second.id
    assert refusals == [(422, "text: a note cannot be empty"),
                        (422, "text: at most 2000 characters (2001 given)"),
                        (422, "text: must not contain NUL characters")]
    assert (not_hers.value.status_code, not_hers.value.message) == (
        403, f"note {second_id} was written by ben@shop.example; only its author or an admin "
             "may delete it")
    target = f"customer:{customer_id}"
    assert audit_events(sqlite_runtime, workspace) == [
        ("ana@shop.example", "customer.note_add", target,
         {"note_id": first_id, "text": "Prefers e-mail.\nCall only after 5 pm."}),
        ("ben@shop.example", "customer.note_add", target,
         {"note_id": second_id, "text": "x" * 2000}),
        ("ana@shop.example", "customer.note_delete", target,
         {"note_id": first_id, "text": "Prefers e-mail.\nCall only after 5 pm.",
          "author": "ana@shop.example"}),
        ("root@shop.example", "customer.note_delete", target,
         {"note_id": second_id, "text": "x" * 2000, "author": "ben@shop.example"}),
    ]


def test_the_panel_shows_a_customer_on_every_channel(sqlite_runtime, workspace):
    customer_id, (email, chat) = make_customer(sqlite_runtime, workspace,
                                             channels=("email", "web_chat"))
    ws = _ws_id(sqlite_runtime, workspace)
    with unit_of_work(sqlite_runtime.session_factory) as session:
        customers.set_tags(session, ws, customer_id, ["vip"], ANA)
        older = customers.add_note(session, ws, customer_id, "Sent a gift card.", ANA).id
        newer = customers.add_note(session, ws, customer_id, "Asked for a call.", BEN).id
    with sqlite_runtime.session_factory() as session:
        view = customers.panel(session, ws, customer_id, ANA)
        rows = {r.conversation_id: r.tags for r in inbox(session, ws)}
    assert (view.id, view.name, view.tags) == (customer_id, "Jonas Weber", ["vip"])
    assert [(i.kind, i.handle) for i in view.identities] == [
        ("email", "jonas@example.com"), ("web_chat", "jonas@example.com")]
    assert [(n.id, n.text, n.author, n.deletable) for n in view.notes] == [
        (newer, "Asked for a call.", "ben@shop.example", False),
        (older, "Sent a gift card.", "ana@shop.example", True)]
    assert [(c.id, c.channel, c.status) for c in view.conversations] == [
        (chat, "web_chat", "closed"), (email, "email", "closed")]
    assert rows == {email: ("vip",), chat: ("vip",)}


def test_the_api_reads_and_changes_the_panel(sqlite_runtime, workspace):
    customer_id, (conversation,) = make_customer(sqlite_runtime, workspace)
    headers = {"X-Workspace": workspace}
    base = f"/v1/customers/{customer_id}"
    with _client(sqlite_runtime, "agent", "helpdesk-ana", [workspace]) as ana, \
            _client(sqlite_runtime, "qa_lead", "qa-lena", [workspace]) as lena:
        put = ana.put(f"{base}/tags", headers=headers, json={"tags": ["VIP", "wholesale"]})
        posted = ana.post(f"{base}/notes", headers=headers, json={"text": " Call first. "})
        note = posted.json()
        seen_by_lena = lena.get(base, headers=headers).json()
        refused = lena.delete(f"{base}/notes/{note['id']}", headers=headers)
        deleted = ana.delete(f"{base}/notes/{note['id']}", headers=headers)
        again = ana.delete(f"{base}/notes/{note['id']}", headers=headers)
        cleared = lena.put(f"{base}/tags", headers=headers, json={"tags": []})
    assert (put.status_code, put.json()) == (200, {"tags": ["vip", "wholesale"]})
    assert posted.status_code == 201
    assert datetime.fromisoformat(note.pop("created_at")).tzinfo is not None
    assert note == {"id": note["id"], "text": "Call first.", "author": "helpdesk-ana",
                    "deletable": True}
    seen_by_lena["notes"][0].pop("created_at")
    conv = seen_by_lena["conversations"][0]
    assert seen_by_lena == {
        "id": customer_id, "name": "Jonas Weber",
        "identities": [{"kind": "email", "handle": "jonas@example.com"}],
        "tags": ["vip", "wholesale"],
        "notes": [{"id": note["id"], "text": "Call first.", "author": "helpdesk-ana",
                   "deletable": False}],
        "conversations": [{"id": conversation, "channel": "email", "status": "closed",
                           "created_at": conv["created_at"],
                           "last_message_at": conv["last_message_at"]}]}
    assert (refused.status_code, refused.json()) == (403, {"error": {"message": (
        f"note {note['id']} was written by helpdesk-ana; only its author or an admin may "
        "delete it")}})
    assert deleted.status_code == 204 and deleted.content == b""
    assert (again.status_code, again.json()) == (
        404, {"error": {"message": f"note {note['id']} not found"}})
    assert (cleared.status_code, cleared.json()) == (200, {"tags": []})
    assert [(actor, action) for actor, action, _, _ in audit_events(sqlite_runtime, workspace)] == [
        ("helpdesk-ana", "customer.tags"), ("helpdesk-ana", "customer.note_add"),
        ("helpdesk-ana", "customer.note_delete"), ("qa-lena", "customer.tags")]


def test_the_api_refuses_bad_input_with_the_reason(sqlite_runtime, client, workspace):
    customer_id, _ = make_customer(sqlite_runtime, workspace)
    headers = {"X-Workspace": workspace}
    base = f"/v1/customers/{customer_id}"
    cases = [
        client.put(f"{base}/tags", headers=headers, json={"tags": ["ok", "not ok"]}),
        client.put(f"{base}/tags", headers=headers,
                   json={"tags": [f"t{i}" for i in range(21)]}),
        client.put(f"{base}/tags", headers=headers, json={"tags": "vip"}),
        client.post(f"{base}/notes", headers=headers, json={"text": "   "}),
        client.post(f"{base}/notes", headers=headers, json={"text": "é" * 2001}),
        client.post(f"{base}/notes", headers=headers, json={}),
    ]
    assert [(r.status_code, r.json()["error"]["message"]) for r in cases] == [
        (422, "tags: 'not ok' is not a valid tag: use 1-32 letters a-z, digits, '-' or '_'"),
        (422, "tags: at most 20 tags per customer (21 given)"),
        (422, "invalid request: tags: Input should be a valid list"),
        (422, "text: a note cannot be empty"),
        (422, "text: at most 2000 characters (2001 given)"),
        (422, "invalid request: text: Field required"),
    ]
    assert client.get(base, headers=headers).json()["tags"] == []
    assert audit_events(sqlite_runtime, workspace) == []


def test_another_workspace_sees_no_customer_and_a_bot_key_is_refused(sqlite_runtime, client,
                                                                     workspace):
    customer_id, _ = make_customer(sqlite_runtime, workspace)
    other = f"other-{time.monotonic_ns()}"
    with unit_of_work(sqlite_runtime.session_factory) as session:
        ensure_workspace(session, other)
        note = customers.add_note(session, _ws_id(sqlite_runtime, workspace), customer_id,
                                  "Internal.", ANA).id
    base = f"/v1/customers/{customer_id}"
    elsewhere = {"X-Workspace": other}
    hidden = [client.get(base, headers=elsewhere),
              client.put(f"{base}/tags", headers=elsewhere, json={"tags": ["vip"]}),
              client.post(f"{base}/notes", headers=elsewhere, json={"text": "x"}),
              client.delete(f"{base}/notes/{note}", headers=elsewhere)]
    assert [(r.status_code, r.json()) for r in hidden] == [
        (404, {"error": {"message": f"customer {customer_id} not found"}})] * 4
    with _client(sqlite_runtime, "bot", "order-bot", [workspace]) as bot:
        refused = [bot.get(base, headers={"X-Workspace": workspace}),
                   bot.put(f"{base}/tags", headers={"X-Workspace": workspace},
                           json={"tags": ["vip"]}),
                   bot.post(f"{base}/notes", headers={"X-Workspace": workspace},
                            json={"text": "x"}),
                   bot.delete(f"{base}/notes/{note}", headers={"X-Workspace": workspace})]
    assert [(r.status_code, r.json()["error"]["message"]) for r in refused] == [
        (403, "role bot may not do this (allowed: agent, qa_lead, admin)")] * 4
    with _client(sqlite_runtime, "agent", "outsider", [other]) as outsider:
        locked_out = outsider.get(base, headers={"X-Workspace": workspace})
    assert (locked_out.status_code, locked_out.json()) == (
        404, {"error": {"message": f"workspace {workspace} not found"}})
    assert [a for _, a, _, _ in audit_events(sqlite_runtime, workspace)] == ["customer.note_add"]
    assert audit_events(sqlite_runtime, other) == []


def test_a_note_of_another_customer_is_not_found(sqlite_runtime, client, workspace):
    first, _ = make_customer(sqlite_runtime, workspace, handle="one@example.com")
    second, _ = make_customer(sqlite_runtime, workspace, handle="two@example.com")
    with unit_of_work(sqlite_runtime.session_factory) as session:
        note = customers.add_note(session, _ws_id(sqlite_runtime, workspace), first,
                                  "Mine.", ANA).id
    response = client.delete(f"/v1/customers/{second}/notes/{note}",
                             headers={"X-Workspace": workspace})
    assert (response.status_code, response.json()) == (
        404, {"error": {"message": f"note {note} not found"}})


def test_migration_0007_moves_free_form_tags_into_rows_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0006")
    engine = sa.create_engine(url)
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO workspace (id, slug, name, created_at) "
                           "VALUES (1, 'w', 'W', '2026-01-01 00:00:00')"))
        db.execute(sa.text("INSERT INTO customer (id, workspace_id, name, tags, created_at) "
                           "VALUES (1, 1, 'A', :a, '2026-01-01 00:00:00'), "
                           "(2, 1, 'B', '[]', '2026-01-01 00:00:00')"),
                   {"a": '["VIP", "Key Account", "vip", "!!!"]'})
    command.upgrade(config, "0007")
    with engine.begin() as db:
        rows = db.execute(sa.text("SELECT workspace_id, customer_id, tag FROM customer_tag "
                                  "ORDER BY id")).all()
        columns = [c["name"] for c in sa.inspect(db).get_columns("customer")]
    command.downgrade(config, "0006")
    with engine.begin() as db:
        back = db.execute(sa.text("SELECT id, tags FROM customer ORDER BY id")).all()
    engine.dispose()
    assert rows == [(1, 1, "vip"), (1, 1, "key-account")]
    assert columns == ["id", "workspace_id", "name", "created_at"]
    assert back == [(1, '["key-account", "vip"]'), (2, "[]")]
