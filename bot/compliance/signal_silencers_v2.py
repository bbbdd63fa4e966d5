"""Second versions of the NLU silencers of the complaint and dispute rules.

Scoring each labelled set with a classifier that never learnt its writer (the method of
``candor bench thresholds``) showed two families the rule classifier scores high that are
neither a complaint nor a dispute, whoever wrote them:

- **thanks for a problem put right, and praise with a suggestion**: "thanks for waiving the
  fee", "glad you blocked it", "no need for a callback, you've answered it", "five stars, just a
  suggestion". The complaint intent's examples include sarcasm ("great, the app logged me out"),
  so the classifier reads bank words with thanks as a grievance;
- **a payment the customer recognised after all**: "never mind, it was my Spotify", "panic
  over", "one of them has dropped off, it was just a hold", "the shop refunded me themselves".

Each v2 is its v1 (:mod:`bot.compliance.signals_v4`, :mod:`bot.compliance.signal_requests_v3`)
with one more family; v1 keeps meaning what it said. Like v1 they only
silence the classifier of the rule (its ``nlu_unless``); the rule's own pattern signal keeps its
vetoes, so an explicit "I want to complain" still fires.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.signal_requests_v3 import NotADispute
from bot.compliance.signals_v4 import NotAComplaint
from bot.registry import detectors

_PUT_RIGHT = r"(?:refunding|sorting|waiving|fixing|catching|blocking|stopping|spotting|flagging|reversing)"
#: Not "thanks for blocking my card for no reason": sarcasm is a complaint.
_NOT_SARCASTIC = (r"(?![^.?!]*\b(?:no reason|without (?:asking|telling|warning)|stranded|abroad|on holiday|again|not|"
                  r"never|nothing|useless|really useful|ridiculous|joke)\b)")
#: Thanks for something the bank put right, praise, and a suggestion that is not a grievance.
PRAISE = {
    "thanks_for_a_fix": rf"(?<!wow )(?<!oh )(?<!great )\bthanks? (?:you )?(?:so much |again )?for {_PUT_RIGHT}\b{_NOT_SARCASTIC}",
    "glad_you_acted": r"\bglad (?:you|your (?:\w+ )?team)(?: were| are|'re)? (?:caught|blocked|stopped|spotted|flagged|checked|keeping)\b",
    "no_need_to_escalate": r"\b(?:no need|don't need|do not need) (?:to (?:put|pass|transfer) me|for (?:a|the|any) ?(?:call ?back|person|human)|for anyone)\b",
    "answered": r"\byou(?:'ve| have) answered (?:it|that|my question|everything)\b",
    "suggestion": r"\b(?:just|only) a suggestion\b|\bwould (?:definitely |highly )?recommend\b",
    # a score given as feedback; not "10/10 would get locked out again", which is sarcasm
    "good_score": (r"\b(?:survey|rating|rated|score|feedback)\W{1,3}(?:10|ten|9|nine)(?:/| out of )(?:10|ten)\b|"
                   r"\b(?:10|ten|9|nine)(?:/| out of )(?:10|ten) for (?:the|your)\b|^\W*(?:five|5) stars?\b(?! for nothing)"),
}
#: The customer recognised the payment, or the merchant put it right, before any dispute.
RECOGNISED = {
    "recognised": (r"\bnever ?mind\b(?=[,.!\s]*(?:$|oh|it(?:'s| was| is)|that(?:'s| was)|found|sorted|i (?:see|found|remember)))|"
                   r"\b(?:ignore me|panic over|false alarm)\b|\bforget it[.!\s]*$|"
                   r"\bi (?:recognise|recognize|remember) (?:it|the payment|that(?: one| payment)?) now\b|"
                   r"\b(?:turns|turned) out (?:it was|it's|to be) (?:my|our|just|a (?:hold|pending))\b"),
    "just_a_hold": r"\b(?:has|have|had|'s) (?:now |just )?dropped off\b|\bit was (?:just |only )?(?:a|the) (?:pending )?(?:hold|pre-?auth\w*)\b",
    "merchant_refunded": (r"\b(?:they|the (?:shop|seller|merchant|store|retailer))(?: have| has|'ve)? refunded me\b"
                          r"(?![^.?!]*\b(?:never|still|not|nothing|nothing's|hasn't|haven't|isn't|yet|only|less|half)\b)"),
}


@detectors.register("signal.not_a_complaint.v2")
class NotAComplaintV2(NotAComplaint):
    """v1 (a denial, praise, a study question) plus thanks for a fix and praise with a suggestion."""

    name = "signal.not_a_complaint.v2"
    patterns: ClassVar[dict[str, str]] = {**NotAComplaint.patterns, **PRAISE}


@detectors.register("signal.not_a_dispute.v2")
class NotADisputeV2(NotADispute):
    """v1 (a definition, a general question, one's own mistake, a settled case) plus recognised payments."""

    name = "signal.not_a_dispute.v2"
    patterns: ClassVar[dict[str, str]] = {**NotADispute.patterns, **RECOGNISED}
