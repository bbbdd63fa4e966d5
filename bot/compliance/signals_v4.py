"""Fourth-generation complaint and vulnerability signals: a second blind writer's wording.

A second blind tuning set (``bench/data/signals_tune2``, issue 18) showed families of wording
the v2/v3 lexicons (:mod:`bot.compliance.signals_v2`, :mod:`bot.compliance.signals_v3`) miss:

- complaints said as a *question to the bank* ("why do you keep charging me ...", "who decided
  to ...", "how am I supposed to ..."), as a *consent the customer never gave* ("I never agreed
  to ..."), as a *failure of a named member of staff* ("your valuer never turned up"), as a
  *branch closure*, or as *being done with the bank*;
- words that only look like a complaint: a denial ("not a complaint", "I'm not angry"), a
  feeling aimed at oneself or at someone else ("annoyed at myself", "he's upset"), praise or a
  past grievance put right, a study question, a customer *joining* the bank, and a failure of
  someone who is not the bank (a landlord, a shop, a courier) that never addresses the bank;
- vulnerability said through circumstances rather than named: homelessness, gambling harm, an
  elderly person who cannot use the bank's channels, a money-mule approach, remote-access,
  phishing and fake-shop stories, someone "talked into" paying.

v3/v2 keep meaning what they said; the rulebook and the NLU component opt into these.
"""

from __future__ import annotations

import re
from typing import ClassVar

from bot.compliance.detectors.base import DetectorHit
from bot.compliance.signal_requests_v3 import DisputeSignalV3
from bot.compliance.signals import PatternSignal, compile_pattern, unsilenced
from bot.compliance.signals_v2 import (
    FAILURES,
    FEELINGS,
    RHETORIC,
    SCAM_STORY_PATTERNS,
    THREATS,
    VERDICTS,
    VulnerabilityV2,
    any_of,
)
from bot.compliance.signals_v3 import ComplaintV3
from bot.registry import detectors


def _without(pattern: str, old: str, new: str) -> str:
    """``pattern`` with one alternative rewritten (it must be there: a typo fails at import)."""
    if old not in pattern:
        raise ValueError(f"no {old!r} in the pattern")
    return pattern.replace(old, new)


#: v2's failures, minus a bare "is out of order" (a broken ATM is a question about another one
#: unless it has lasted) and "cut off" as in a cut-off time.
_FAILURES = _without(
    _without(FAILURES, r"(?:has been|been|is) (?:broken|down|out of order)",
             r"(?:has been|been) (?:broken|down|out of order)|"
             r"(?:your|the) (?:app|website|site|online banking|system|card reader)(?:'s| is) (?:broken|down|not working)"),
    r"(?:cut off|hung up on me", r"(?:cut off(?! (?:time|date|point))|hung up on me",
)
#: v2's threats, minus moving house or country ("I'm moving to Spain") and joining this bank.
_THREATS = _without(
    THREATS,
    r"(?:be )?(?:switching|moving|leaving|closing (?:all|everything|my accounts))",
    r"(?:be )?(?:switching|moving|leaving|closing (?:all|everything|my accounts))"
    r"(?! (?:to|abroad|house|home|country|overseas|away|out|in|jobs?|the country)\b)",
)
_THREATS = _without(_THREATS, r"switching to \w+", r"switching to (?!you\b|your\b|this bank\b)\w+")

#: Dissatisfaction asked as a question to the bank, or said as being done with it.
BANK_QUESTIONED = any_of(
    r"why (?:do|does|did|are|have|would|is|was) (?:you|your (?:bank|staff|team|app)|the bank)"
    r" (?:\w+ ){0,2}(?:charg\w*|refus\w*|reject\w*|clos\w*|block\w*|freez\w*|froze|shar\w*|let|allow\w*|stop\w*|cancel\w*|sen[dt]\w*|add\w*|take|took|chang\w*|make|made)",
    r"why (?:didn't|did not|don't|do not|won't|wouldn't|can't|couldn't) (?:you|your (?:bank|staff|team)|the bank)",
    r"why am i (?:being |still )?(?:charged|paying|penali[sz]ed|treated)\b[^.?!]{0,60}\b(?:when|even though|although|despite|never|for nothing|like)",
    r"who (?:decided|thought|approved|signed off)", r"who (?:pays|is paying|is going to pay) for (?:that|this|it)",
    r"who can (?:make|manage|do) that", r"how am i (?:supposed|meant|expected) to",
    r"who can i (?:actually|even) (?:talk|speak)", r"can't even", r"enough of (?:this|you)",
    r"(?:i'm|im|i am) done with (?:this|you|your|the bank)", r"cancel everything",
    r"(?:are|is) a joke", r"(?:a bit of a|a real|a right|a total|such a) pain\b",
    r"(?:don't|do not|didn't) like (?:the|your|this) (?:new )?(?:app|website|design|layout|changes?|update|system|letter)",
)
#: Something done that the customer never agreed to (the bank's fault unless a merchant's).
UNAGREED = any_of(
    r"(?:i|we) (?:never|didn't|did not) (?:agreed?|asked?|sign(?:ed)? up|consent(?:ed)?|opt(?:ed)? in) (?:to|for)",
)
#: A failure of the bank's people, branches or advice.
BANK_FAILED = any_of(
    r"your (?:adviser|advisor|staff|colleague|branch|bank|manager|agent)\b[^.?!]{0,20}\b(?:told|advised|recommended|said|sold)\b[^.?!]{0,60}\b(?:lost|losing|wrong|worse)",
    r"your (?:\w+ ){0,2}(?:didn't|did not|never|couldn't|could not|wouldn't|won't) (?:turn up|show up|show|arrive|come|call|ring|bother|answer|reply|explain|help)",
    r"you (?:refused|rejected|turned (?:me|us) down|still (?:sent|charged|took|let|allowed|haven't|have not|didn't))",
    r"(?:you|they|the bank) (?:closed|shut|are closing|are shutting|closing|shutting) (?:my|our|the) (?:only |local )?branch",
    r"(?:shut|close|closed|closing|shutting) (?:down )?the only branch",
    r"(?:the )?(?:third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:week|month|day|visit|call|attempt)(?: running| in a row)?",
    r"took (?:me )?(?:two|three|four|five|several|\d+) (?:visits|calls|attempts|tries|goes|phone calls)",
    r"(?<!i )(?<!i.ve )(?<!we )(?<!we.ve )(?:has|have) been\b[^.?!]{0,30}\bfor (?:over |more than |nearly |almost )?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many) (?:days|weeks|months)",
    r"(?:nobody|no one|no-one|noone) (?:\w+ ){0,2}(?:fixes|fixed|sorts|sorted|explains|explained|tells|told|responds|responded)",
    r"(?:made|make|makes|making) me (?:to )?feel (?:worse|awful|terrible|like|stupid|small)", r"made to feel",
    r"upsetting", r"distressing", r"(?:you're|you are) not (?:understanding|listening|helping)",
)
#: Words that look like a complaint but deny, praise, turn on oneself, or study the topic.
NOT_A_COMPLAINT = (
    r"\bnot (?:a complaint|complaining)\b|\bnot (?:angry|annoyed|upset|cross) at all\b",
    r"\b(?:annoyed|angry|frustrated|cross|fed up) (?:at|with) myself\b",
    r"\bused to be (?:\w+ )?(?:frustrated|annoyed|unhappy|angry|disappointed)\b",
    r"\b(?:was|were|got) (?:handled|dealt with|resolved|sorted) (?:really |very |so |super )?(?:well|quickly)\b",
    r"\b(?:pass on|send) (?:my|our) (?:thanks|gratitude)\b|\btop marks\b|\bkept (?:me|us) (?:updated|informed)\b",
    r"\b(?:so|and) thank you\s*[.!]*\s*$",
    r"\b(?:asking|it's|this is) for (?:a|my|our) (?:\w+ ){0,2}(?:assignment|essay|project|homework|dissertation|course)\b",
    r"\b(?:switch(?:ing)?|mov(?:e|ing)|com(?:e|ing)) (?:over )?to (?:you|your bank)\b",
)
#: Someone who is not the bank, named as the one at fault.
SOMEONE_ELSE = any_of(
    r"(?:my|our|the|a) (?:landlord|landlady|letting agent|neighbou?r|builder|boss|employer|ex|old bank|previous bank|"
    r"former bank|other bank|supplier|seller|shop|store|merchant|retailer|hotel|airline|council|company|"
    r"garage|restaurant|website|site|platform|gym)", r"(?:wrong|my) (?:size|item|colou?r|order|parcel)",
)
#: The bank's own things: a failure to deliver them is the bank's, whoever carried them.
BANK_THINGS = any_of(r"(?:new|replacement) (?:card|pin)", r"cheque ?book", r"card reader")
#: A feeling that belongs to someone else ("he's very upset"): not the customer's verdict.
_THEIR_FEELING = re.compile(
    r"\b(?:he|she|they|(?:my|our|his|her) (?:husband|wife|partner|mum|mom|mother|dad|father|son|daughter|"
    r"brother|sister|nan|gran|grandma|grandad|friend|neighbou?r))(?:'s|'re| is| are| was| were| gets| got| seems)? (?:\w+ )?$",
    re.I,
)
_EVIDENCE_ABOUT_OTHERS = frozenset({"failure", "feeling", "verdict", "unagreed"})
#: Evidence that only states what happened: dropped in a merchant's or scammer's story.
_FACT_ONLY = frozenset({"failure", "unagreed"})


@detectors.register("signal.complaint.v4")
class ComplaintV4(ComplaintV3):
    """v3 plus questions to the bank and unagreed actions, minus denials, praise and others' faults."""

    name = "signal.complaint.v4"
    patterns: ClassVar[dict[str, str]] = {
        **ComplaintV3.patterns, "verdict": VERDICTS, "feeling": FEELINGS, "threat": _THREATS,
        "failure": _FAILURES, "rhetoric": RHETORIC, "questioned": BANK_QUESTIONED,
        "bank_failed": BANK_FAILED, "unagreed": UNAGREED,
    }
    vetoes: ClassVar[tuple[str, ...]] = (*ComplaintV3.vetoes, *NOT_A_COMPLAINT)

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.scam = VulnerabilityV3()
        self.dispute = DisputeSignalV3()
        self.someone_else = compile_pattern(SOMEONE_ELSE)
        self.bank_things = compile_pattern(BANK_THINGS)

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """The pattern hits, minus others' feelings, and minus facts or feelings about someone else.

        A fact alone (a failure, something not agreed to) is dropped in a general question or
        in a merchant's or scammer's story; a fact, feeling or verdict is dropped when it names
        someone who is not the bank and never addresses the bank.
        """
        text = text.replace("\u2019", "'")
        hits = [h for h in PatternSignal.analyze(self, text)
                if not (h.pattern_name == "feeling" and _THEIR_FEELING.search(text[:h.start]))]
        kinds = {h.pattern_name for h in hits}
        if not hits or self.at_the_bank.search(text):
            return hits if not (kinds <= _FACT_ONLY and self.general.analyze(text)) else []
        if kinds <= {"unagreed"} or kinds <= _FACT_ONLY and (self.general.analyze(text) or self._third_party(text)):
            return []
        if kinds <= _EVIDENCE_ABOUT_OTHERS and self.someone_else.search(text) and not self.bank_things.search(text):
            return []
        return hits

    def _third_party(self, text: str) -> bool:
        return bool(self.dispute.analyze(text)) or any(
            h.pattern_name in (*SCAM_STORY_PATTERNS, "scam_story") for h in self.scam.analyze(text)
        )


# --- vulnerability ------------------------------------------------------------------------
#: Circumstances that make a customer vulnerable without naming it.
CIRCUMSTANCES = any_of(
    r"homeless", r"no fixed (?:abode|address)", r"sleeping rough", r"sofa[- ]surfing", r"(?:women's )?refuge",
    r"gambl(?:ed|ing (?:problem|addiction|habit)|er)", r"(?:block|stop) (?:betting|gambling)", r"betting (?:sites|apps|addiction)",
    r"dyslexi\w*", r"learning (?:difficult|disabilit)\w*", r"autis\w*", r"(?:i'm|i am|she's|he's) (?:deaf|blind|partially sighted)",
    r"d[ée]c[ée]d[ée]e?", r"falleci(?:d[oa]|[óo])", r"muri[óo]",
)
#: Someone who cannot use the bank's channels ...
CANNOT_USE = any_of(
    r"(?:can't|cannot|can not|doesn't|does not|don't|do not|isn't able to|is not able to|unable to|struggles? to|not able to)"
    r" (?:use|understand|manage|work|do|cope with|get on with) (?:the |this |a |online |internet |mobile )?"
    r"(?:app|apps|chat|online|internet|computers?|smartphones?|phone banking|banking app|website|online banking|technology)",
)
#: ... because of age (which alone is no vulnerability).
ELDERLY = any_of(r"(?:[7-9]\d|1[01]\d)(?: years old)?", r"elderly", r"pensioner", r"old age", r"(?:in her|in his|in my) (?:seventies|eighties|nineties)")
#: Scam stories in words v2 lacks: remote access, phishing acted on, fake shops, mule offers.
SCAM_V3 = any_of(
    r"(?:on|into|controlling|control of) my (?:laptop|computer|pc|phone|screen) remotely", r"remote(?:ly)? access", r"anydesk", r"teamviewer",
    r"screen ?shar\w*", r"press(?:ed)? 1", r"(?:asked|asking|wanted|wants) (?:me )?for (?:the|my) (?:\w+ )?(?:code|pin|password|passcode)",
    r"code you (?:just )?(?:texted|sent)", r"read (?:out )?(?:the )?(?:last|first) (?:\d|four|three)",
    r"(?:turned|turns) out (?:to be )?(?:fake|a scam|bogus|fraudulent|not real|a fraud)", r"victim of (?:fraud|a fraud|identity theft)",
    r"(?:gave|entered|typed|put) (?:in )?(?:my|all my) (?:\w+ ){0,2}(?:details|password|pin|login|card number|code)\b[^.?!]{0,40}\b(?:website|site|link|page|caller|call|text|email|them|him|her)",
    r"looked (?:exactly )?like (?:yours|you|your|the bank's)", r"(?:email|account|phone) (?:was|got|had been) hacked",
    r"bank details were changed", r"(?:talked|tricked|pressured|persuaded|conned|duped|coerced|groomed) (?:\w+ )?into",
    r"offered (?:me )?(?:£|\$)?\d[\d,]*\w* to", r"money mule",
    r"(?:let|letting|allow|allowing) (?:them|him|her|someone|somebody|people|a stranger) (?:use|borrow|rent) my (?:bank )?(?:account|card)",
    r"(?:use|borrow|rent) my (?:bank )?account (?:for|to) (?:receive|move|transfer|pass|put|a payment|payments)",
    r"guarantee(?:d|ing|s)? (?:\w+ )?(?:\d+ ?%|returns?|profits?)", r"\d+ ?% (?:a|per|every) (?:day|week|month)",
    r"(?:should|do) i (?:click|press|call them back|ring them back)",
    r"(?:is|was) (?:this|that|it) (?:really )?(?:you|from you)\?",
    r"(?:crypto|bitcoin|forex) (?:broker|trader|platform|investment)\b[^.?!]{0,60}\b(?:instagram|telegram|whatsapp|facebook|tiktok|snapchat|send|withdraw)",
)
#: Things v2 reads as vulnerability that here are not: a professional or volunteer asking,
#: an inheritance long settled, a joke, a cheque that bounced, planning while well.
NOT_VULNERABLE = {
    "bereavement": r"\b(?:(?:estate|will)\b[^.?!]{0,40}\byears ago|was settled|(?:i'm|i am) (?:a |an )?(?:solicitor|lawyer|probate)|several estates|acting for)\b",
    "illness": r"\b(?:carer for a (?:company|firm|agency|charity|care home)|our clients|(?:i|we) volunteer)\b",
    "hardship": r"\b(?:(?:i'm|i am) a volunteer|volunteer at|debt collection agency|cheque (?:that )?bounced)\b",
    "abuse": r"\b(?:lol|haha|scared to (?:check|look))\b",
    "scam_story": r"\b(?:sorted (?:it|this)|wanted to say thanks|thank(?:s| you) (?:so much|for sorting))\b",
}
#: Not the customer's own vulnerability: a professional or volunteer asking for others, planning
#: ahead while well, a child's curiosity, or an inheritance received long ago. Silences the NLU's vulnerability intent.
NOT_THEIR_OWN = (
    r"\b(?:i'm|i am|i work as|we're|we are) (?:a |an )?(?:police officer|solicitor|lawyer|social worker|volunteer|"
    r"journalist|accountant|student (?:doing|writing)|researcher|teacher)\b|\b(?:i|we) volunteer\b",
    r"\b(?:while|whilst) (?:i'm|i am|we're|we are|still) (?:\w+ ){0,2}(?:well|healthy|able)\b|\bplanning ahead\b|\bpeace of mind\b",
    r"\basking for (?:my )?(?:\d+ ?year old|teenager|son|daughter|kid|child)\b|"
    r"\bmy (?:\d+ ?year old|teenager|son|daughter|kid|child) (?:asked|wants to know|was asking|is curious)\b",
    r"\b(?:left me|inherited)\b[^.?!]{0,40}\byears ago\b",
)


@detectors.register("signal.vulnerability.v3")
class VulnerabilityV3(VulnerabilityV2):
    """v2 plus circumstances, digital exclusion in old age and more scam stories, minus look-alikes."""

    name = "signal.vulnerability.v3"
    patterns: ClassVar[dict[str, str]] = {
        **VulnerabilityV2.patterns, "circumstances": CIRCUMSTANCES, "cannot_use": CANNOT_USE, "scam_story": SCAM_V3,
    }
    requires: ClassVar[dict[str, str]] = {**VulnerabilityV2.requires, "cannot_use": ELDERLY}

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.quiet = {name: compile_pattern(rx) for name, rx in NOT_VULNERABLE.items()}

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """v2's hits and the new families, minus a family its look-alike silences."""
        text = text.replace("\u2019", "'")
        return unsilenced(super().analyze(text), self.quiet, text)


@detectors.register("signal.not_a_complaint.v1")
class NotAComplaint(PatternSignal):
    """A denial, praise, a grievance put right, a study question, or a customer joining the bank.

    The NLU's complaint intent reads the topic; this tells it the customer is not complaining
    (``nlu_unless`` of the complaint rule). Complaint v4 vetoes the same wording.
    """

    name = "signal.not_a_complaint.v1"
    entity_type = "NOT_A_COMPLAINT"
    patterns: ClassVar[dict[str, str]] = {f"not_a_complaint_{i}": rx for i, rx in enumerate(NOT_A_COMPLAINT)}


@detectors.register("signal.not_their_own.v1")
class NotTheirOwn(PatternSignal):
    """A professional, volunteer or well customer planning ahead: the topic, not a vulnerability."""

    name = "signal.not_their_own.v1"
    entity_type = "NOT_THEIR_OWN"
    patterns: ClassVar[dict[str, str]] = {f"not_their_own_{i}": rx for i, rx in enumerate(NOT_THEIR_OWN)}
