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

from bot.compliance.detectors.base import DetectorHit
from bot.compliance.signal_requests import (
    AdviceRequestV2,
    BotIdentityQuestionV2,
    DataRightsRequest,
    HumanRequestV2,
)
from bot.compliance.signal_requests_v2 import AccountDataRequestV2, DisputeSignalV2
from bot.compliance.signals import PatternSignal, compile_pattern, unsilenced
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
                         r"\b(?:someone|somebody) (?:has |have )?(?:been )?(?:took|taken|withdrew|withdrawn|spent) (?:£|\$|€|\d|money|cash|funds)"),
        "machine_kept": (rf"\b{_MACHINE}\b[^.?!]{{0,40}}\b(?:didn't|did not|never|wouldn't|won't) (?:(?:give|release|hand)(?: me)? (?:\w+ ){{0,2}}"
                         r"(?:money|cash|notes|£|\$|\d)|dispense|pay out)|"
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
        # preventing misuse is not a disputed transaction
        r"\bfrom using my\b|\b(?:in case|so that|so) (?:someone|somebody|nobody|no one)\b|\b(?:stop|prevent) (?:someone|somebody|anyone|people)\b",
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


#: The state of one of the customer's own items: a payment, transfer, cheque, card, rate, term.
_STATE = (r"(?:(?:still )?pending|clear(?:ed)?(?: yet)?|arrived?|landed|reached|gone (?:out|through)|go(?:ne)? (?:out|through)|"
          r"(?:been )?(?:sent|posted|dispatched|processed|paid)(?: out)?|matures?|end|ends|expires?|due|renews?|come in|came in)")


#: One of the customer's own items whose state they ask about.
_ITEM = (r"(?:payment|transfer|cheque|check|card|refund|deposit|wages|salary|pay|rate|mortgage|loan|isa|bond|"
         r"savings|direct debit|standing order|money|pension|pin|statement|fix|deal|term|rollover)s?")


@detectors.register("signal.account_data.v3")
class AccountDataRequestV3(AccountDataRequestV2):
    """v2 plus the state of one of the customer's own items, their payees and details, their rate.

    Wording from the second blind tuning set (issue 18): "is my ... still pending", "has my new
    card been sent", "when does my fixed rate end", "what rate am I on", "the IBAN for my account".
    """

    name = "signal.account_data.v3"
    patterns: ClassVar[dict[str, str]] = {
        **AccountDataRequestV2.patterns,
        "state_of_mine": (rf"\b(?:is|has|have|did|was|were|will|when (?:does|did|will|is|do)|until|if|whether) my (?:\w+ ){{0,3}}{_ITEM}"
                          rf"(?: \w+){{0,3}}? (?:still |yet |been |already )?(?:(?:going|gonna|about) to )?{_STATE}\b"),
        "my_arrangements": (r"\b(?:confirm|list|check|tell me|show me|what are|which are) (?:all )?my (?:\w+ )?"
                            r"(?:direct debits|standing orders|payees|subscriptions|recurring payments)\b"),
        "my_details": (r"\b(?:what(?:'s| is)|tell me|give me|send me|need) (?:the |my )(?:iban|account number|sort code|routing number|bic|swift(?: code)?)"
                       r"\b[^.?!]{0,20}\b(?:for|of|on) my\b|\bmy (?:iban|account number|sort code)\b\s*\??\s*$"),
        "rate_i_am_on": r"\b(?:what|which) (?:\w+ ){0,2}(?:rate|interest|apr|tariff) (?:am i|are we) (?:on|getting|paying)\b",
        "their_figure": (r"\b(?:tell me|what(?:'s| is)|check|show me) (?:his|her|their|(?:my )?(?:mum|mom|dad|father|mother)'s) "
                         r"(?:\w+ )?(?:balance|transactions|statement)\b"),
    }
    # Where or how a figure can be checked is a general question.
    vetoes: ClassVar[tuple[str, ...]] = (
        *AccountDataRequestV2.vetoes,
        r"^\s*(?:can|could) (?:i|we|you) (?:check|see|view) (?:my|the|your) \w+ (?:at|in|on|from|using|with|by|over)\b",
        r"^\s*what (?:(?:do|should|can) (?:i|we) do|happens|would happen) (?:if|when)\b",
    )


@detectors.register("signal.human_request.v3")
class HumanRequestV3(HumanRequestV2):
    """v2 plus more request forms, minus call-backs that complain or ask how the bank works.

    "you didn't even call me", "nobody calls back", "promised a callback" complain of a call
    that never came; "will someone call me to confirm ..., or is it a text?" asks about the
    process. A human "behind this chat" asks what the bot is. Issue 18.
    """

    name = "signal.human_request.v3"
    patterns: ClassVar[dict[str, str]] = {
        **HumanRequestV2.patterns,
        "give_me_person": r"\b(?:give|find|get) me (?:a |an |to )?(?:real |actual |live |proper )?(?:human|person|agent|someone)\b",
        "let_me_talk": r"\blet me (?:talk|speak|chat) (?:to|with)\b",
        "officer": r"\b(?:talk|speak|chat) (?:to|with) (?:your|the|a) (?:\w+ ){0,2}(?:officer|specialist|expert|department)\b",
        "person_help_me": (r"\b(?:can|could) (?:a (?:real |actual )?(?:person|human|banker|member of staff)|"
                           r"(?:someone|somebody) (?:real|on the phone|from (?:your|the) \w+|in (?:a|the) branch))\b"
                           r"(?: \w+){0,3} (?:help|call|ring|contact) me\b"),
        "other_language": r"\b(?:hablar con|parler (?:a|à|avec)) (?:una persona|alguien|un agente|quelqu'un|une personne|un conseiller)\b",
    }
    quiet: ClassVar[dict[str, str]] = {
        "call_me": (r"\b(?:didn't|did not|never|nobody|no one|no-one|doesn't|don't|won't)\b(?: \w+){0,3} (?:call|ring|phone)(?:s|ed)?(?: me)?(?: back)?\b|"
                    r"\bpromised (?:me )?a call ?back\b|\b(?:said|promised|supposed to)\b[^.?!]{0,20}\b(?:call|ring|phone)\b[^.?!]*\b(?:never|didn't|did not)\b|\bwill (?:someone|somebody|you) (?:call|ring|phone) me\b[^.?!]*\bor\b"),
        "is_there_person": r"\b(?:behind|running|typing in) (?:this|the) chat\b|\bon the other end\b",
    }

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.silenced = {name: compile_pattern(rx) for name, rx in self.quiet.items()}

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """v2's hits and the new forms, minus a form its look-alike silences."""
        text = text.replace("\u2019", "'")
        return unsilenced(super().analyze(text), self.silenced, text)


@detectors.register("signal.bot_identity.v3")
class BotIdentityQuestionV3(BotIdentityQuestionV2):
    """v2 plus typed-in-a-hurry and indirect forms of "am I talking to a machine?".

    Scored out of writer (``candor bench thresholds``), the question the bot-identity rule missed
    was asked with typos ("r u a reel persn"), about the staff ("am I speaking to a bank
    employee?", "is anyone human there?"), inside a longer message ("I need to know if you're a
    real person before I go on"), about the replies ("your messages read like AI wrote them",
    "are you using robots for customer service now?") or as a choice ("flesh and blood or
    code?", "sometimes it's a bot, so which one are you?"). Issue 18.
    """

    name = "signal.bot_identity.v3"
    _MACHINE = BotIdentityQuestionV2._MACHINE[:-1] + r"|code|a script|chatgpt)"
    _PERSON = (r"(?:(?:a |an |one of your |the )?(?:real |reel |rea?l |actual |live )?(?:bank )?"
               r"(?:person|pers[aeiou]?n|peson|human(?: being)?|employee|member of staff|staff member|"
               r"advis[eo]rs?|representative)|someone real|flesh and blood|a living person)")
    patterns: ClassVar[dict[str, str]] = {
        **BotIdentityQuestionV2.patterns,
        "typed_real_person": r"\b(?:are|r|ar) ?(?:you|u|yuo|yu|ya) (?:a |an )?(?:real|reel|rela|rael) ?pers\w*",
        "am_i_speaking_to": rf"\b(?:am i|are we|i'm|i am) (?:talking|speaking|chatting|typing) (?:to|with) {_PERSON}\b",
        "anyone_human": (r"\b(?:is )?(?:there )?(?:anyone|anybody|someone|somebody) (?:actually |really )?"
                         r"(?:human|real|alive) (?:there|here|on (?:this|the other) end|reading this|at your end)\b"),
        "if_you_are": rf"\b(?:if|whether) (?:you're|you are|ur|i'm talking to|i am talking to) {_PERSON}\b",
        "machine_wrote": (r"\b(?:you|your (?:\w+ )?(?:messages|replies|answers|responses)|this|it) (?:\w+ )?"
                          r"(?:read|reads|sound|sounds|look|looks|feel|feels) like (?:an? )?(?:ai|bot|robot|machine|"
                          r"computer|chatgpt|script)\b|\b(?:ai|a bot|a robot|a machine|a computer|chatgpt) "
                          r"(?:wrote|writes|is writing|typed|is typing|generated|is answering|answers) "
                          r"(?:this|that|these|them|your|my)\b|\b(?:did|does) (?:an? )?(?:ai|bot|robot|machine|computer) "
                          r"(?:write|type|generate|answer)\b"),
        "using_machines": (r"\b(?:using|use|uses|got|have|replaced (?:\w+ ){0,2}with) (?:a )?(?:robots?|bots?|ai|chatbots?|"
                           r"machines?) (?:for|to|on|instead)\b[^.?!]{0,30}\b(?:customer service|chat|answer|reply|replies|this)\b"),
        "person_or_machine": rf"{_PERSON}\W{{0,3}}\bor (?:a |an |just )?{_MACHINE}\b",
        "which_one_are_you": (rf"\b(?:{_MACHINE}|person|human)\b.*\bwhich (?:one )?(?:you are|you're|are you|this is|"
                              r"i'm (?:talking|speaking) to)\b"),
    }
    #: "is it a person or a machine that checks the cheques?" asks how the bank works.
    vetoes: ClassVar[tuple[str, ...]] = (
        *BotIdentityQuestionV2.vetoes,
        r"\b(?:person|human|machine|computer)s? (?:that|who) (?:checks?|reads?|process(?:es)?|looks? at|approves?|"
        r"decides?|reviews?|counts?|sorts?)\b",
    )


@detectors.register("signal.advice_request.v3")
class AdviceRequestV3(AdviceRequestV2):
    """v2 plus a decision put as a bare "should I?" and the customer's own legal position (issue 18)."""

    name = "signal.advice_request.v3"
    patterns: ClassVar[dict[str, str]] = {
        **AdviceRequestV2.patterns,
        "bare_should_i": r"\bshould (?:i|we)(?: do (?:it|that|this)| go (?:for it|ahead))?\s*\?",
        "legally_me": r"\b(?:can|am|do|must|are|could) (?:i|we) (?:\w+ )?legally\b|\b(?:is|would) (?:that|this|it) (?:be )?legal and should\b",
    }


@detectors.register("signal.data_rights.v2")
class DataRightsRequestV2(DataRightsRequest):
    """v1 plus someone taken off the bank's lists, data the bank holds wrongly, data to be erased (issue 18)."""

    name = "signal.data_rights.v2"
    # The new forms extend v1's kinds (access, erasure, rectification, objection): the intake
    # action records the kind from the pattern name.
    patterns: ClassVar[dict[str, str]] = {
        **DataRightsRequest.patterns,
        "objection": DataRightsRequest.patterns["objection"]
        + r"|\b(?:take|remove|get) (?:me|her|him|us|them|my \w+) off (?:your|the|all) (?:\w+ )?(?:lists?|database|system)\b",
        "rectification": DataRightsRequest.patterns["rectification"]
        + (r"|\b(?:you|your (?:records|system|file))\b[^.?!]{0,30}\b(?:have|has|hold|recorded|show|shows|got)\b[^.?!]{0,30}\b"
           r"(?:wrong|incorrect|out of date|inaccurate)\b[^.?!]{0,60}\b(?:correct|fix|amend|change|update)\b"),
        "erasure": DataRightsRequest.patterns["erasure"]
        + r"|\b(?:data|details|information|records)\b[^.?!]{0,60}\b(?:erased|deleted|wiped|removed)\b",
    }
    vetoes: ClassVar[tuple[str, ...]] = (*DataRightsRequest.vetoes, r"\bhow (?:do|can) i (?:erase|delete|remove|wipe)\b")
