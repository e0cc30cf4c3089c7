"""The LanguageDetector port and a fake."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DetectedLanguage:
    code: str  # ISO 639-1, or "und" when unsure
    confidence: float


class LanguageDetector(Protocol):
    def detect(self, text: str) -> DetectedLanguage: ...


class FakeLanguageDetector:
    """Always answers the language it was built with. Tests only."""

    def __init__(self, code: str = "en") -> None:
        self.code = code

    def detect(self, text: str) -> DetectedLanguage:
        return DetectedLanguage(self.code, 1.0)
