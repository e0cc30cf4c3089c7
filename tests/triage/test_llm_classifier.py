"""The optional LLM intent classifier: used when the local model is unsure (or as a second
opinion), validated against the taxonomy, and any failure falls back to the local model."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.config import PROJECT_ROOT
from app.providers.llm import FakeChatModel, LLMError
from app.providers.openai_chat import OpenAICompatibleChat
from app.triage.llm_classifier import LLMIntentAnswer, LLMIntentClassifier, load_prompt
from app.triage.pipeline import triage
from app.triage.schemas import TriageInput
from app.triage.taxonomy import load_taxonomy

PROMPT = load_prompt(PROJECT_ROOT / "prompts" / "triage" / "intent-llm-v1.yaml")
VAGUE = "hmm ok so about that thing from before"


TAXONOMY = load_taxonomy(PROJECT_ROOT / "prompts" / "triage" / "taxonomy-v1.yaml")


def kit_with(base, chat, mode="low_confidence", threshold=0.999):
    """The shipped triage kit with an LLM classifier and a chosen threshold."""
    llm = LLMIntentClassifier(chat, TAXONOMY, PROMPT)
    return base.__class__(**{**base.__dict__, "llm": llm, "llm_mode": mode,
                             "min_intent_confidence": threshold})


def test_an_unsure_local_model_asks_the_llm(sqlite_runtime):
    chat = FakeChatModel([{"intent": "contact_human", "confidence": 0.9,
                           "reason": "asks to talk about an earlier issue"}])
    result = triage(TriageInput(text=VAGUE), kit_with(sqlite_runtime.triage_kit, chat,
                                                      threshold=0.999))
    assert (result.intent, result.intent_confidence, result.needs_human) == (
        "contact_human", 0.9, True)  # 0.9 is still under the (test) threshold 0.999
    assert result.model_id.endswith("+fake-chat@1+triage/intent-llm@1")
    assert result.intent_runner_up is None  # the local model's second choice fits its first
    system, user = chat.requests[0]
    assert "- order_status:" in system and f"<message>\n{VAGUE}\n</message>" in user


def test_llm_failure_keeps_the_local_model(sqlite_runtime):
    chat = FakeChatModel([LLMError("ReadTimeout: timed out")])
    kit = kit_with(sqlite_runtime.triage_kit, chat)
    result = triage(TriageInput(text=VAGUE), kit)
    local = triage(TriageInput(text=VAGUE), sqlite_runtime.triage_kit)
    assert result.intent == local.intent and result.needs_human is True
    assert result.model_id == sqlite_runtime.triage_kit.classifier.model_id
    assert "LLM classifier failed (ReadTimeout: timed out); kept the local model" in \
        result.reasons


def test_an_intent_outside_the_taxonomy_is_a_failure(sqlite_runtime):
    chat = FakeChatModel([{"intent": "give_refund_now", "confidence": 1.0, "reason": "x"}])
    result = triage(TriageInput(text=VAGUE), kit_with(sqlite_runtime.triage_kit, chat))
    assert any("'give_refund_now' is not in taxonomy default@1" in r for r in result.reasons)


def test_second_opinion_disagreement_goes_to_a_human(sqlite_runtime):
    chat = FakeChatModel([{"intent": "complaint", "confidence": 0.8, "reason": "angry"}])
    kit = kit_with(sqlite_runtime.triage_kit, chat, mode="second_opinion", threshold=0.0)
    result = triage(TriageInput(text="Where is my order #1043?"), kit)
    assert result.intent == "order_status"
    assert result.needs_human is True
    assert any(r.endswith("disagrees with the local model") for r in result.reasons)


class _Stub(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible chat completions endpoint on loopback."""

    replies: list = []
    seen: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.seen.append((self.path, body))
        reply = _Stub.replies.pop(0)
        if reply == "slow":
            time.sleep(2)
            reply = "{}"
        payload = {"id": "c1", "object": "chat.completion", "created": 0, "model": "stub",
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": reply}}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def stub_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Stub.replies, _Stub.seen = [], []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_the_real_adapter_against_an_openai_compatible_endpoint(stub_url):
    chat = OpenAICompatibleChat(stub_url, "stub-model", None, 0.0, 200, 5.0, 0)
    _Stub.replies = ['{"intent": "order_status", "confidence": 0.8, "reason": "tracking"}']
    answer = chat.structured("system text", "user text", LLMIntentAnswer)
    assert answer == LLMIntentAnswer(intent="order_status", confidence=0.8, reason="tracking")
    path, body = _Stub.seen[0]
    assert path == "/v1/chat/completions"
    assert body["model"] == "stub-model" and body["temperature"] == 0.0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["response_format"]["type"] == "json_schema"


def test_malformed_output_and_timeouts_are_llm_errors(stub_url):
    chat = OpenAICompatibleChat(stub_url, "stub-model", None, 0.0, 200, 0.5, 0)
    _Stub.replies = ['{"intent": "order_status"}', "slow"]
    with pytest.raises(LLMError):
        chat.structured("s", "u", LLMIntentAnswer)
    with pytest.raises(LLMError, match="Timeout"):
        chat.structured("s", "u", LLMIntentAnswer)
