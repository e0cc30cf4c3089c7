"""Proactive delay notices: a draft per late or stuck shipment, once, never sent unapproved."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select

from app.bot.proactive import notice_delays
from app.db import unit_of_work
from app.drafting.models import Draft
from app.orders.fakes import FakeOrderProvider
from app.workspaces.service import ensure_workspace
from tests.bot.test_dialogue import IN_TRANSIT

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LATE = replace(IN_TRANSIT, number="LL-555001", status="delayed", market="DE",
               customer_name="Jonas Weber", shipments=(replace(
                   IN_TRANSIT.shipments[0], status="delayed", promised_by=date(2026, 11, 19)),))
ON_TIME = replace(IN_TRANSIT, number="LL-555002", shipments=(replace(
    IN_TRANSIT.shipments[0], promised_by=date(2026, 11, 25)),))


def test_a_late_shipment_gets_one_german_draft_for_agents(sqlite_runtime, client):
    slug = f"notices-{time.monotonic_ns()}"
    orders = FakeOrderProvider([LATE, ON_TIME])
    with unit_of_work(sqlite_runtime.session_factory) as session:
        workspace = ensure_workspace(session, slug)
        made = notice_delays(session, workspace, orders, sqlite_runtime.notice_kit, NOW, 5)
        again = notice_delays(session, workspace, orders, sqlite_runtime.notice_kit, NOW, 5)
        assert (len(made), again) == (1, [])
        draft = made[0]
        assert (draft.status, draft.channel, draft.language, draft.drafter) == (
            "pending", "email", "de", "proactive")
        assert draft.text == (
            "Guten Tag Jonas,\n\n"
            "Ihre Bestellung LL-555001 verspätet sich: Sie ist bis zum zugesagten Datum nicht "
            "angekommen. Sendungsnummer: JD014600006281 (DHL). Letzte Meldung (2026-11-20): "
            "Arrived at the parcel centre.\n\n"
            "Es tut uns leid, dass Sie warten müssen. Wir klären das mit dem "
            "Versanddienstleister und halten Sie auf dem Laufenden.\n\n"
            "Mit freundlichen Grüßen\nLumen & Loom Kundenservice")
        conversation_id, draft_id = draft.conversation_id, draft.id
        assert session.scalar(select(Draft).where(Draft.workspace_id == workspace.id,
                                                  Draft.status != "pending")) is None
    timeline = client.get(f"/v1/conversations/{conversation_id}",
                          headers={"X-Workspace": slug}).json()
    assert [(m["direction"], m["text"]) for m in timeline["messages"]] == [(
        "system", "Proactive notice: DHL shipment JD014600006281 of order LL-555001 is past "
                  "its promised date (2026-11-19) and not delivered.")]
    approved = client.post(f"/v1/drafts/{draft_id}/approve", headers={"X-Workspace": slug})
    assert approved.status_code == 200
    assert approved.json()["draft"]["final_text"].startswith("Guten Tag Jonas,")


def test_a_shipment_without_news_for_days_is_noticed_as_stuck(sqlite_runtime):
    quiet = replace(IN_TRANSIT, number="LL-555003")  # last event 2026-11-20 07:30
    with unit_of_work(sqlite_runtime.session_factory) as session:
        workspace = ensure_workspace(session, f"stuck-{time.monotonic_ns()}")
        kit = sqlite_runtime.notice_kit
        orders = FakeOrderProvider([quiet])
        assert notice_delays(session, workspace, orders, kit, NOW, 5) == []
        later = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
        [draft] = notice_delays(session, workspace, orders, kit, later, 5)
        assert draft.reason == "proactive notice: shipment stuck"
        assert draft.text.split("\n\n")[1] == (
            "Der Versanddienstleister hat seit einigen Tagen keinen Fortschritt zu Ihrer "
            "Bestellung LL-555003 gemeldet. Sendungsnummer: JD014600006281 (DHL). Letzte "
            "Meldung (2026-11-20): Arrived at the parcel centre.")  # the order ships to DE
