"""Payment card numbers (PAN): Presidio's ``CreditCardRecognizer`` with its Luhn check.

Only Luhn-valid numbers are kept: Presidio scores them 1.0 and drops failing ones, so a
mistyped or random 13-19 digit run is not flagged as a card. A masked card or its last four
digits ("ending 1234") is not a PAN under PCI DSS and is deliberately left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer


@registry.detectors.register("pii.card_number.v1")
class CardNumberDetector(PresidioDetector):
    name = "pii.card_number.v1"
    entity_type = "CARD_NUMBER"
    presidio_entity = "CREDIT_CARD"
    default_min_score = 0.9  # = Luhn-valid (unvalidated matches score 0.3)

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's card recognizer, unchanged."""
        from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

        return CreditCardRecognizer()
