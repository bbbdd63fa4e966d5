"""Third-generation dispute signal, and what tells the NLU a dispute-looking message is none.

A second blind tuning set (``bench/data/signals_tune2``, issue 18) showed disputes told in ways
v2 (:mod:`bot.compliance.signal_requests_v2`) misses: the past tense ("a payment I never made",
"a subscription I never signed up for"), someone else using the card, a cash machine that kept
the money, a wrong amount said by comparison ("$240 for a $24 ride", "£20 more than the
price"), and a refund the merchant says it sent that never came. It also showed the NLU's
dispute topic firing on messages that are not the customer's own disputed transaction: what a
chargeback *is*, how disputes work *in general*, a *merchant* asking about a chargeback against
them, the customer's *own mistake*, whether a refund has *arrived yet* (account data), a cash
machine that is merely out of order, a push payment the customer sent themselves (a scam, not a
chargeback), or a dispute already settled. :class:`NotADispute` names
those, for the dispute rule's ``nlu_unless``.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.signal_requests_v2 import DisputeSignalV2
from bot.compliance.signals import PatternSignal
from bot.registry import detectors

_MONEY = r"(?:£|\$|€)?\d[\d,.]*"
#: People close enough to use a customer's card.
_PERSON = (r"(?:carer|lodger|flatmate|housemate|tenant|cleaner|son|daughter|child|kid|partner|husband|wife|ex|"
           r"brother|sister|nephew|niece|cousin|friend|neighbou?r|boyfriend|girlfriend|grandson|granddaughter)")
_MACHINE = r"(?:atm|cash ?machine|cashpoint|cash point|hole in the wall)"


@detectors.register("signal.dispute.v3")
class DisputeSignalV3(DisputeSignalV2):
    """v2 plus past-tense denials, card misuse by others, ATM shortfalls, comparisons, refunds claimed."""

    name = "signal.dispute.v3"
    _TXN = DisputeSignalV2._TXN[:-1] + r"|standing orders?|subscriptions?|memberships?)"
    patterns: ClassVar[dict[str, str]] = {
        **DisputeSignalV2.patterns,
        "txn_never_did": (rf"\b{_TXN}\b[^.?!]{{0,50}}\b(?:i|we|she|he)\b (?:\w+ ){{0,2}}(?:didn't|did not|never|couldn't|could not|wouldn't) "
                          r"(?:have )?(?:made|did|authori[sz]ed|set up|signed up|ordered|bought|buy|agreed|approved|asked for)\b"),
        "charged_for_things": (r"\bcharged (?:\w+ ){0,3}for (?:things|stuff|items|purchases|something|orders)\b[^.?!]{0,30}\b"
                               r"(?:i|we|she|he)\b (?:\w+ ){0,1}(?:couldn't|could not|didn't|did not|never|wouldn't)"),
        "someone_used": (rf"\b(?:someone|somebody|(?:my|a|the|our) {_PERSON}|(?:he|she|they)(?:'s| has| have)(?: been)?)\b[^.?!]{{0,20}}\b"
                         r"(?:using|used|took|taken|withdrew|spent|emptied|drained) (?:\w+ ){0,3}(?:out of |from |on )?my (?:card|account|debit card|credit card)\b|"
                         r"\b(?:someone|somebody) (?:has |have )?(?:been )?(?:took|taken|withdrew|withdrawn|spent|using|used)\b"),
        "machine_kept": (rf"\b{_MACHINE}\b[^.?!]{{0,40}}\b(?:didn't|did not|never|wouldn't|won't) (?:give|dispense|pay out|release|hand)\b|"
                         r"\bcash (?:wasn't|was not|never (?:came|was)) (?:dispensed|given|out)\b|"
                         rf"\b(?:didn't|did not|never) (?:get|receive) (?:the|my|any) (?:cash|money|notes) (?:from|out of) (?:the |a )?{_MACHINE}"),
        "wrong_by_comparison": (rf"\bcharged (?:me |my card |us )?{_MONEY} (?:for an? {_MONEY}|instead of |but |more than |extra )|"
                                rf"\b{_MONEY} more than (?:the|what|it)\b|\b(?:want|need|like) (?:it|this|that|the (?:charge|payment)) reversed\b|"
                                r"\breverse (?:the|this|that) (?:charge|payment|transaction)\b"),
        "refund_claimed": (r"\b(?:they|the (?:shop|store|seller|merchant|retailer|company|airline|hotel))\b (?:says?|said|claims?|claimed|insists?|insisted) "
                           r"(?:that )?(?:they(?:'ve| have)?|it(?:'s| was| has been)?) (?:already )?(?:refunded|sent|processed|issued)\b|"
                           r"\b(?:agreed|promised) to refund (?:me|it|the)\b[^.?!]{0,60}\b(?:still|haven't|have not|not|never)\b"),
    }
    vetoes: ClassVar[tuple[str, ...]] = (
        *DisputeSignalV2.vetoes,
        r"\bif (?:you|i|we) (?:flag|spot|see|notice|report)\b",
    )


#: Not the customer's own disputed transaction, whatever the topic.
NOT_A_DISPUTE = {
    "definition": r"^\s*what(?:'s| is| are) (?:an? )?\w+(?:[- ]\w+)?\s*\??\s*$",
    "in_general": r"\b(?:in general|generally|usually)\b|\b(?:are|is) \w+(?: \w+){0,3} common\b|\brefund policy\b",
    "general_refunds": r"^\s*(?:do|does|will|can|are|is|how long do) (?:\w+ )?(?:refunds?|chargebacks?|disputes?)\b",
    "merchant_side": (r"\b(?:i run|i own|(?:i'm|i am) a (?:shop|business|store|restaurant|cafe|market) ?(?:owner|trader)|"
                      r"(?:against|on) (?:my|our) (?:business|shop|company|store)|raised (?:a chargeback )?against (?:me|us)|"
                      r"refunds? (?:i|we) (?:issue|give|make)|to (?:my|our) customers)\b"),
    "own_mistake": r"\b(?:accidentally|by mistake|my (?:own )?mistake|my fault|i mistakenly|i wrongly)\b",
    "refund_arrived": (r"\b(?:if|whether|has|did) my refund\b[^.?!]{0,30}\b(?:came|come|arrived?|gone|landed|cleared|shown?)\b"
                       r"(?![^.?!]*\b(?:never|still|not yet)\b)"),
    "machine_down": (r"\b(?:atm|cash ?machine|cashpoint)\b[^.?!]{0,40}\b(?:out of order|broken|not working)\b"
                     r"(?![^.?!]*\b(?:took|kept|swallowed|didn't|did not|never|no cash|my money)\b)"),
    "pushed_payment": r"\b(?:paid|sent)\b[^.?!]{0,60}\b(?:via|by|with a|through a) (?:bank )?transfer\b",
    "settled": r"\b(?:all good|(?:got|had) (?:my|the) money back|(?:was|been|got) (?:resolved|sorted))\b",
}


@detectors.register("signal.not_a_dispute.v1")
class NotADispute(PatternSignal):
    """A definition, a general or merchant-side question, one's own mistake, or a settled case.

    Silences the NLU's dispute topic (``nlu_unless`` of the dispute rule); the dispute pattern
    signal keeps its own vetoes.
    """

    name = "signal.not_a_dispute.v1"
    entity_type = "NOT_A_DISPUTE"
    patterns: ClassVar[dict[str, str]] = NOT_A_DISPUTE
