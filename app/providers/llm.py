"""The ChatModel port: ask an LLM for output that validates against a pydantic schema.

A fake beside it answers from a script, for tests of other code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from pydantic import BaseModel

Schema = TypeVar("Schema", bound=BaseModel)


class LLMError(Exception):
    """The model could not be reached, timed out, or answered something invalid."""


class ChatModel(Protocol):
    model_id: str

    def structured(self, system: str, user: str, schema: type[Schema]) -> Schema:
        """One request; returns a validated ``schema`` instance or raises LLMError."""


class FakeChatModel:
    """Answers from a script of results or exceptions, and records what it was asked."""

    model_id = "fake-chat@1"

    def __init__(self, script: Iterable[BaseModel | dict | Exception]) -> None:
        self._script = list(script)
        self.requests: list[tuple[str, str]] = []

    def structured(self, system: str, user: str, schema: type[Schema]) -> Schema:
        self.requests.append((system, user))
        if not self._script:
            raise LLMError("fake chat model: script exhausted")
        answer = self._script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        try:
            return schema.model_validate(answer if isinstance(answer, dict) else
                                         answer.model_dump())
        except ValueError as exc:
            raise LLMError(f"invalid structured output: {exc}") from exc
