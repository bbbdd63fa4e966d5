"""US Social Security numbers: Presidio's ``UsSsnRecognizer`` plus a context rule.

Presidio's delimited ``ddd-dd-dddd`` pattern (score 0.5) is kept as is; its invalidation hook
rejects impossible numbers (area 000/666, group 00, serial 0000, advertising samples). The
"very weak" undelimited or oddly grouped patterns (0.05) are kept only when an SSN word
("ssn", "social security", ...) is near, then scored 0.8; otherwise any 9-digit number
(reference numbers, routing numbers) would be flagged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import (
    PresidioDetector,
    compile_words,
    has_context,
    pattern_name_of,
)

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer, RecognizerResult

CONTEXT = compile_words(["ssn", "social security", "social", "ss#", "ss #", "tin", "taxpayer"])


@registry.detectors.register("pii.us_ssn.v1")
class UsSsnDetector(PresidioDetector):
    name = "pii.us_ssn.v1"
    entity_type = "US_SSN"
    presidio_entity = "US_SSN"
    default_min_score = 0.5

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's SSN recognizer, unchanged."""
        from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

        return UsSsnRecognizer()

    def accept(self, text: str, result: RecognizerResult) -> float | None:
        """Weak patterns need an SSN word nearby."""
        if result.score >= 0.5:
            return result.score
        return 0.8 if has_context(text, result.start, result.end, CONTEXT) else None

    def describe(self, result: RecognizerResult, score: float) -> str:
        """Presidio's pattern name, marked when the context rule promoted it."""
        name = pattern_name_of(result)
        return name if result.score >= 0.5 else f"{name} + context"
