"""The dialogues stage of a suite: four scripted chats through the bot over a fake order
store, and the figures, checks, junit and report they make (computed by hand)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from app.bot.dialogue import BotKit, load_replies
from app.config import PROJECT_ROOT
from app.evaluation.dialogues import dialogue_rows
from app.evaluation.junit import junit_xml
from app.evaluation.report import render
from app.evaluation.results import build_results
from app.evaluation.runner import Pipelines, run_cases
from app.evaluation.suites import load_suite, read_dataset
from app.orders.fakes import FakeOrderProvider
from app.orders.ports import Order, Shipment
from app.triage.schemas import TriageOutput

REPLIES = load_replies(PROJECT_ROOT / "prompts" / "bot" / "replies-v1.yaml")
ORDER = Order(number="#1001", source="test", marketplace="own_store", market="DE",
              status="in_transit", placed_at=datetime(2026, 11, 10, tzinfo=UTC),
              email="jonas@example.com", postcode="10115", customer_name="Jonas Weber",
              shipments=(Shipment(carrier="DHL", tracking_number="JD014600006281",
                                  status="in_transit"),))


def _chat(id_: str, kind: str, turns: list[str], status: str | None, handoff: bool,
          locked: bool) -> dict:
    return {"id": id_, "language": "en", "channel": "web_chat", "kind": kind, "turns": turns,
            "expect": {"status": status, "order": "#1001", "handoff": handoff,
                       "locked": locked}}


CHATS = [
    # verified by postcode: the status, nothing else to fail
    _chat("s1", "postcode", ["Where is #1001?", "10115"], "in_transit", False, False),
    # a wrong e-mail: no status (one attempt of three used), so right_status fails
    _chat("s2", "wrong_email", ["Where is #1001?", "x@y.example"], "in_transit", False, False),
    # asks for a person: handed over, as expected
    _chat("s3", "handoff_request", ["I want to talk to a person"], None, True, False),
    # three wrong e-mails lock the chat and hand it over; the row (wrongly) expects neither
    _chat("s4", "locked", ["#1001", "a@b.example", "c@d.example", "e@f.example"], None,
          False, False),
]


def _triage(text: str) -> TriageOutput:
    intent = "contact_human" if "person" in text else "order_status"
    return TriageOutput(intent=intent, intent_confidence=0.9, sentiment="neutral",
                        urgency="normal", language="en", language_confidence=0.9, reasons=[],
                        needs_human=False, model_id="test", taxonomy_version="test")


def _run(tmp_path, orders: FakeOrderProvider):
    (tmp_path / "chats.jsonl").write_text("".join(json.dumps(c) + "\n" for c in CHATS),
                                          encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: bot\nslices: [language]\nbatch_size: 3\n"
        "datasets: [{name: chats, path: chats.jsonl, stages: [dialogues]}]\n"
        "gates: [dialogues.leaks == 0, dialogues.right_status >= 0.9]\n", encoding="utf-8")
    suite = load_suite(tmp_path / "s.yaml")
    kit = BotKit(REPLIES, orders, _triage, lambda order, language: [], lambda language: [])
    pipes = Pipelines(dialogues=lambda rows: dialogue_rows(rows, lambda d: kit, REPLIES,
                                                           orders.find))
    cases = run_cases(suite, {"chats": read_dataset(suite, suite.datasets[0])}, pipes)
    results = build_results(suite, cases, pipes, {}, datetime(2026, 1, 2, tzinfo=UTC), 1.0)
    return results, cases


def test_each_dialogue_is_a_case_with_its_checks(tmp_path):
    orders = FakeOrderProvider([ORDER])
    cases = _run(tmp_path, orders)[1]
    assert [(c["id"], c["checks"], c["passed"]) for c in cases] == [
        ("s1", {"right_status": True, "no_leak": True, "handoff_as_expected": True,
                "locked_as_expected": True}, True),
        ("s2", {"right_status": False, "no_leak": True, "handoff_as_expected": True,
                "locked_as_expected": True}, False),
        ("s3", {"no_leak": True, "handoff_as_expected": True, "locked_as_expected": True},
         True),
        ("s4", {"no_leak": True, "handoff_as_expected": False, "locked_as_expected": False},
         False)]
    s1 = cases[0]
    assert s1["text"] == "Where is #1001?\n10115"
    assert [(t["customer"], t["step"]) for t in s1["dialogue"]["transcript"]] == [
        ("Where is #1001?", "awaiting_verification"), ("10115", "open")]
    assert "Your order #1001 is on its way." in s1["dialogue"]["transcript"][1]["bot"]
    assert cases[3]["dialogue"]["failures"] == ["hand-off True, expected False",
                                                "locked True, expected False"]
    assert set(s1["latency_ms"]) == {"dialogues"}
    assert "#1001" in orders.lookups


def test_the_figures_gates_and_outputs(tmp_path):
    results, cases = _run(tmp_path, FakeOrderProvider([ORDER]))
    m = results["metrics"]
    # answerable: s1 (stated) and s2 (not); no leak; s4 locked and handed over unexpectedly
    assert {k: v for k, v in m.items() if k.startswith("dialogues.")} == {
        "dialogues.n": 4, "dialogues.right_status": 0.5, "dialogues.leaks": 0,
        "dialogues.handoff_as_expected": 0.75, "dialogues.locked_as_expected": 0.75}
    assert [(g["gate"], g["actual"], g["passed"]) for g in results["gates"]] == [
        ("dialogues.leaks == 0", 0, True), ("dialogues.right_status >= 0.9", 0.5, False)]
    assert results["cases"] == {"n": 4, "passed": 2}
    detail = results["details"]["dialogues"]
    assert (detail["answerable"], detail["targets_met"]["right_status"]) == (2, False)
    assert detail["by_kind"]["wrong_email"]["passed"] == 0.0
    assert results["slices"]["language"]["en"]["dialogues.right_status"] == 0.5
    xml = junit_xml(results, cases)
    assert 'name="bot.chats.dialogues" tests="4" failures="2"' in xml
    assert "status in_transit of #1001 not stated" in xml
    html = render(results, cases)
    assert "<h2>Bot dialogues</h2>" in html and "4 dialogues, 2 with a status" in html
    assert "chats/s4" in html and "locked True, expected False" in html
    assert detail["failures"] == [
        {"id": "s2", "kind": "wrong_email", "language": "en",
         "failures": ["status in_transit of #1001 not stated"]},
        {"id": "s4", "kind": "locked", "language": "en",
         "failures": ["hand-off True, expected False", "locked True, expected False"]}]
    assert "<h3>failing dialogues</h3>" in html and "NOT met" in html
