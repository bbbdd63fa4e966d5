"""Phone numbers: Presidio's ``PhoneRecognizer`` (Google's libphonenumber via ``phonenumbers``).

Presidio's default regions (US, UK, DE, FE, IL, IN, CA, BR) plus the main EU markets a
retail bank serves. libphonenumber's "valid" leniency (1) rejects most digit runs that are
not dialable numbers, so amounts and dates are not phones; numbers with a leading ``+`` are
parsed in any region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer

REGIONS = ("US", "GB", "DE", "FR", "IE", "ES", "IT", "NL", "IL", "IN", "CA", "BR")


@registry.detectors.register("pii.phone.v1")
class PhoneDetector(PresidioDetector):
    name = "pii.phone.v1"
    entity_type = "PHONE_NUMBER"
    presidio_entity = "PHONE_NUMBER"
    default_min_score = 0.4

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's phone recognizer over :data:`REGIONS`."""
        from presidio_analyzer.predefined_recognizers import PhoneRecognizer

        return PhoneRecognizer(supported_regions=REGIONS)
