"""Payment card numbers (PAN), whole or in part, whatever their checksum.

A mistyped card number is still a card number, so the checksum does not decide *whether* a
number is redacted, only how it is labelled. Policy, on runs of digits with single spaces or
dashes (:mod:`bot.compliance.detectors.digit_runs`):

* 12-19 digits that pass Luhn: score 1.0, "card number (Luhn)".
* 12-19 digits that fail Luhn, with a card word nearby ("card", "visa", "amex", "cc", ...):
  score 0.9, "card number (context)". Without one, the run is left to the bank-account
  detector, which redacts every 8-19 digit run as ``BANK_ACCOUNT``.
* A fragment of a card typed over two messages ("4539 1488" then "0343 6467"): 8-11 digits
  in card-style groups, or 4-11 digits right after a card word ("card number is 4716 2281",
  "amex 3759 876543"). Score 0.8 after a card word, else 0.6.

A masked card or its last four digits ("ending 1234") is not a PAN under PCI DSS and is left
alone: a run of 4-7 digits needs a card word *directly* before it, and "ending"/"last"
between the word and the digits stops that.
"""

from __future__ import annotations

import re

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit, compile_words, has_context
from bot.compliance.detectors.digit_runs import (
    SSN_SHAPE,
    digit_runs,
    is_grouped,
    looks_like_date,
    luhn_valid,
)

CONTEXT = compile_words([
    "card", "cards", "cc", "visa", "mastercard", "master card", "amex", "maestro", "discover",
    "debit", "credit", "pan", "long number", "card no", "card number",
])
#: A card word, then a few linking words, directly before a short fragment.
FRAGMENT_LEAD = re.compile(
    r"(?i:\b(?:card|cc|visa|mastercard|amex|maestro|debit|credit)"
    r"(?:\s+(?:no\.?|num(?:ber)?|#|is|its|it's|was|number is|:))*[\s:#=-]*)$"
)
MIN_PAN, MAX_PAN = 12, 19
MIN_GROUPED_FRAGMENT = 8
MIN_LEAD_FRAGMENT = 4
LUHN_SCORE, CONTEXT_SCORE, LED_FRAGMENT_SCORE, FRAGMENT_SCORE = 1.0, 0.9, 0.8, 0.6


@registry.detectors.register("pii.card_number.v1")
class CardNumberDetector(Detector):
    name = "pii.card_number.v1"
    entity_type = "CARD_NUMBER"
    default_min_score = 0.5

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """Whole card numbers (Luhn or context) and card fragments."""
        hits = []
        for start, end, digits in digit_runs(text):
            verdict = self.classify(text, start, end, digits)
            if verdict and verdict[0] >= self.min_score:
                score, pattern = verdict
                hits.append(DetectorHit(self.entity_type, start, end, score, self.name, pattern))
        return hits

    @staticmethod
    def classify(text: str, start: int, end: int, digits: str) -> tuple[float, str] | None:
        """Pure: the score and pattern name for one digit run, or None if it is no card."""
        length = len(digits)
        if MIN_PAN <= length <= MAX_PAN:
            if luhn_valid(digits):
                return LUHN_SCORE, "card number (Luhn)"
            if has_context(text, start, end, CONTEXT):
                return CONTEXT_SCORE, "card number (context)"
            return None
        run = text[start:end]
        if length > MAX_PAN or looks_like_date(run) or SSN_SHAPE.fullmatch(run):
            return None
        led = FRAGMENT_LEAD.search(text[max(0, start - 40):start]) is not None
        if length >= MIN_LEAD_FRAGMENT and led:
            return LED_FRAGMENT_SCORE, "card fragment (context)"
        if length >= MIN_GROUPED_FRAGMENT and is_grouped(run):
            return FRAGMENT_SCORE, "card fragment"
        return None
