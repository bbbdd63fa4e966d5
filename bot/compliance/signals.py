"""Pattern signals for the conversational guardrails (advice, complaint, vulnerability, ...).

The trained NLU has a dedicated intent for each of these; the patterns here catch the wordings
where a regular expression is more reliable than a classifier (explicit phrases such as
"should I invest", "I want to make a complaint", "my husband passed away"), and keep working
when the NLU falls back. Each signal is a :class:`~bot.compliance.detectors.base.Detector`
registered as ``signal.<name>.v1``, so the rulebook names them like any other detector.
Measured precision/recall: ``candor bench guardrails`` and bench/results/.
"""

from __future__ import annotations

import re
from typing import ClassVar

from bot.compliance.detectors.base import Detector, DetectorHit
from bot.registry import detectors


class PatternSignal(Detector):
    """A detector defined by named, case-insensitive regular expressions.

    ``requires`` makes a pattern count only when another expression also occurs in the message
    (a scam cue only with a sign that money moved); a match of any of ``vetoes`` silences the
    whole signal (a general question about the topic, not the customer's own case). Curly
    apostrophes are read as straight ones, so patterns need only ``'``.
    """

    patterns: ClassVar[dict[str, str]]
    requires: ClassVar[dict[str, str]] = {}
    vetoes: ClassVar[tuple[str, ...]] = ()
    default_min_score = 0.0
    score: ClassVar[float] = 0.9

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        self.compiled = {name: compile_pattern(rx) for name, rx in self.patterns.items()}
        self.required = {name: compile_pattern(rx) for name, rx in self.requires.items()}
        self.vetoed = [compile_pattern(rx) for rx in self.vetoes]

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        text = text.replace("\u2019", "'").replace("\u2018", "'")  # same length: offsets hold
        if any(veto.search(text) for veto in self.vetoed):
            return []
        hits = [
            DetectorHit(self.entity_type, m.start(), m.end(), self.score, self.name, name)
            for name, pattern in self.compiled.items()
            if name not in self.required or self.required[name].search(text)
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]
        return sorted(hits, key=lambda h: (h.start, h.end))


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Case-insensitive, and every apostrophe optional: customers type "cant", "im", "its"."""
    return re.compile(pattern.replace("'?", "'").replace("'", "'?"), re.IGNORECASE)


def unsilenced(hits: list[DetectorHit], silencers: dict[str, re.Pattern[str]],
               text: str) -> list[DetectorHit]:
    """The hits whose pattern has no silencer, or whose silencer does not match ``text``."""
    return [h for h in hits
            if h.pattern_name not in silencers or not silencers[h.pattern_name].search(text)]


@detectors.register("signal.advice_request.v1")
class AdviceRequest(PatternSignal):
    """A request for a personal recommendation on investments, tax or legal matters."""

    name = "signal.advice_request.v1"
    entity_type = "ADVICE_REQUEST"
    patterns = {
        "should_i_invest": r"\bshould (?:i|we) (?:invest|buy|sell|put (?:my|our) (?:money|savings))\b",
        "what_to_invest_in": r"\bwhat (?:stocks?|shares|funds?|crypto\w*) should (?:i|we)\b",
        "best_investment_for_me": r"\b(?:best|good) (?:investment|stock|fund)s? for (?:me|my)\b",
        "recommend_for_me": r"\b(?:recommend|advise|tell) me (?:which|what|whether|if) (?:to |i should )?(?:invest|buy|sell|stock|fund|share)",
        "tax_for_me": r"\b(?:how (?:can|do) i (?:avoid|reduce|lower|minimi[sz]e) (?:my )?tax(?:es)?|should i (?:claim|declare|file)\b)",
        "legal_for_me": r"\b(?:can i sue|should i (?:sue|sign|take legal))\b",
        "where_put_money": r"\bwhere should i (?:put|keep|invest) my (?:money|savings|pension)\b",
    }


@detectors.register("signal.complaint.v1")
class Complaint(PatternSignal):
    """An expression of dissatisfaction or a request to complain."""

    name = "signal.complaint.v1"
    entity_type = "COMPLAINT"
    patterns = {
        "make_complaint": r"\b(?:make|file|lodge|raise|submit|register) an? (?:formal )?complaint\b",
        "want_to_complain": r"\b(?:i want|i'd like|i need|i wish|want) to complain\b",
        "complaint_about": r"\bcomplain(?:t|ing)? about\b",
        "unacceptable": r"\b(?:this is|that's|that is|totally|completely) (?:unacceptable|ridiculous|a disgrace|disgraceful|outrageous)\b",
        "terrible_service": r"\b(?:terrible|awful|appalling|horrible|worst|rubbish|useless) (?:service|bank|customer service|experience)\b",
        "fed_up": r"\b(?:fed up|sick and tired|so angry|furious|very disappointed|extremely disappointed)\b",
    }


@detectors.register("signal.vulnerability.v1")
class Vulnerability(PatternSignal):
    """Bereavement, illness, hardship, or scam/coercion signals."""

    name = "signal.vulnerability.v1"
    entity_type = "VULNERABILITY"
    patterns = {
        "bereavement": r"\b(?:passed away|has died|just died|bereave\w*|funeral|lost my (?:husband|wife|partner|mum|mom|dad|father|mother|son|daughter))\b",
        "illness": r"\b(?:diagnosed with|in hospital|terminal(?:ly)? ill|cancer|dementia|chemo\w*|mental health)\b",
        "hardship": r"\b(?:lost my job|been made redundant|unemployed|can't afford|cannot afford|struggling to pay|in debt|behind on (?:my )?(?:payments|bills|rent|mortgage)|can't pay my)\b",
        "coercion": r"\b(?:someone is forcing me|being forced to|threatened me|told me not to tell (?:the bank|anyone)|pressur(?:e|ing) me to (?:send|transfer|pay))\b",
        "distress": r"\b(?:i feel hopeless|don't know what to do anymore|at the end of my tether)\b",
    }


@detectors.register("signal.human_request.v1")
class HumanRequest(PatternSignal):
    """The customer asks for a person."""

    name = "signal.human_request.v1"
    entity_type = "HUMAN_REQUEST"
    patterns = {
        "talk_to_person": r"\b(?:talk|speak|chat) (?:to|with) (?:a |an |some )?(?:real )?(?:person|human|agent|advisor|adviser|representative|someone|staff|operator)\b",
        "human_please": r"\b(?:human|real person|live agent|agent|operator|representative)(?:,)? please\b",
        "connect_me": r"\b(?:connect|transfer|put) me (?:to|through to|with) (?:a |an )?(?:person|human|agent|advisor|adviser|representative|someone)\b",
    }


@detectors.register("signal.bot_identity.v1")
class BotIdentityQuestion(PatternSignal):
    """The customer asks whether they are talking to a bot or a human."""

    name = "signal.bot_identity.v1"
    entity_type = "BOT_IDENTITY_QUESTION"
    patterns = {
        "are_you_bot": r"\b(?:are|r) (?:you|u) (?:a |an )?(?:bot|robot|human|real|person|machine|ai|computer|chatbot)\b",
        "talking_to_bot": r"\b(?:am i|i'm|i am) (?:talking|chatting|speaking) (?:to|with) (?:a |an )?(?:bot|robot|machine|real person|human|ai)\b",
        "is_this_bot": r"\bis (?:this|that) (?:a |an )?(?:bot|robot|real person|human|ai|automated)\b",
    }
