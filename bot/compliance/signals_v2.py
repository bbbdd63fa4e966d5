"""Second-generation guardrail signals: dissatisfaction and vulnerability said indirectly.

The v1 patterns (:mod:`bot.compliance.signals`) catch what a customer says when they name the
thing ("I want to complain", "my husband passed away"). Blind wording showed the rest: a
complaint is mostly dissatisfaction stated as a fact ("it's been three weeks"), a verdict ("a
joke", "shambles"), a threat ("I'm moving banks", "the ombudsman") or sarcasm; a scam victim
rarely says "scam" but tells a story (a caller from "the fraud team", a safe account, a lover
never met, a release fee). So these signals are lexicons of those cues, grouped by what they
mean, rather than sentences. v1 keeps meaning what it said; the rulebook opts into v2.
Measured on the blind set's test half: ``candor bench signals`` (bench/results/).
"""

from __future__ import annotations

import re
from typing import ClassVar

from bot.compliance.detectors.base import DetectorHit
from bot.compliance.signals import Complaint, PatternSignal, Vulnerability
from bot.registry import detectors


def any_of(*alternatives: str) -> str:
    """A whole-word alternation of regex fragments."""
    return r"\b(?:" + "|".join(alternatives) + r")\b"


#: A verdict on the bank, its service or product: unambiguous in a bank chat.
VERDICTS = any_of(
    "unacceptable", "ridiculous", "disgraceful", "disgusting", "disgusted", "appalling",
    "appalled", "pathetic", "shambles", "shambolic", "outrageous", "scandalous", "atrocious",
    "abysmal", "diabolical", "incompeten(?:t|ce)", "laughable", "daylight robbery",
    r"rip[- ]?off", "ripping (?:me|us|people) off", "extortionate", r"(?:is|was|it's|what) a joke",
    "beyond a joke", "a disgrace", "a farce", "a nightmare", "an? (?:absolute )?shambles",
    "shocking", "hopeless", "useless", "rubbish", "garbage", "cruel", "unbelievable",
    r"(?:a |an |such a |what a )(?:total |complete |absolute |utter |right )(?:mess|disaster|joke|nightmare)",
    r"(?:such a|what a) (?:mess|disaster|nightmare)", r"fiasco", r"farce",
    r"(?<!feels )(?<!feel )(?<!feeling )pointless", r"can't believe (?:you|this|that|how|it)", "insulting",
    "a waste of (?:time|space)", "waste of time", "thanks for nothing", "cheers for nothing",
    "couldn't make it up", "could not make it up", "beyond frustrating", "infuriating",
    "embarrassing", "humiliating", "unprofessional", "not good enough", "not fit for purpose",
    r"(?:really|very|so|extremely|seriously) poor", r"poor (?:service|show|form|experience)",
    "worst", "(?<!feel )(?<!feeling )(?:terrible|awful|horrendous|horrible|dreadful)",
)
#: How the customer feels about it.
FEELINGS = any_of(
    "fuming", "livid", "furious", "(?<!gets )(?<!get )(?<!getting )angry", "annoyed", "irritated", "frustrated", "frustrating",
    "not (?:at all )?happy", "unhappy", "not impressed", "unimpressed", "not pleased",
    "not satisfied", "dissatisfied", "disappointed", "disappointing", "let (?:me|us) down",
    "fed up", "sick of", "sick and tired", "(?:really |so |getting )?tired of", "had enough", "regret",
    "gutted", "upset",
)
#: Leaving, escalating, going public.
THREATS = any_of(
    r"(?<!if i )(?<!if we )(?:moving|switching|changing|leaving|move|switch|change|leave) (?:banks?|to (?:another|a different) bank)",
    r"(?:i'm|i am|we're|we are|i'll|i will|we'll|going to|gonna) (?:be )?(?:switching|moving|leaving|closing (?:all|everything|my accounts))",
    r"switching to \w+", r"closing everything",
    r"(?:thinking (?:about|of)|considering|about to) (?:leaving|switching|moving|closing|taking my)", r"take (?:my|our) (?:money|business|custom) elsewhere",
    r"(?:going|go|take (?:this|it)|report(?:ing)? (?:you|this)|escalat\w+ (?:this|it)?) to the (?:financial )?ombudsman",
    r"(?:the )?ombudsman", r"(?:posting|post|tweet\w*|writing) about (?:this|you)", r"on (?:twitter|x|facebook|social media|tiktok)\b.*\b(?:about|if)",
    r"(?:contact|tell|go to|write to) the (?:press|papers|newspapers|bbc|media)", r"trading standards",
    r"(?:been|as) a (?:loyal )?customer (?:for )?\d+ years", r"how you treat (?:me|us|your customers|existing customers|people)",
    r"way to treat (?:me|us|your|existing|loyal)",
)
#: Things that went wrong, stated as fact: delays, silence, repetition, being ignored.
FAILURES = any_of(
    r"still (?:not|no|hasn't|haven't|has not|have not|isn't|is not|nothing|waiting|showing nothing|no sign|no answer|no reply|no word|getting)",
    r"(?:it's|it is|its|it has|that's|that is) (?:now )?been (?:over |more than |nearly |almost |at least )?(?:\d+|a|an|two|three|four|five|six|seven|eight|nine|ten|several|many) (?:full )?(?:working |business )?(?:days?|weeks?|months?|hours?)",
    r"(?:waited|waiting|been on hold|on hold)\b[^.?!]{0,30}\b(?:minutes|mins|hours?|days|weeks|ages|forever)",
    r"(?:cut off|hung up on me|put the phone down on me)", r"again[.!]",
    r"(?:third|fourth|fifth|umpteenth|\d+(?:st|nd|rd|th)) time", r"(?:three|four|five|six|\d+) times (?:now|already|this|today|in a row|and)",
    r"(?:yet again|again and again|over and over|every single time|every time i|without fail|round in circles|the same answer)",
    r"(?:nobody|no one|no-one|noone) (?:\w+ ){0,3}(?:could|would|can|will|has|have|seems|seemed|bothered|answered|answers|helped|helps|got back|called|rang|replied|knows|knew|cares|listens|there)",
    r"(?:no|without (?:any )?|with no )(?:reason|explanation|warning|notice|apology|response|reply) (?:given|at all|whatsoever)?",
    r"without (?:any )?(?:notice|warning|explanation|reason)", r"you(?:'ve| have)? [^.?!]{0,60}without (?:asking|telling|consulting)", r"never (?:came|arrived|turned up|showed up|got back|called back|rang back|heard back|replied)",
    r"(?:you've|you have|you) done (?:absolutely )?nothing", r"you (?:clearly |obviously |just )?(?:don't|do not|never) (?:understand|listen|care|read|answer)",
    r"doesn't answer my question", r"(?:didn't|did not|doesn't|does not|never) (?:help|answer)", r"(?:unhelpful|not helpful)",
    r"keeps? (?:crashing|failing|freezing|logging me out|declining|sending me|getting declined|going down|asking)", r"goes down",
    r"keep getting (?:the same |an? )?(?:error|message)", r"(?:logged|kicked) me out \w+ times", r"(?:has been|been|is) (?:broken|down|out of order)",
    r"been trying (?:for|to\b[^.?!]{0,60}\bfor) (?:an? |\d+ |ages|months|weeks|days|hours|over)", r"(?:had|have) to repeat myself",
    r"(?:told|gave|given) (?:me|us) (?:the )?wrong", r"(?:answer|information|info) (?:was|is) (?:wrong|incorrect|out of date)",
    r"(?:rude|pushy|patroni[sz]ing|condescending|dismissive|could(?:n't| not) be bothered|couldn't care less)",
    r"mis-?sold|mis sold", r"set up wrong", r"without (?:my )?(?:permission|consent|asking me)",
    r"nearly lost", r"in front of everyone", r"in this day and age", r"in 20\d\d\b[^.?!]{0,20}$",
    r"(?:my|the) complaint (?:from|still|hasn't|has not|was never)", r"ignored (?:me|us|my)",
    r"you(?:'ve| have)? (?:\w+ )?(?:lost|messed up|mixed up|screwed up|cocked up|got wrong|forgot|ignored)",
    r"(?:messed|screwed|cocked) up", r"(?:twice|again|three times) now",
    r"still (?:taking|charging|sending|calling|emailing|texting|writing to)",
    r"(?:told|promised|said|supposed to)\b[^.?!]{0,60}\b(?:ago|weeks? later|months? later|never (?:did|happened|came))",
    r"even though (?:i|we) (?:had )?(?:updated|told|asked|called|sent|paid|informed|explained|cancelled)",
)
#: Complaints asked as questions or said with sarcasm.
RHETORIC = any_of(
    r"how (?:is|was) (?:it|this|that) (?:acceptable|fair|ok|okay|allowed|legal|possible)",
    r"how hard (?:is it|can it be)", r"how difficult (?:is it|can it be)", r"why on earth",
    r"why (?:the hell|tf|the heck)", r"why do i (?:have|need) to\b[^.?!]{0,40}\b(?:times|again|every)",
    r"who (?:decided|thought)\b[^.?!]{0,60}\bgood idea", r"(?:literally|absolutely) nothing",
    r"(?:love|lovely|great|brilliant|fantastic) how (?:your|you|the)", r"well done (?:you|guys|northwind)",
    r"(?:is|are) non[- ]?existent", r"would(?:n't| not) recommend", r"never again",
    r"^\s*(?:oh )?(?:great|brilliant|fantastic|perfect|lovely|wonderful|cheers)[,!.]+ (?:another|again|so|now|thanks)",
    r"(?:0|zero|one|1) stars?", r"someone (?:who|that) (?:actually|really) (?:knows|understands|can help)",
    r"(?:not|no longer) (?:typing|talking|chatting) to (?:a |this |your )?(?:robot|bot|machine)", r"^\s*[0-2](?:\.\d)?\s*/\s*(?:5|10)\b", r"^\s*meh\b",
)


@detectors.register("signal.complaint.v2")
class ComplaintV2(PatternSignal):
    """v1 plus indirect dissatisfaction: verdicts, feelings, threats, failures, rhetoric."""

    name = "signal.complaint.v2"
    entity_type = Complaint.entity_type
    patterns = {
        **Complaint.patterns,
        "verdict": VERDICTS, "feeling": FEELINGS, "threat": THREATS,
        "failure": FAILURES, "rhetoric": RHETORIC, "thumbs_down": "\U0001F44E",
    }
    # A customer who says how good something was, or asks how to avoid a charge, is not
    # complaining: "no problem", "you sorted it brilliantly", "how do I avoid fees?".
    vetoes: ClassVar[tuple[str, ...]] = (
        r"\b(?:sorted it|brilliant(?:ly)? (?:service|job)|thank(?:s| you) so much|just wanted to say thanks)\b",
    )


# --- vulnerability ------------------------------------------------------------------------
_FAMILY = (r"(?:husband|wife|partner|mum|mom|mother|dad|father|son|daughter|baby|child|brother|"
           r"sister|grandad|grandpa|grandma|nan|gran|grandmother|grandfather|fianc\w*|boyfriend|"
           r"girlfriend|aunt|uncle)")
BEREAVEMENT = any_of(
    r"passed away", r"bereave\w*", rf"lost (?:my|our) {_FAMILY}", r"passed on", r"has passed", r"(?:he|she|they) passed", rf"{_FAMILY}(?: \w+)? (?:has |had |just )?died", r"died (?:last|on|in|suddenly|yesterday|recently)", r"who died",
    r"death certificate", r"bereave\w*", r"funeral", r"widow(?:ed|er)?", rf"lost (?:my|our) {_FAMILY}",
    rf"late {_FAMILY}", r"since (?:my|his|her|our) \w+ died", r"(?:his|her|their) estate",
)
ILLNESS = any_of(
    r"diagnos(?:ed|is)", r"in hospital", r"hospitali[sz]ed", r"terminal(?:ly)? ill", r"cancer",
    r"chemo\w*", r"radiotherapy", r"dementia(?!-friendly| friendly)", r"alzheimer'?s", r"memory(?:'s| is) going",
    r"memory (?:isn't|is not|is n't) what it", r"(?:my|his|her) memory", r"forgetful", r"(?:get|getting|gets) (?:so )?confused",
    r"head injury", r"brain injury", r"(?:a|had a|my) stroke", r"heart attack", r"(?-i:MS)", r"multiple sclerosis",
    r"parkinson'?s", r"long covid", r"signed off (?:sick|work)", r"(?:an|my|his|her) operation", r"surgery",
    r"sight is going", r"macular", r"(?:going|gone|registered) blind", r"(?:i'm|i am|he's|she's|he is|she is) disabled", r"disability",
    r"mental health", r"depress(?:ed|ion)", r"anxiety", r"panic attacks?", r"bipolar", r"psychiatric",
    r"can't cope", r"cannot cope", r"can't face", r"suicid\w*", r"self[- ]harm", r"feels? pointless",
    r"don't want to be here", r"brain is foggy", r"brain fog", r"hands shake", r"carer",
)
HARDSHIP = any_of(
    r"lost my job", r"laid off", r"made redundant", r"redundancy", r"unemployed", r"hours (?:got|were|have been|been) cut",
    r"can't afford", r"cannot afford", r"can't (?:pay|make|keep up|cover|meet|manage)", r"cannot (?:pay|make|keep up)",
    r"(?:don't|do not) have (?:it|the money|enough|any money)", r"(?:drowning|buried|swimming) in debt", r"in debt",
    r"debts", r"maxed(?: out)?", r"bailiffs?", r"evict(?:ed|ion)", r"repossess\w*", r"debt collect\w*", r"collections",
    r"behind (?:on|with)", r"arrears", r"heating (?:and|or) eating", r"food ?bank", r"nothing (?:left|for the rent|of my own|to live on)",
    r"(?:£|\$)\d+ to last", r"payday loans?", r"one (?:credit )?card to pay(?: off)? (?:another|the other)",
    r"universal credit", r"benefits (?:got |have been |were )?(?:delayed|stopped|cut)", r"(?:work|income) (?:has )?dried up",
    r"income(?:'s| has)? dropped", r"struggling (?:to (?:pay|make ends|keep up|cope|get by)|with (?:money|debts?|bills|my (?:debts?|bills|mental))|financially)", r"can't see a way out", r"bounced", r"emergency loan", r"keep having to borrow",
    r"(?:i'm|im|i am) stuck", r"hardship",
)
ABUSE = any_of(
    r"forc(?:ed|es|ing) me", r"makes? me (?:take|give|sign|hand|transfer|send)", r"(?:pressur(?:e|es|ed|ing)) me",
    r"scared to", r"frightened", r"afraid to", r"controls? (?:my|all (?:of )?my|our) (?:money|finances|account)",
    r"takes my (?:wages|money|card|benefits|pension)", r"only gives me",
    r"(?:keeps|kept) making me", r"threaten\w*", r"shouts", r"gets angry",
    r"using my (?:card|account|money) without", r"told me not to tell", r"divorce", r"separat(?:ed|ion|ing)",
    r"(?:emptied|drained|cleared out) (?:our|my|the) (?:joint )?(?:account|savings)", r"not to tell (?:the bank|anyone|you)",
)
#: A scam in the customer's own words: impersonation, safe-account, romance, investment,
#: advance-fee and recovery scams. Each cue alone is enough.
SCAM = any_of(
    r"scam(?:med|mer|mers)", r"(?:lost|fell for|victim of|caught (?:up )?in|reported|been|paid) (?:\w+ )?(?:a|the|this|that|to a) scam",
    r"double (?:my|your|the|their|her|his) (?:money|investment|bitcoin|crypto|savings)", r"what (?:i|we|she|he) thought was",
    r"(?:email|text|invoice|website|caller|call|site|profile) was (?:fake|a fake|bogus)", r"fake (?:email|invoice|website|text|caller|profile|site)",
    r"keeps? asking (?:me|her|him|us) to (?:help (?:her |him )?)?(?:send|transfer|pay|lend)", r"fraudsters?", r"conned", r"con artist", r"fallen for", r"fell for",
    r"pretend(?:ing|ed)? to be", r"claim(?:ing|ed|s)? to be", r"(?:safe|holding|protected) account",
    r"withdraw cash to help", r"(?:be|being|get|getting) arrested", r"on the other line",
    r"(?:release|withdrawal|unlock(?:ing)?|clearance) fees?", r"unlock (?:my |the )?(?:withdrawals?|profits?|funds?|money)",
    r"guaranteed returns?", r"\d+% (?:a|per|every) (?:day|week)", r"(?:broker|investment manager|account manager|trader|mentor)\b[^.?!]{0,30}\b(?:met|found)",
    r"(?:met|found|chatting) (?:\w+ ){0,4}(?:on|in|through|via) (?:instagram|telegram|whatsapp|facebook|tiktok|snapchat|a dating (?:app|site)|tinder|hinge|bumble)",
    r"online (?:boyfriend|girlfriend|partner|lover)", r"(?:we've|we have|i've|i have|we) never met", r"never met (?:him|her|them)",
    r"(?:army|military|navy) (?:general|officer|doctor)", r"pen ?pal", r"hi (?:mum|mom|dad)",
    r"(?:has|have|had|'s|is|'ve) (?:disappeared|vanished|gone quiet|gone silent|stopped (?:responding|replying|answering))",
    r"(?:blocked|ghosted) me", r"bank details (?:had |have )?(?:been )?changed", r"recovery (?:firm|company|agent|service)",
    r"(?:money|savings) (?:i|we|she|he) lost", r"lost (?:£|\$)?[\d,.]+k? to", r"(?:said|says) (?:he|she) loved? me",
)
#: Weaker cues (a caller "from the fraud team", "move my savings") that count only when
#: someone contacted or instructed the customer.
STEERED = any_of(
    r"someone from", r"(?:new|secure) account", r"move (?:my|all my|all of my|everything|the) (?:money|savings|isa|funds|cash)",
    r"(?:hmrc|irs|police\w*|policeman|fca|fraud team|fraud department|security team|your bank|the bank)",
    r"lock (?:in )?the rate", r"(?:today|now) or (?:i|we) lose", r"(?:send|pay|transfer|deposit) (?:another|more)", r"more fees",
    r"customs (?:fee|fees|charges)", r"(?:for|pay for) (?:a|her|his) visa", r"(?:his|her) (?:mum's|mother's) operation",
)
CONTACTED = any_of(
    r"(?:called|rang|phoned|texted|messaged|contacted|emailed)(?: me)?", r"(?:says|said|told me|tells me)",
    r"wants me to", r"(?:asked|asking) me to", r"(?:needs|need) me to", r"gave me",
)
#: Paid, then the goods, the seller or the money never came back.
NOT_DELIVERED = any_of(
    r"never (?:turned up|arrived|came)", r"(?:no|never got (?:the|my|any)) (?:tickets?|car|puppy|goods|parcel)",
    r"(?:doesn't|does not|didn't) exist", r"can't withdraw", r"never got it", r"(?:he|she|they)'?(?:s|re|ve)? (?:gone|disappeared|vanished)\b",
)
#: Money has already left: "sent", "paid", "transferred", "lost", "done two transfers".
MONEY_MOVED = any_of(
    r"(?:i've|i have|i|we|she|he|mum|mom|dad|they've|she's|he's|i've just|already) (?:\w+ )?(?:sent|paid|transferred|wired|moved|given|handed over|lost|invested|put)",
    r"(?:sent|paid|transferred|wired|lost|invested) (?:him |her |them )?(?:£|\$|\d)", r"done (?:two|three|\d+|a few|several) transfers",
    r"(?:sent|paid|transferred|wired) (?:the |my |her |his |our )?(?:money|cash|funds|deposit|savings)", r"doing it now",
    r"(?:got|made|had|convinced|persuaded|talked|tricked) (?:me|her|him|us|my \w+) (?:into |to )?(?:transfer|send|pay|mov|withdraw|hand)\w*", r"(?:most|all|half) of (?:her|his|my|our) savings", r"lost (?:£|\$|my|our|all)",
    r"money (?:has )?(?:gone|left)", r"get (?:my|her|his|our|the) money back", r"paid (?:for|a|an|the)",
)
#: The customer asks what a scam is, or how the bank protects people: a question, not a case.
SCAM_QUESTIONS = (
    r"^\s*(?:what(?:'s| is| are) (?:an? )?(?:authori[sz]ed push payment|app|romance|investment)? ?scams?\b|will you ever|does the bank ever|do you ever)",
    r"\b(?:documentary|reimbursement rules|signed up to)\b",
)


@detectors.register("signal.vulnerability.v2")
class VulnerabilityV2(PatternSignal):
    """v1 plus wider lexicons of bereavement, illness, hardship, abuse and scam stories."""

    name = "signal.vulnerability.v2"
    entity_type = Vulnerability.entity_type
    patterns = {
        "coercion": Vulnerability.patterns["coercion"], "distress": Vulnerability.patterns["distress"],
        "bereavement": BEREAVEMENT, "illness": ILLNESS, "hardship": HARDSHIP,
        "abuse": ABUSE, "scam": SCAM, "scam_steered": STEERED, "scam_not_delivered": NOT_DELIVERED,
    }
    requires = {"scam_steered": CONTACTED, "scam_not_delivered": MONEY_MOVED}
    vetoes = SCAM_QUESTIONS


#: The patterns of :class:`VulnerabilityV2` that tell a scam story (the others are illness,
#: bereavement, hardship ...).
SCAM_STORY_PATTERNS = ("scam", "scam_steered", "scam_not_delivered")


@detectors.register("signal.scam_money_moved.v1")
class ScamMoneyMoved(VulnerabilityV2):
    """A scam story in which money has already gone: the urgent fraud line comes first."""

    name = "signal.scam_money_moved.v1"

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """One hit spanning the first scam cue, when money has moved too."""
        normalised = text.replace("\u2019", "'")
        scam = [h for h in super().analyze(text) if h.pattern_name in SCAM_STORY_PATTERNS]
        if not scam or not re.search(MONEY_MOVED, normalised, re.IGNORECASE):
            return []
        return [DetectorHit(self.entity_type, scam[0].start, scam[0].end, self.score, self.name,
                            "scam_money_moved")]
