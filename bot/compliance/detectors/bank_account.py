"""Bank account numbers: Presidio's ``UsBankRecognizer`` (8-17 digits) plus Candor's policy.

Account numbers have no checksum, so a digit run alone proves little. Policy:

* 8-17 digits with an account word nearby ("account", "acct", "a/c", "checking", ...):
  score 0.85, pattern "account number (context)".
* 10-17 digits with no context: score 0.5, pattern "long digit run". In a bank chat such a run
  is almost always an identifier (account, card, phone, customer number); redacting one that
  was not PII costs a transcript reader little, leaking one costs a lot.

Shorter runs without context (amounts, years, "ending 1234") are not flagged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import PresidioDetector, compile_words, has_context

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer, RecognizerResult

CONTEXT = compile_words(
    ["account", "acct", "a/c", "acc", "checking", "savings", "account no", "account #"]
)
CONTEXT_SCORE = 0.85
LONG_RUN_SCORE = 0.5
LONG_RUN_DIGITS = 10


@registry.detectors.register("pii.bank_account.v1")
class BankAccountDetector(PresidioDetector):
    name = "pii.bank_account.v1"
    entity_type = "BANK_ACCOUNT"
    presidio_entity = "US_BANK_NUMBER"
    default_min_score = 0.5

    def build_recognizer(self) -> EntityRecognizer:
        """Presidio's US bank-number recognizer (pattern only, score 0.05)."""
        from presidio_analyzer.predefined_recognizers import UsBankRecognizer

        return UsBankRecognizer()

    def accept(self, text: str, result: RecognizerResult) -> float | None:
        """Context words raise the score; long runs pass on their own at a lower score."""
        if has_context(text, result.start, result.end, CONTEXT):
            return CONTEXT_SCORE
        if result.end - result.start >= LONG_RUN_DIGITS:
            return LONG_RUN_SCORE
        return None

    def describe(self, result: RecognizerResult, score: float) -> str:
        """Which branch of the policy accepted the number."""
        return "account number (context)" if score == CONTEXT_SCORE else "long digit run"
