"""The optional LLM intent classifier: structured output validated against the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from app.kit.prompts import PromptFile, load_prompt_file
from app.providers.llm import ChatModel, LLMError
from app.triage.taxonomy import Taxonomy


class LLMIntentAnswer(BaseModel):
    intent: str = Field(description="One intent name from the list")
    confidence: float = Field(ge=0, le=1)
    reason: str = Field(max_length=400)


def load_prompt(path: Path) -> PromptFile:
    return load_prompt_file(path, ("system", "user"))


@dataclass(frozen=True)
class LLMIntentClassifier:
    chat: ChatModel
    taxonomy: Taxonomy
    prompt: PromptFile

    @property
    def model_id(self) -> str:
        return f"{self.chat.model_id}+{self.prompt.tag}"

    def classify(self, text: str) -> LLMIntentAnswer:
        """Raises LLMError on any failure, including an intent outside the taxonomy."""
        intents = "\n".join(f"- {i.name}: {i.description}" for i in self.taxonomy.intents)
        system = self.prompt.system.format(intents=intents)
        user = self.prompt.user.format(text=text.replace("</message>", "< /message>"))
        answer = self.chat.structured(system, user, LLMIntentAnswer)
        if answer.intent not in self.taxonomy.names:
            raise LLMError(f"intent {answer.intent!r} is not in taxonomy {self.taxonomy.tag}")
        return answer
