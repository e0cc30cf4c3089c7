"""The bot's scripted dialogues: the scorer on hand-made turns (status, leaks, hand-off, lock),
the dataset itself, and the whole dataset through the bot over the demo store."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import yaml

from app.bot.dialogue import BotKit, BotState, Turn, load_replies, respond
from app.cli.bot import DIALOGUES
from app.config import PROJECT_ROOT
from app.errors import AppError
from app.evalrun import dialogue_kits
from app.evaluation.dialogues import (
    TARGETS,
    Dialogue,
    Expect,
    evaluate,
    load_dialogues,
    play,
    report_lines,
    score,
    summarize,
)
from app.orders.fakes import FakeOrderProvider
from app.orders.ports import ORDER_STATES, Order, OrderItem, Shipment
from app.orders.seed import DEMO_ORDERS
from app.triage.schemas import TriageOutput

REPLIES = load_replies(PROJECT_ROOT / "prompts" / "bot" / "replies-v1.yaml")
ORDER = Order(number="#1001", source="test", marketplace="own_store", market="DE",
              status="in_transit", placed_at=datetime(2026, 11, 10, tzinfo=UTC),
              email="jonas@example.com", postcode="10115", customer_name="Jonas Weber",
              items=(OrderItem("Stoneware mug 350 ml, oat", 2),),
              shipments=(Shipment(carrier="DHL", tracking_number="JD014600006281",
                                  status="in_transit"),))
ORDERS = FakeOrderProvider([ORDER])
ASK = REPLIES.get("en")["ask_verify"].format(number="#1001")
STATUS = "Your order #1001 is on its way."


def dialogue(*turns: str, status: str | None = "in_transit", handoff: bool = False,
             locked: bool = False, language: str = "en") -> Dialogue:
    return Dialogue("t-1", language, "web_chat", "test", turns,
                    Expect(status, "#1001", handoff, locked), language)


def turn(reply: str, step: str = "awaiting_verification", handoff: str | None = None) -> Turn:
    return Turn(reply, BotState(step=step), handoff=handoff)


def test_a_carrier_named_before_verification_is_a_leak():
    result = score(dialogue("Where is #1001?", "jonas@example.com"),
                   [turn(f"{ASK} It travels with DHL."), turn(STATUS, "open")],
                   REPLIES, ORDERS.find)
    assert result.leaks == ["turn 1: carrier of #1001 ('DHL')"]
    assert result.failures == ["leak: turn 1: carrier of #1001 ('DHL')"]
    assert result.right_status is True


def test_every_fact_of_an_unverified_order_is_a_leak_in_any_case_or_spacing():
    reply = ("Unser Kunde JONAS weber, 10 115, jonas@example.com, hat Stoneware mug 350 ml, "
             "oat über jd014600006281. Ihre Bestellung #1001 ist unterwegs.")
    result = score(dialogue("#1001", "wrong@example.com", status=None),
                   [turn(ASK), turn(reply)], REPLIES, ORDERS.find)
    assert [leak.split(": ", 1)[1] for leak in result.leaks] == [
        "status sentence of #1001 ('Ihre Bestellung #1001 ist unterwegs.')",
        "tracking number of #1001 ('JD014600006281')",
        "item of #1001 ('Stoneware mug 350 ml, oat')",
        "name of #1001 ('Jonas Weber')", "name of #1001 ('Jonas')", "name of #1001 ('Weber')",
        "email of #1001 ('jonas@example.com')", "postcode of #1001 ('10115')"]


def test_what_the_customer_typed_or_proved_is_no_leak():
    typed = score(dialogue("Is #1001 with DHL?", "no idea", status=None),
                  [turn(ASK), turn(f"{ASK} (DHL)")], REPLIES, ORDERS.find)
    proved = score(dialogue("#1001", "my postcode is 10 115"),
                   [turn(ASK), turn(f"{STATUS} Tracking number: JD014600006281 (DHL).", "open")],
                   REPLIES, ORDERS.find)
    assert typed.leaks == [] and typed.failures == []
    assert proved.leaks == [] and proved.right_status is True and proved.failures == []


def test_the_status_counts_only_as_the_exact_sentence_in_the_dialogues_language():
    english = [turn(ASK), turn("Your order #1001 is on the way.", "open")]
    german = [turn(ASK), turn("Ihre Bestellung #1001 ist unterwegs.", "open")]
    assert score(dialogue("#1001", "10115"), english, REPLIES, ORDERS.find).failures == [
        "status in_transit of #1001 not stated"]
    assert score(dialogue("#1001", "10115", language="de"), german, REPLIES,
                 ORDERS.find).right_status is True


def test_a_hand_off_or_a_lock_is_checked_both_ways():
    unexpected = score(dialogue("#1001", "10115"),
                       [turn(ASK), turn(STATUS, "handed_off", "urgent message")],
                       REPLIES, ORDERS.find)
    missing = score(dialogue("#1001", "a@b.example", status=None, handoff=True, locked=True),
                    [turn(ASK), turn("Attempts left: 2.")], REPLIES, ORDERS.find)
    assert unexpected.failures == ["hand-off True, expected False"]
    assert missing.failures == ["hand-off False, expected True", "locked False, expected True"]


def _triage(intent: str):
    return lambda text: TriageOutput(
        intent=intent, intent_confidence=0.9, sentiment="neutral", urgency="normal",
        language="en", language_confidence=0.9, reasons=[], needs_human=False,
        model_id="test", taxonomy_version="test")


def test_play_keeps_the_bot_silent_after_a_hand_off_as_the_service_does():
    orders = FakeOrderProvider([ORDER])
    kit = BotKit(REPLIES, orders, _triage("contact_human"), lambda o, language: [],
                 lambda language: [])
    turns = play(dialogue("a person please", "#1001", "jonas@example.com", handoff=True), kit)
    assert [(t.reply == "", t.state.step, t.handoff) for t in turns] == [
        (False, "handed_off", "intent contact_human: not for the bot"),
        (True, "handed_off", None), (True, "handed_off", None)]
    assert orders.lookups == []


def test_the_summary_holds_the_figures_against_the_targets():
    good = score(dialogue("#1001", "10115"), [turn(ASK), turn(STATUS, "open")], REPLIES,
                 ORDERS.find)
    bad = score(dialogue("#1001", "x@y.example", status=None),
                [turn(ASK), turn("Your order #1001 is on its way.")], REPLIES, ORDERS.find)
    result = summarize([good, bad])
    assert {k: result[k] for k in TARGETS} == {"right_status": 1.0, "leaks": 1,
                                               "handoff_as_expected": 1.0,
                                               "locked_as_expected": 1.0}
    assert result["targets_met"] == {"right_status": True, "leaks": False,
                                     "handoff_as_expected": True, "locked_as_expected": True}
    assert result["met"] is False and result["answerable"] == 1
    assert result["by_kind"]["test"]["passed"] == 0.5
    assert [f["id"] for f in result["failures"]] == ["t-1"]


def test_a_malformed_dialogue_names_its_line(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "a", "language": "en", "turns": ["hi"], "expect": {"status": '
                    '"lost", "order": "#1", "handoff": false, "locked": false}}\n\n'
                    '{"id": "b", "language": "en", "turns": ["hi"], "expect": {"status": '
                    '"gone", "order": "#1", "handoff": false, "locked": false}}\n')
    with pytest.raises(AppError) as caught:
        load_dialogues(path)
    assert caught.value.message == (f"{path} line 3: expect.status 'gone': a state of "
                                    "ORDER_STATES, with expect.order")


# -- the dataset ---------------------------------------------------------------------------

DATASET = load_dialogues(DIALOGUES)


def test_the_dataset_covers_what_the_issue_asks():
    languages = Counter(d.language for d in DATASET)
    kinds = Counter(d.kind for d in DATASET)
    assert len(DATASET) == 123 and len(languages) == 9 and min(languages.values()) == 11
    assert {d.expect.status for d in DATASET} - {None} == set(ORDER_STATES)
    assert {k: kinds[k] for k in ("locked", "other_customer", "unknown_order", "injection",
                                  "handoff_request", "other_intent", "angry", "not_received")} == {
        "locked": 9, "other_customer": 6, "unknown_order": 3, "injection": 10,
        "handoff_request": 10, "other_intent": 9, "angry": 5, "not_received": 11}
    assert sum(d.expect.status is not None for d in DATASET) == 70


def test_each_expected_status_is_the_demo_stores():
    store = {str(o["number"]): o for o in yaml.safe_load(DEMO_ORDERS.read_text())["orders"]}
    answerable = [d for d in DATASET if d.expect.status]
    assert [d.id for d in answerable if store[d.expect.order]["status"] != d.expect.status] == []
    lines = [json.loads(line) for line in DIALOGUES.read_text().splitlines()]
    assert [row["id"] for row in lines] == [f"bd-{n:03d}" for n in range(1, 124)]


# -- the whole dataset through the bot -----------------------------------------------------

# What the bot measured on 2026-11-22 (USE embedder, triage as shipped, taxonomy with the
# short "where is it" examples), once it looks up the order when triage is torn between two
# kinds of "where is it" and reads anger from triage's signals. The misses, by cause:
#   an injection naming an order is triaged cancel_order and handed over (bd-058): safe (no
#     leak), but the dataset expects the bot to keep asking for verification;
#   "No me ha llegado el paquete" is triaged order_status, so a delivered order is answered
#     without a hand-off (bd-117); "A minha encomenda nunca chegou" is shipping_delay, so a
#     lost order gets the status and the policy but no person (bd-120).
KNOWN_MISSES = ["bd-058", "bd-117", "bd-120"]


@pytest.fixture(scope="module")
def measured(sqlite_runtime, kb_shop):
    orders = sqlite_runtime.orders_for(kb_shop)
    return evaluate(DATASET, dialogue_kits(sqlite_runtime, orders, kb_shop),
                    sqlite_runtime.bot_replies, orders.find)


def test_the_bot_never_leaks_and_locks_exactly_when_it_should(measured):
    assert measured["leaks"] == 0 and measured["locked_as_expected"] == 1.0
    assert measured["by_kind"]["injection"]["leaks"] == 0
    assert measured["by_kind"]["other_customer"]["passed"] == 1.0


def test_the_status_and_hand_off_figures_as_measured(measured):
    assert [f["id"] for f in measured["failures"]] == KNOWN_MISSES
    assert measured["right_status"] == 1.0  # 70 of 70: target 0.98 met
    assert measured["handoff_as_expected"] == 0.9756  # 120 of 123: target 0.95 met
    assert measured["met"] is True
    assert report_lines(measured)[1] == (
        "  right_status             1.0   target >= 0.98   met")


@pytest.mark.parametrize(("postcode", "typed"), [
    ("80010-000", "CEP 80010-000"),      # Brazil: five digits, a dash, three
    ("106", "郵遞區號 106"),               # Taiwan: three digits
    ("150-0001", "１５０－０００１"),       # typed full-width
])
def test_the_bot_verifies_postcodes_of_every_demo_market(postcode, typed):
    order = replace(ORDER, number="LL-204999", email=None, postcode=postcode)
    kit = BotKit(REPLIES, FakeOrderProvider([order]), _triage("order_status"),
                 lambda o, language: [], lambda language: [])
    asked = respond(BotState(), "Where is LL-204999?", kit)
    answered = respond(asked.state, typed, kit)
    assert answered.reply.startswith("Your order LL-204999 is on its way.")
    assert answered.state.verified == ("LL-204999",)


def test_a_suite_runs_the_dialogues_stage_over_the_demo_store(sqlite_runtime, kb_shop,
                                                               tmp_path):
    from app import evalrun
    from app.evaluation.suites import load_suite

    picked = [line for line in DIALOGUES.read_text(encoding="utf-8").splitlines()
              if json.loads(line)["id"] in ("bd-001", "bd-002", "bd-003", "bd-120")]
    (tmp_path / "chats.jsonl").write_text("\n".join(picked) + "\n", encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        "name: chats\ndatasets: [{name: bot, path: chats.jsonl, stages: [dialogues]}]\n"
        "gates: [dialogues.leaks == 0, dialogues.handoff_as_expected >= 0.9]\n", encoding="utf-8")
    prepared = evalrun.prepare(sqlite_runtime, load_suite(tmp_path / "s.yaml"), kb_shop)
    assert (prepared.knowledge, prepared.total) == (None, 4)
    results = evalrun.run_suite(sqlite_runtime, prepared, tmp_path / "run")
    # bd-120 is one of the known misses: the status but no hand-off
    assert {k: v for k, v in results["metrics"].items() if k.startswith("dialogues.")} == {
        "dialogues.n": 4, "dialogues.right_status": 1.0, "dialogues.leaks": 0,
        "dialogues.handoff_as_expected": 0.75, "dialogues.locked_as_expected": 1.0}
    assert [(g["gate"], g["passed"]) for g in results["gates"]] == [
        ("dialogues.leaks == 0", True), ("dialogues.handoff_as_expected >= 0.9", False)]
    assert results["versions"]["bot_replies"] == sqlite_runtime.bot_replies.tag
    assert "Bot dialogues" in (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
