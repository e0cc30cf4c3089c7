"""ChatModel on LangChain's ChatOpenAI: any OpenAI-compatible endpoint (OpenAI, vLLM,
Ollama, llama.cpp server) by base URL.

Credentials: ``OMNIREPLY_LLM__API_KEY`` when the endpoint needs one (local servers usually
accept any value). Limits: the endpoint's rate limits and context size; requests time out
after ``OMNIREPLY_LLM__TIMEOUT_SECONDS`` and are retried ``OMNIREPLY_LLM__MAX_RETRIES`` times.
Structured output uses the endpoint's JSON-schema mode (``json_schema``), or function calling
or plain JSON mode where a server lacks it (``OMNIREPLY_LLM__STRUCTURED_METHOD``; llama.cpp's
server: ``json_mode``). The token limit goes out as ``max_completion_tokens``, or as
``max_tokens`` for servers that know only that (``OMNIREPLY_LLM__TOKEN_PARAM=max_tokens``).
"""

from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import ValidationError

from app.providers.llm import LLMError, Schema


class OpenAICompatibleChat:
    def __init__(self, base_url: str, model: str, api_key: str | None, temperature: float,
                 max_tokens: int, timeout: float, max_retries: int,
                 method: str = "json_schema", token_param: str = "max_completion_tokens",
                 ) -> None:
        # ChatOpenAI sends max_completion_tokens; servers that only know max_tokens
        # (llama.cpp's, older vLLM/Ollama) would otherwise generate without a limit.
        limit = ({"max_tokens": max_tokens} if token_param == "max_completion_tokens"
                 else {"extra_body": {"max_tokens": max_tokens}})
        self._chat = ChatOpenAI(model=model, base_url=base_url, api_key=api_key or "none",
                                temperature=temperature, timeout=timeout,
                                max_retries=max_retries, **limit)
        self._method = method
        self.model_id = f"{model}@{base_url}"

    def structured(self, system: str, user: str, schema: type[Schema]) -> Schema:
        runnable = self._chat.with_structured_output(schema, method=self._method)
        try:
            answer = runnable.invoke([SystemMessage(system), HumanMessage(user)])
        except ValidationError as exc:
            raise LLMError(f"invalid structured output: {exc}") from exc
        except Exception as exc:  # network, timeout, HTTP errors: all mean "no answer"
            raise LLMError(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(answer, schema):
            raise LLMError(f"expected {schema.__name__}, got {type(answer).__name__}")
        return answer
