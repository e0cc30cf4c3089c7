"""The LLM path against a real OpenAI-compatible server on loopback (llama.cpp's, with
SmolLM2-135M). Its replies are too weak to judge quality: these tests check the plumbing:
what goes over the wire, parsing into the schema, guards on the output, timeouts, fallback."""

from __future__ import annotations

import pytest

from app.drafting.llm_drafter import LLMReply
from app.drafting.pipeline import draft
from app.drafting.schemas import DraftInput
from app.providers.llm import LLMError
from app.providers.openai_chat import OpenAICompatibleChat
from tests.drafting.kit import draft_kit, knowledge, triaged
from tests.integration.servers import SilentServer

pytestmark = pytest.mark.integration


def chat(url: str, method: str = "function_calling", max_tokens: int = 120,
         timeout: float = 60.0) -> OpenAICompatibleChat:
    return OpenAICompatibleChat(url, "smollm2", None, 0.0, max_tokens, timeout, 0, method,
                                "max_tokens")


def test_the_request_carries_system_and_user_messages_a_tool_and_the_token_limit(proxy):
    recording, url = proxy
    reply = chat(url).structured("You answer customers.", "Where is my order?", LLMReply)
    assert isinstance(reply, LLMReply) and reply.reply.strip()
    body = recording.bodies[0]
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert body["messages"][1]["content"] == "Where is my order?"
    assert body["max_tokens"] == 120
    assert body["tools"][0]["function"]["name"] == "LLMReply"
    assert body["model"] == "smollm2"


def test_a_draft_from_the_real_model_passes_the_guards_or_falls_back(proxy):
    recording, url = proxy
    out = draft(DraftInput(text="How do I return a rug? Order LL-123456.", channel="amazon",
                           order_id="LL-123456"), triaged(), knowledge(),
                draft_kit(chat(url)))
    system = recording.bodies[0]["messages"][0]["content"]
    user = recording.bodies[0]["messages"][1]["content"]
    assert "Confidential marker (never repeat it): CANARY-" in system
    assert "<customer_message>\nHow do I return a rug? Order LL-123456.\n" in user
    assert out.violations == []  # the LLM's own or, after a rejection, the composer's
    assert out.drafter in ("llm", "composer")
    if out.drafter == "composer":
        assert out.reason.startswith(("LLM draft rejected", "LLM draft failed"))
    else:
        assert out.model_id == "smollm2@" + url


def test_json_mode_that_runs_out_of_tokens_is_an_llm_error(llm_url):
    with pytest.raises(LLMError):
        chat(llm_url, method="json_mode", max_tokens=8).structured(
            "Answer with JSON.", "Where is my order?", LLMReply)


def test_a_server_that_never_answers_times_out_and_the_composer_drafts():
    silent = SilentServer()
    url = silent.start()
    try:
        out = draft(DraftInput(text="How do I return a rug?", channel="email"), triaged(),
                    knowledge(), draft_kit(chat(url, timeout=1.0)))
    finally:
        silent.stop()
    assert out.drafter == "composer"
    assert out.reason.startswith("LLM draft failed (OpenAITimeoutError")
    assert "within 30 days of delivery" in out.text


def test_a_server_that_is_down_is_an_llm_error():
    with pytest.raises(LLMError, match="Connection"):
        chat("http://127.0.0.1:9/v1", timeout=2.0).structured("s", "u", LLMReply)
