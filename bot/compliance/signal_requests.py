"""Guardrail signals for what a customer asks for.

A person, the truth about the bot, advice, their account data, a dispute, their data-protection
rights. Each is a lexicon of request forms, with vetoes for the general questions that share the words
("do I need to speak to anyone before travelling?", "how do I delete the app?"). v1 signals
(:mod:`bot.compliance.signals`) keep meaning what they said; the rulebook opts into these.
"""

from __future__ import annotations

from typing import ClassVar

from bot.compliance.signals import (
    AdviceRequest,
    BotIdentityQuestion,
    HumanRequest,
    PatternSignal,
)
from bot.registry import detectors

_PERSON = (r"(?:(?:a |an |some |the |your |one of your )?(?:real |actual |live |human |proper )?"
           r"(?:person|human|agent|advis[eo]r|representative|rep|someone|somebody|staff(?: member)?|"
           r"operator|banker|colleague|manager|supervisor|member of staff|customer service)|(?:the |your )(?:\w+ ){0,3}team)")


@detectors.register("signal.human_request.v2")
class HumanRequestV2(HumanRequest):
    """v1 plus call-back requests, "put me through", escalations and bare "agent"."""

    name = "signal.human_request.v2"
    patterns = {
        **HumanRequest.patterns,
        "ask_to_talk": (r"\b(?:can|could|may|can't|cannot) (?:i|we|u|you) (?:please )?(?:talk|speak|chat)"
                        rf" (?:to|with) {_PERSON}"),
        "want_to_talk": (r"\b(?:i|we)(?: need| want| would like|'d like| wanna| must) to (?:talk|speak|chat|discuss"
                         rf"\b[^.?!]{{0,20}}) (?:to|with) {_PERSON}"),
        "talk_imperative": rf"^\s*(?:please |pls |hi,? )?(?:talk|speak|chat) (?:to|with) {_PERSON}",
        "call_me": (r"\b(?:call|ring|phone|contact) me(?: back)?\b(?!\s+on\b)|\bcall ?back\b|"
                    r"\b(?:someone|somebody|a person|a colleague|an advis[eo]r)\b[^.?!]{0,40}\b(?:call|ring|phone|contact) me"),
        "put_through": (r"\b(?:put|pass|transfer|hand|send) (?:me|this) (?:over |on |through )?(?:to|with) "
                        r"(?:someone|somebody|a person|a human|an agent|a colleague|staff|your|the (?:\w+ )?(?:team|department))"),
        "be_transferred": r"\b(?:be|get) (?:transferred|passed|put through) to",
        "escalate": rf"\bescalate (?:this|it|me)? ?to {_PERSON}",
        "need_person": (r"\b(?:(?:i|we) )?(?:need|want|'d like|would like) (?:a |an |to get a )?(?:real |actual |live |human )?"
                        r"(?:person|human|agent|banker)\b"),
        "is_there_person": (r"\bis there (?:a (?:real )?(?:person|human)|someone|somebody|anyone|anybody)\b[^.?!]{0,30}"
                            r"\b(?:speak|talk|chat)"),
        "can_a_person": (r"\b(?:can|could) (?:a|an) (?:human|real person|actual person|person|banker|member of staff)"
                         r"(?: \w+)? (?:help|call|ring|contact|look at|deal with)\b"),
        "bare_agent": r"^\s*(?:agent|human|operator|representative|talk to representative)[\s.!?]*$",
        "face_to_face": r"\bface to face\b",
        "book_call": r"\bbook a (?:call|appointment) with",
        "not_a_robot": r"\b(?:not|no more) (?:typing to |talking to )?(?:a |the )?(?:robot|bot|machine)\b.*\b(?:connect|staff|person|human|agent)",
        "get_me_person": r"\bget me (?:a |an |to )?(?:real |actual |live )?(?:human|person|agent|someone|somebody|manager)\b",
        "connect_me_staff": r"\bconnect me (?:to|with) (?:staff|someone|somebody|a live)",
    }
    vetoes = (
        r"\b(?:don't|do not|dont) need to (?:speak|talk) to (?:anyone|anybody|someone)",
        r"\bdo i need to (?:speak|talk|phone|call) (?:to )?(?:anyone|anybody|someone)",
        r"\bis (?:this|it|that)\b[^.?!]*\bor (?:a |an )?(?:live|real|human)\b",
    )


@detectors.register("signal.bot_identity.v2")
class BotIdentityQuestionV2(BotIdentityQuestion):
    """v1 plus "human or robot?", "which AI model are you", "a person or software?"."""

    name = "signal.bot_identity.v2"
    _MACHINE = (r"(?:bot|robot|chatbot|chat bot|machine|ai|a\.i\.|computer|program|software|automated|"
                r"virtual assistant|language model|artificial intelligence|siri|algorithm)")
    _HUMAN = r"(?:human(?: being)?|person|real person|live agent|staff member|real|people)"
    patterns = {
        **BotIdentityQuestion.patterns,
        "you_are_machine": rf"\b(?:are|r) (?:you|u) (?:a |an |just )?(?:{_MACHINE}|{_HUMAN})\b",
        "you_are_bot_statement": rf"\b(?:you're|you are|ur) (?:a |an |just )?{_MACHINE}\b",
        "is_this_machine": rf"\bis (?:this|that|it) (?:\w+ ){{0,2}}(?:with |run by |powered by )?(?:a |an )?{_MACHINE}\b",
        "either_or": rf"\b(?:{_HUMAN}|{_MACHINE}) or (?:a |an )?(?:{_HUMAN}|{_MACHINE})\b",
        "which_model": r"\bwhich (?:ai|model|language model|bot)\b.*\b(?:are you|is this)",
        "what_are_you": r"\bwhat (?:are|r) (?:you|u)\b",
        "talking_to": (r"\b(?:talking|speaking|chatting) (?:to|with) (?:a |an )?(?:computer|machine|program|software|"
                       r"virtual assistant|person|human)\b"),
        "human_on_other_end": r"\b(?:human|person) on the other end\b",
        "real_worker": r"\b(?:real|actual) (?:bank )?(?:worker|employee|member of staff)\b",
        "whether_ai": r"\bwhether (?:you're|you are) (?:an? )?(?:ai|bot|human|person)\b",
        "is_person_replying": r"\bis (?:the|this) (?:person|human) (?:replying|typing|i'm speaking)",
        "is_this_person": r"\bis this a (?:person|human)\b",
    }
    vetoes: ClassVar[tuple[str, ...]] = (r"\b(?:ai[- ]powered|ai trading|chatgpt|machine learning|the bot in the app)\b",)


@detectors.register("signal.advice_request.v2")
class AdviceRequestV2(AdviceRequest):
    """v1 plus "should I ...", "is it worth me ...", "would I be better off", tax and legal cases."""

    name = "signal.advice_request.v2"
    patterns = {
        **AdviceRequest.patterns,
        "should_i_act": (r"\bshould (?:i|we) (?:\w+ ){0,2}(?:invest|buy|sell|move|put|fix|pay off|cash in|roll|"
                         r"sign|claim|declare|split|overpay|go for|choose|pick|take out|keep|switch|transfer my|"
                         r"remortgage|lock in|consolidate|gift)\b"),
        "which_should_i": r"\b(?:which|what) (?:\w+ ){0,3}should (?:i|we) (?:pick|choose|go for|invest|buy|get)\b",
        "what_should_i_invest": r"\bwhat should (?:i|we) (?:invest|put|do with) ",
        "worth_it_for_me": r"\bis it (?:worth (?:me|it for me)|a good idea (?:for me|to)|wise (?:for me|to)|better (?:for me|to))\b",
        "better_off": r"\bwould (?:i|we) be better off\b",
        "how_should_i": r"\bhow (?:should|do) (?:i|we) (?:split|invest|structure|allocate|divide)\b",
        "how_much_should": r"\b(?:how much|what percentage)(?: of my \w+)? should (?:i|we)\b|\bwhat percentage of my\b",
        "smartest_for_me": r"\b(?:smartest|best|cleverest) way for (?:me|us) to\b",
        "tax_owed": r"\b(?:how much tax will (?:i|we)|will (?:i|we) (?:be taxed|pay tax|owe)|do (?:i|we) need to pay (?:capital gains|tax))\b",
        "tax_claim": r"\bcan (?:i|we) claim\b[^.?!]{0,40}\btax",
        "court": r"\bcan (?:i|we) (?:take (?:him|her|them|\w+) to court|sue)\b",
        "legally_need": r"\bdo (?:i|we) legally need\b",
        "protect_from": r"\bto protect it from\b",
    }


@detectors.register("signal.account_data.v1")
class AccountDataRequest(PatternSignal):
    """A request for the customer's own balances, transactions or account status."""

    name = "signal.account_data.v1"
    entity_type = "ACCOUNT_DATA_REQUEST"
    _MINE = (r"(?:balance|credit limit|available (?:balance|credit|overdraft)|overdraft|minimum payment|"
             r"statement|transactions|direct debits|standing orders|payments|mini statement|savings|loan balance)")
    patterns = {
        "my_figure": rf"\b(?:what'?s|what is|whats|how much is|tell me|show me|check|give me|send me|pull up|list|read me) (?:me )?my (?:\w+ )?{_MINE}\b",
        "how_much_have_i": (r"\bhow much (?:money )?(?:do i have|have i got|is left|'s left|did i spend|have i (?:paid|spent|got)"
                            r"|do i owe|i owe|i've got)\b"),
        "total_i_owe": r"\b(?:total|what) i owe\b",
        "balance_please": r"^\s*(?:bal|balance)(?: pls| please| plz)?\s*[?!.]*$",
        "mini_statement": r"\bmini statement\b",
        "status_of_mine": r"\bis my (?:account|card) (?:overdrawn|blocked|active|frozen|in credit)\b",
        "did_it_go": (r"\bdid (?:my|it|the) (?:\w+ ){0,6}(?:go (?:out|through)|come (?:in|out|through)|clear)\b|"
                      r"\b(?:has|have) my \w+ (?:gone|come) (?:out|in|through)\b|\bif my (?:wages|salary|pay) (?:went|came) in\b"),
        "when_did_i": r"\b(?:when|what date) did i (?:last )?(?:pay|make|send)\b",
        "check_if_mine": r"\bcheck (?:if|whether) my\b",
    }
    vetoes: ClassVar[tuple[str, ...]] = (r"^\s*(?:how (?:do|can) i|where (?:can|do) i|can i get|does the|not after)\b",)


@detectors.register("signal.dispute.v1")
class DisputeSignal(PatternSignal):
    """The customer's own disputed transaction: unrecognised, duplicate, wrong amount, no refund."""

    name = "signal.dispute.v1"
    entity_type = "DISPUTE"
    patterns = {
        "charged_twice": r"\b(?:charge|charged|billed|debited|taken) (?:me |us )?(?:twice|two times|double)|\bdouble[- ]charged\b|\bduplicate (?:transaction|charge|payment)\b",
        "not_mine": (r"\b(?:payment|charge|transaction|purchase)s? (?:\S+ ){0,6}(?:i|we) (?:definitely |certainly )?(?:didn't|did not|never) "
                     r"(?:make|authori[sz]e|recogni[sz]e)|\b(?:i|we) (?:know nothing about|have no idea about)\b|\b(?:it )?wasn't me\b|\bpayments i never made\b"),
        "unrecognised": r"\b(?:don't|do not) recogni[sz]e (?:a|this|the|that|these)\b|\bunauthori[sz]ed (?:transaction|payment|charge)",
        "never_been": r"\bi'?ve never been to\b|\bi'?m in \w+\b.*\bon my statement|\bon my statement\b.*\bi'?m in\b",
        "used_my_card": r"\b(?:someone|somebody)(?:'s| has)? used my card\b",
        "wrong_amount": r"\bcharged (?:me |my card )?(?:£|\$)?[\d.,]+ (?:instead of|but)\b",
        "no_refund": (r"\b(?:never (?:got|received) (?:my|the|a) refund|refund (?:still )?(?:hasn't|has not|never|isn't|is not)|said (?:they'd|they would) refund"
                      r"|never released|ask my bank)\b"),
        "dispute_it": r"\b(?:can you|please) (?:dispute|investigate|chargeback)\b",
    }
    vetoes: ClassVar[tuple[str, ...]] = (r"^\s*(?:if|what if|what happens if|what should i do if|do i get|how (?:long|many|do)|what'?s the time limit|is there a fee)\b",
              r"\b(?:all good|got my money back from)\b")


@detectors.register("signal.data_rights.v1")
class DataRightsRequest(PatternSignal):
    """A data-protection request: access, rectification, erasure, objection, opt-out of sale."""

    name = "signal.data_rights.v1"
    entity_type = "DATA_RIGHTS_REQUEST"
    _DATA = r"(?:personal )?(?:data|information|info|details|records)"
    patterns = {
        "access": (r"\b(?:know|see|find out) what (?:\w+ )?(?:information|data|details) you(?:'ve| have)? (?:got|have|hold|keep)\b|"
                   r"\bsubject access request\b|\b(?-i:DSAR|SAR)\b|\barticle 1[5-7]\b|\barticle 21\b|"
                   rf"\bcopy of (?:all |any )?(?:the |my )?(?:{_DATA}|call recordings|notes)\b|"
                   rf"\b(?:data|information) (?:that )?you (?:hold|have|keep|store) (?:on|about) me\b|"
                   r"\bnotes (?:\w+ ){0,2}(?:wrote|made|written|kept) (?:on|about) (?:me|my file)\b"),
        "erasure": (rf"\b(?:delete|erase|remove|wipe|destroy) (?:all (?:of )?|any of |everything (?:you have |you hold )?(?:on|about) )?"
                    rf"my (?:account |customer |contact |private )?{_DATA}\b|"
                    r"\b(?:delete|erase|remove|wipe) (?:everything|all) you (?:have|hold|keep) (?:on|about) me\b|"
                    r"\b(?:erase|delete) them\b|\bright to (?:be forgotten|erasure)\b|\bforget me\b|"
                    rf"\bremove my {_DATA} from\b|\bstill have my details\b"),
        "rectification": (r"\b(?:spelt|spelled|is|are) (?:wrong|incorrect|out of date)\b[^.?!]{0,40}\b(?:system|records|file|database)|"
                          r"\b(?:incorrect|wrong) on your (?:system|records)\b|\bright to rectification\b"),
        "objection": (r"\b(?:opt|take|remove) me (?:out|off)\b|\bunsubscribe\b|"
                      r"\bstop (?:texting|emailing|calling|sending|contacting|messaging) me\b|"
                      r"\bno more (?:marketing|offers|sales calls|promotional)\b|"
                      rf"\b(?:don't|do not|stop) (?:share|sharing|sell|selling|pass|passing|using|use) my {_DATA}\b|"
                      r"\b(?:don't|do not) (?:want|like) my (?:\w+ ){0,2}(?:data|information) used\b|"
                      r"\bobject to\b|\b(?:don't|do not|no longer) consent\b|\bwithdraw (?:my )?consent\b|\bprofil(?:ing|e) me\b|\bused? (?:my (?:\w+ )?data )?for profiling\b|"
                      r"\btargeted (?:ads|advertising)\b|\btarget(?:ing)? me with\b|"
                      r"\bstop using my (?:\w+ )?(?:data|spending|transactions|information|details|history)\b|\bpersonali[sz]ed offers\b[^.?!]*\b(?:never|turn it off|stop|don't)|"
                      r"\b(?:sale|sharing) of my\b|\bdo not sell\b|\b(?:don't|do not) pass my details\b|"
                      r"\bpersonali[sz]e offers\b|\b(?:marketing|mailing|call|email) lists?\b"),
    }
    vetoes: ClassVar[tuple[str, ...]] = (r"\b(?:i'd like to receive|sign up|how do i delete the app)\b",)
