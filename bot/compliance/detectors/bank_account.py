"""Bank account numbers and sort codes: every long digit run, more with an account word.

Account numbers have no checksum, so a digit run alone proves little; but in a bank chat a run
of 8 or more digits is almost always an identifier (account, card, phone, customer number), and
redacting one that was not personal data costs a transcript reader little while leaking one
costs a breach. Policy, on runs of digits with single spaces or dashes:

* 6-19 digits with an account word nearby ("account", "acct", "sort code", ...): score 0.85,
  "account number (context)" (a UK sort code "20-00-00" is 6 digits).
* 8-19 digits with no context: score 0.5, "long digit run". This is where a 12-19 digit run
  that fails Luhn and has no card word lands: every such run is redacted whatever its
  checksum (:mod:`bot.compliance.detectors.card_number` labels the rest as cards).

Dates typed as digits ("20240512", "2003-08-28") and shorter runs without context (amounts,
years, "ending 1234") are not flagged.
"""

from __future__ import annotations

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit, compile_words, has_context
from bot.compliance.detectors.digit_runs import digit_runs, looks_like_date

CONTEXT = compile_words([
    "account", "acct", "a/c", "acc", "checking", "savings", "account no", "account #",
    "sort code", "sortcode", "sort",
])
CONTEXT_SCORE = 0.85
LONG_RUN_SCORE = 0.5
MIN_CONTEXT_DIGITS = 6
MIN_RUN_DIGITS = 8
MAX_DIGITS = 19


@registry.detectors.register("pii.bank_account.v1")
class BankAccountDetector(Detector):
    name = "pii.bank_account.v1"
    entity_type = "BANK_ACCOUNT"
    default_min_score = 0.5

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """Account numbers with context, and every other long digit run."""
        hits = []
        for start, end, digits in digit_runs(text):
            if len(digits) > MAX_DIGITS or looks_like_date(text[start:end]):
                continue
            if len(digits) >= MIN_CONTEXT_DIGITS and has_context(text, start, end, CONTEXT):
                score, pattern = CONTEXT_SCORE, "account number (context)"
            elif len(digits) >= MIN_RUN_DIGITS:
                score, pattern = LONG_RUN_SCORE, "long digit run"
            else:
                continue
            if score >= self.min_score:
                hits.append(DetectorHit(self.entity_type, start, end, score, self.name, pattern))
        return hits
