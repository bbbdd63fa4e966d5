"""Email addresses: Presidio's ``EmailRecognizer`` with an offline domain check.

Presidio validates the domain with ``tldextract.extract``, which downloads the public suffix
list on first use. The subclass validates against the suffix-list snapshot bundled with
tldextract instead (see :mod:`bot.compliance.engines`): no network at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector
from bot.compliance.engines import offline_tld_extractor

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer


def _offline_email_recognizer() -> EntityRecognizer:
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    class OfflineEmailRecognizer(EmailRecognizer):
        """Presidio's email recognizer; domain validated against the bundled suffix list."""

        def validate_result(self, pattern_text: str) -> bool:
            return offline_tld_extractor()(pattern_text).fqdn != ""

    offline_tld_extractor()  # the suffix trie now, not inside the first email check
    return OfflineEmailRecognizer()


@registry.detectors.register("pii.email.v1")
class EmailDetector(PresidioDetector):
    name = "pii.email.v1"
    entity_type = "EMAIL_ADDRESS"
    presidio_entity = "EMAIL_ADDRESS"
    default_min_score = 0.9  # = domain has a known public suffix

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's recognizer with the offline domain check."""
        return _offline_email_recognizer()
