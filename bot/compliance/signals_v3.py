"""Third-generation complaint signal: a failure stated as fact is not always a complaint.

v2 (:mod:`bot.compliance.signals_v2`) counts a failure stated as fact ("it's been six weeks",
"never arrived", "keeps crashing") as dissatisfaction with the bank. Two kinds of message share
those words without holding anything against the bank:

- a story about a merchant who kept a refund, or a seller who vanished with the money: the
  dispute and vulnerability (scam) rules take the case; unless the customer also addresses the
  bank ("you", "your team"), the failure belongs to someone else;
- a general question ("what should I do if the app keeps crashing?"): it asks how things work.

So v3 drops a complaint whose only evidence is such a failure in those two cases. Verdicts,
feelings, threats, sarcasm and explicit complaints still fire whatever the message.
"""

from __future__ import annotations

from bot.compliance.detectors.base import DetectorHit
from bot.compliance.signal_questions import GeneralQuestion
from bot.compliance.signal_requests_v2 import DisputeSignalV2
from bot.compliance.signals import compile_pattern
from bot.compliance.signals_v2 import SCAM_STORY_PATTERNS, ComplaintV2, VulnerabilityV2, any_of
from bot.registry import detectors

#: The customer addresses the bank: then a failure is held against it.
AT_THE_BANK = any_of(r"you", r"your", r"you've", r"you're", r"you have", r"this bank", r"the bank", r"your bank")
#: Evidence that only states a failure, with no verdict, feeling or threat.
FACT_ONLY = frozenset({"failure"})


@detectors.register("signal.complaint.v3")
class ComplaintV3(ComplaintV2):
    """v2, minus bare failures told of a merchant or a scammer, or asked about in general."""

    name = "signal.complaint.v3"

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.dispute = DisputeSignalV2()
        self.scam = VulnerabilityV2()
        self.general = GeneralQuestion()
        self.at_the_bank = compile_pattern(AT_THE_BANK)

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """v2's hits, or none when they only state a failure of someone else, or ask in general."""
        hits = super().analyze(text)
        if not hits or {h.pattern_name for h in hits} - FACT_ONLY:
            return hits
        if self.general.analyze(text):
            return []
        return hits if self.at_the_bank.search(text.replace("\u2019", "'")) or not self._third_party(text) else []

    def _third_party(self, text: str) -> bool:
        return bool(self.dispute.analyze(text)) or any(
            h.pattern_name in SCAM_STORY_PATTERNS for h in self.scam.analyze(text)
        )
