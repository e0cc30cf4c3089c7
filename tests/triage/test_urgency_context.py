"""Urgency from context: repeat contact, waiting time, VIP customers, public complaints."""

from __future__ import annotations

from datetime import timedelta

from app.accounts.service import Principal
from app.config import PROJECT_ROOT
from app.conversations.customers import set_tags
from app.conversations.models import Customer, Message
from app.db import unit_of_work, utcnow
from app.triage.schemas import TriageInput
from app.triage.service import context_for
from app.triage.signals import load_signals
from app.triage.urgency import decide, load_policy

POLICY = load_policy(PROJECT_ROOT / "prompts" / "triage" / "policy-v1.yaml")
SIGNALS = load_signals(PROJECT_ROOT / "prompts" / "triage" / "signals-v1.yaml")


def urgency(**fields) -> tuple[str, list[str]]:
    item = TriageInput(text=fields.pop("text", "Where is my order?"), **fields)
    return decide(item, "order_status", fields.get("sentiment", "neutral"), SIGNALS, POLICY,
                  {"en"})


def test_plain_tracking_question_is_normal():
    assert urgency() == ("normal", ["urgency normal: usual for intent order_status"])


def test_repeat_contact_and_waiting_raise_to_high():
    assert urgency(prior_contacts=2) == (
        "high", ["urgency high: 2 earlier messages still unanswered"])
    assert urgency(waiting_hours=30) == ("high", ["urgency high: waiting 30 h for an answer"])
    assert urgency(prior_contacts=1, waiting_hours=5)[0] == "normal"


def test_vip_raises_one_level_but_never_to_urgent():
    assert urgency(customer_tags=["VIP"]) == (
        "high", ["urgency normal: usual for intent order_status",
                 "urgency high: vip customer, one level up"])
    level, reasons = urgency(customer_tags=["vip"], prior_contacts=3)
    assert level == "high" and not any("one level up" in r for r in reasons)


def test_legal_threat_is_urgent_whatever_the_context():
    level, reasons = urgency(text="I will hand this to my lawyer tomorrow")
    assert level == "urgent"
    assert reasons == ["urgency urgent: legal action or a lawyer mentioned"]


def test_the_service_reads_the_context_from_the_conversation(sqlite_runtime, client,
                                                            workspace):
    from tests.factories import inbound

    headers = {"X-Workspace": workspace}
    ids = [client.post("/v1/messages", headers=headers,
                       json=inbound(external_id=f"ctx-{workspace}-{i}", customer={
                           "handle": "same@example.com", "email": "same@example.com"})).json()
           for i in range(3)]
    with unit_of_work(sqlite_runtime.session_factory) as session:
        customer = session.get(Customer, ids[0]["customer_id"])
        set_tags(session, customer.workspace_id, customer.id, ["VIP"],
                 Principal("user", 1, "ana@shop.example", "agent", ("*",)))
        first = session.get(Message, ids[0]["message_id"])
        first.received_at = utcnow() - timedelta(hours=30)
        session.flush()
        context = context_for(session, session.get(Message, ids[2]["message_id"]))
    assert context.prior_contacts == 2
    assert 29.9 <= context.waiting_hours <= 30.1
    assert context.customer_tags == ["vip"]
