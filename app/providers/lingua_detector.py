"""LanguageDetector on lingua, restricted to the languages a store expects.

Credentials: none; runs offline. Restricting the set makes short texts more accurate and the
detector faster to build and run.
"""

from __future__ import annotations

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from app.providers.language import DetectedLanguage

PREFIX_CHARS = 300  # the opening of a message decides its language; long texts cost 20x more


class LinguaDetector:
    def __init__(self, codes: list[str], min_confidence: float = 0.25) -> None:
        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper()))
                     for c in codes]
        self._detector = (LanguageDetectorBuilder.from_languages(*languages)
                          .with_preloaded_language_models().build())
        self._min_confidence = min_confidence

    def detect(self, text: str) -> DetectedLanguage:
        values = self._detector.compute_language_confidence_values(text[:PREFIX_CHARS])
        if not values:
            return DetectedLanguage("und", 0.0)
        best = values[0]
        code = best.language.iso_code_639_1.name.lower()
        if best.value < self._min_confidence:
            return DetectedLanguage("und", round(best.value, 4))
        return DetectedLanguage(code, round(best.value, 4))
