"""A general question about how something works, not the customer's own case.

The trained NLU names a message's topic, not whether the customer is living it: "what's the
time limit for disputing a payment?" and "I don't recognise this payment" both land on the
dispute topic, "what does available balance mean?" and "what's my balance?" on account data.
A rule that acts on the customer's own case (take a dispute, refuse account data, decline
personal advice) lets this signal silence its NLU path (``trigger.nlu_unless`` in
``compliance.yml``); its own pattern signals keep their own vetoes.

The signal fires on the forms of a general question (how-to, what-does-it-mean, what-if, is there
a fee/limit, how long does it take) and stays silent when the message also tells something that
happened to the customer ("... I was charged twice", "... it never arrived"), because then the
question is about their case.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.detectors.base import DetectorHit
from bot.compliance.signals import PatternSignal
from bot.compliance.signals_v2 import any_of
from bot.registry import detectors

_OPENER = r"^\s*(?:(?:hi|hello|hey|ok|okay|so|and|also|quick question|just wondering)[,:!.]?\s+)*"

def _opening(*forms: str) -> str:
    """Forms that must open the message (after a greeting or filler)."""
    return "|".join(_OPENER + form for form in forms)


#: Question forms that ask how things work in general.
GENERAL_FORMS = {
    "how_to": _opening(r"how (?:do|can|would|should|does) (?:i|we|you|one|people|customers?|someone|a customer)\b"
                       r"(?! get (?:my|our) money back)"),
    "meaning": (r"\bwhat (?:does|do|is meant by) [^?]{1,60}\b(?:mean|stand for)\b|\bwhat(?:'s| is) the difference\b|"
                r"\b(?:can|could) you explain (?!(?:why|what|how) (?:my|i|you))|"
                r"\bwhat(?:'s| is) (?:an?|the) \w+(?: \w+)? (?:fee|rate|limit)\b(?! (?:on|for|of|in) my)"),
    "what_if": _opening(r"(?:what (?:happens|should i do|do i do|would happen) (?:if|when)|if|in case)\b",
                        r"(?:what if|suppose|say)\b"),
    "policy": _opening(
        r"(?:is there|are there) (?:a|an|any) (?:fee|charge|cost|limit|time limit|deadline|minimum|maximum|way)\b",
        r"what(?:'s| is| are) the (?:time limit|deadline|fee|fees|charge|limit|limits|rules?|process|steps|cut-?off)\b",
        r"what(?:'s| is| are) the\b(?![^.?!]*\b(?:my|me|i|i'm|i've|our|we|us)\b)",
        r"how (?:long|many days|much time|quickly|soon) (?:do|does|will|would|can|should|is|are)\b"
        r"(?! (?:my|it take for my|i have to wait for my))",
        r"(?:(?:do|does|is|are) (?:you(?! know)|your (?:bank|app|team)|the (?:app|bank|website)|paying|using)|does (?:a|an|it))\b",
    ),
}

#: Something that happened to the customer: then the question is about their own case.
OWN_CASE = any_of(
    r"(?:i|we)(?:'ve| have| had)? (?:was |were |been |just |already )?(?:charged|billed|debited|paid|bought|ordered|noticed|spotted|returned|cancelled|sent|received)",
    r"(?:i|we) (?:didn't|did not|never|don't|do not) (?:make|authori[sz]e|recogni[sz]e|get|receive|buy|order)",
    r"(?:this|that|these|a|the) (?:charge|payment|transaction|debit)s? (?:on|from|in) (?:my|our)",
    r"(?:hasn't|has not|haven't|have not|still (?:not|no|hasn't|waiting))", r"never (?:arrived|came|turned up|got|received)",
    r"(?:yesterday|last (?:week|night|month)|this morning|today)", r"(?:it's|it is|it has|its) (?:now )?been", r"already",
)


@detectors.register("signal.general_question.v1")
class GeneralQuestion(PatternSignal):
    """A question about how something works in general, with nothing of the customer's own case."""

    name = "signal.general_question.v1"
    entity_type = "GENERAL_QUESTION"
    patterns: ClassVar[dict[str, str]] = GENERAL_FORMS
    vetoes: ClassVar[tuple[str, ...]] = (OWN_CASE,)

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """At most one hit: the first general form (a veto on the whole message is enough)."""
        return super().analyze(text)[:1]
