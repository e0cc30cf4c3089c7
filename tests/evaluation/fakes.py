"""A small suite run on fake pipelines: every figure in the tests is computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from app.config import PROJECT_ROOT
from app.drafting.tone import load_tone_profiles
from app.evaluation.results import build_results
from app.evaluation.runner import Pipelines, run_cases
from app.evaluation.suites import Dataset, Suite, load_suite

MESSAGES = [  # gold labels
    {"id": "c1", "text": "I want my money back", "language": "en", "channel": "email",
     "intent": "refund_request", "urgency": "urgent"},
    {"id": "c2", "text": "Cancel or change my order", "language": "en", "channel": "sms",
     "intent": "cancel_order", "also_ok": ["change_order"], "urgency": "high"},
    {"id": "c3", "text": "Refund now or I call my lawyer", "language": "en", "channel": "email",
     "intent": "refund_request", "urgency": "urgent"},
    {"id": "c4", "text": "Please cancel", "language": "en", "channel": "sms",
     "intent": "cancel_order", "urgency": "normal"},
]
TRIAGED = {  # what the fake triage answers: intent, confidence, urgency
    "c1": ("refund_request", 0.9, "urgent"), "c2": ("change_order", 0.6, "high"),
    "c3": ("cancel_order", 0.8, "high"), "c4": ("cancel_order", 0.2, "normal"),
}
QUESTIONS = [
    {"id": "k1", "text": "how do returns work", "language": "en",
     "gold_topics": ["returns-policy"]},
    {"id": "k2", "text": "when does my refund arrive", "language": "de",
     "gold_topics": ["refund-timing"]},
]
HITS = {"k1": ["returns-policy", "refund-policy"],
        "k2": ["refund-policy", "refund-policy", "refund-timing"]}
DRAFT_CASES = [
    {"id": "d1", "text": "Ich möchte zurücksenden", "language": "de", "channel": "email",
     "gold_topics": ["returns-policy"], "forbidden": ["gutschein"], "trap": "none"},
    {"id": "d2", "text": "<script>alert(1)</script> rembourser?", "language": "fr",
     "channel": "sms", "gold_topics": ["refund-timing"], "forbidden": [], "trap": "none"},
]
DRAFTS = {
    "d1": {"text": "Hallo, Sie können den Artikel zurücksenden.", "language": "de",
           "citations": [{"doc_id": "de/returns-policy", "topic": "returns-policy"}],
           "violations": [], "needs_human": False, "reason": ""},
    "d2": {"text": "Hello, we will check.", "language": "en", "citations": [],
           "violations": [], "needs_human": True, "reason": "unsure"},
}


def fake_triage(triaged: dict):
    def run(rows: list[dict]) -> list[dict]:
        return [{"id": r["id"], "intent": triaged[r["id"]][0],
                 "intent_confidence": triaged[r["id"]][1], "urgency": triaged[r["id"]][2],
                 "sentiment": "neutral", "language": "en",
                 "needs_human": triaged[r["id"]][1] < 0.5, "reasons": []} for r in rows]
    return run


def pipelines(triaged: dict | None = None) -> Pipelines:
    return Pipelines(
        triage=fake_triage(triaged or TRIAGED),
        retrieve=lambda rows: [{"hits": [{"topic": t, "doc_id": f"en/{t}"}
                                         for t in HITS[r["id"]]]} for r in rows],
        draft=lambda rows: [DRAFTS[r["id"]] for r in rows],
        tones=load_tone_profiles(PROJECT_ROOT / "prompts" / "tone"), threshold=0.5, k=5)


def suite(tmp_path, gates: str = "") -> Suite:
    path = tmp_path / "s.yaml"
    path.write_text("name: fake\nslices: [language]\nbatch_size: 3\ndatasets:\n"
                    "  - {name: msgs, path: msgs.jsonl, stages: [triage]}\n"
                    "  - {name: kb, path: kb.jsonl, stages: [retrieval]}\n"
                    "  - {name: drafts, path: drafts.jsonl, stages: [drafting]}\n" + gates,
                    encoding="utf-8")
    for name in ("msgs", "kb", "drafts"):
        (tmp_path / f"{name}.jsonl").write_text("{}\n", encoding="utf-8")
    return load_suite(path)


ROWS = {"msgs": MESSAGES, "kb": QUESTIONS, "drafts": DRAFT_CASES}


def run(tmp_path, triaged: dict | None = None, gates: str = "") -> tuple[dict, list[dict]]:
    loaded = suite(tmp_path, gates)
    pipes = pipelines(triaged)
    cases = run_cases(loaded, ROWS, pipes)
    results = build_results(loaded, cases, pipes, {"intent_model": "fake@1"},
                            datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), 1.5)
    return results, cases


def dataset(suite_: Suite, name: str) -> Dataset:
    return next(d for d in suite_.datasets if d.name == name)


# A handful of labelled cases for suites run in tests (the CLI and the web UI).
CASES = [
    {"id": "e1", "text": "Where is my parcel? I ordered it a week ago, order LL-104532",
     "channel": "email", "language": "en", "intent": "order_status"},
    {"id": "e2", "text": "Please cancel my order LL-921605, I ordered the wrong colour",
     "channel": "web_chat", "language": "en", "intent": "cancel_order"},
    {"id": "e3", "text": "I was charged twice for the same order, please fix this",
     "channel": "email", "language": "en", "intent": "payment_issue"},
    {"id": "e4", "text": "Can I get a VAT invoice for my order LL-613280?",
     "channel": "amazon", "language": "en", "intent": "invoice_request"},
]
