"""IBANs: Presidio's ``IbanRecognizer`` (country format + ISO 7064 mod-97 check digits).

Checksum-failing candidates are dropped by Presidio itself. Presidio's IBAN pattern is
case-sensitive and its country-format check wants upper case, so a lower-case IBAN (chat users
type in lower case) would be missed: the recognizer is built with ``re.IGNORECASE`` and the
subclass validates the upper-cased candidate.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer


def _case_insensitive_iban_recognizer() -> EntityRecognizer:
    from presidio_analyzer.predefined_recognizers import IbanRecognizer

    class CaseInsensitiveIbanRecognizer(IbanRecognizer):
        """Presidio's IBAN recognizer; validation runs on the upper-cased candidate."""

        def validate_result(self, pattern_text: str) -> bool | None:
            return super().validate_result(pattern_text.upper())

    return CaseInsensitiveIbanRecognizer(regex_flags=re.DOTALL | re.MULTILINE | re.IGNORECASE)


@registry.detectors.register("pii.iban.v1")
class IbanDetector(PresidioDetector):
    name = "pii.iban.v1"
    entity_type = "IBAN"
    presidio_entity = "IBAN_CODE"
    default_min_score = 0.9  # = checksum and country format hold

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's IBAN recognizer, validating case-insensitively."""
        return _case_insensitive_iban_recognizer()
