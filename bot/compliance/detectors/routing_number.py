"""US ABA routing numbers: Presidio's ``AbaRoutingRecognizer`` (ABA 3-7-1 checksum) + context.

One random 9-digit number in ten passes the ABA checksum, so a checksum-valid number is kept
only with a routing word nearby ("routing", "ABA", "RTN", "transit", "wire").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector, compile_words, has_context

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer, RecognizerResult

CONTEXT = compile_words(["routing", "aba", "rtn", "transit", "wire", "sort code", "bank code"])


@registry.detectors.register("pii.routing_number.v1")
class RoutingNumberDetector(PresidioDetector):
    name = "pii.routing_number.v1"
    entity_type = "ROUTING_NUMBER"
    presidio_entity = "ABA_ROUTING_NUMBER"
    default_min_score = 0.5

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's ABA recognizer; its checksum turns valid numbers into score 1.0."""
        from presidio_analyzer.predefined_recognizers import AbaRoutingRecognizer

        return AbaRoutingRecognizer()

    def accept(self, text: str, result: RecognizerResult) -> float | None:
        """Checksum-valid and a routing word nearby."""
        if result.score < 1.0:
            return None
        return 1.0 if has_context(text, result.start, result.end, CONTEXT) else None
