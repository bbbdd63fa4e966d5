"""Signals in the customer's own words: sentiment, frustration, thanks, closure, repetition.

Sentiment comes from VADER (``vaderSentiment``): a lexicon and rule set built for short,
informal text (it handles negation, intensifiers, "!!!", capitals and emoticons), and its
lexicon ships inside the package, so nothing is downloaded at run time. VADER scores emotion,
not service failure ("I already told you that" is neutral to it), so a short list of
customer-service frustration cues sits beside it; those are phrases, not a sentiment lexicon.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from cydifflib import SequenceMatcher  # difflib's, compiled: same ratios (requirements)

_WORD = re.compile(r"[a-z0-9']+")

# Frustration with the service itself, which a sentiment lexicon misses.
_FRUSTRATION = re.compile(
    r"\b(already (told|said|asked|explained)|again|still (not|doesn'?t|does not|can'?t|no|nothing)|"
    r"not what i (asked|meant|want|said)|you('re| are) not (listening|helping|understanding)|"
    r"(doesn'?t|does not|didn'?t|did not) (help|answer|make sense|work)|useless|pointless|"
    r"ridiculous|waste of (my )?time|makes no sense|for the (second|third|last) time|"
    r"how many times|why (can'?t|won'?t|don'?t) you|are you (even )?(listening|a robot)|"
    r"(that'?s|this is) wrong|not helpful|unhelpful|frustrat\w*|annoy\w*|fed up|sick of)\b"
)
_THANKS = re.compile(r"\b(thanks?|thank you|thx|ty|cheers|much appreciated|appreciate it)\b")
_CLOSURE = re.compile(
    r"\b(bye|goodbye|that'?s all|that is all|all (sorted|good|set)|perfect|great|"
    r"(that )?(helps|helped|worked|solved it|fixed it)|got it|that'?s it|nothing else)\b"
)
_ACK_ONLY = re.compile(r"^\s*(ok|okay|alright|all right|fine|i see|got it|understood)\s*[.!]*\s*$")
_CORRECTION = re.compile(r"^\s*(no\b|nope\b|not\b|wrong\b|that'?s not\b|that is not\b|i said\b)")
# The customer accepting what the bot offered or said, beyond a bare "ok" (emphatic approval).
_APPROVAL = re.compile(
    r"\b(perfect|great|excellent|awesome|wonderful|brilliant|lovely|fantastic|amazing|nice|cool|"
    r"sounds (good|great|fine|perfect|right)|(that|this|it) (works|suits)|works (for me|fine|great)|"
    r"(that'?s|that is|this is|it'?s) (good|fine|great|correct|right|exactly)|exactly|correct|"
    r"yes,? please|yup|spot on|very helpful|appreciate|so much|very much)\b"
)
# The customer turning down what the bot offered, asking for something else, or correcting it.
_REJECTION = re.compile(
    r"^\s*(no\b|nope\b|nah\b|not\b)|\b(don'?t|do not|doesn'?t|does not|something else|another|"
    r"other (one|ones|option|options)|instead|actually|rather not|try again|different|"
    r"not (that|this|what|the right)|(isn'?t|is not|wasn'?t) (it|right|what)|wrong|sorry)\b"
)
# "No, that's all", "no thanks", "nothing else": a polite close, not a rejection.
_POLITE_NO = re.compile(
    r"^\s*(no|nope|nah)\b[\s,.!]*(that'?s|that is|that will be|that'?ll be|i'?m|thanks?|thank you|"
    r"nothing|i think|we'?re|all)\b|^\s*nothing else\b"
)
# The bot apologising or saying it failed: the reply did not give the customer what they wanted.
_SETBACK = re.compile(
    r"\b(sorry|apologi[sz]e|unfortunately|unable|unsuccessful|failed|(can'?t|cannot|couldn'?t) "
    r"(find|do|help|complete|process|book|make|get)|no (results?|matches|availability)|"
    r"(nothing|none) (matches|found|available)|not (available|possible|able))\b"
)
_HUMAN_REQUEST = re.compile(
    r"\b(human|real person|agent|someone real|representative|speak to (a |an )?(person|someone)|"
    r"talk to (a |an )?(person|someone))\b"
)


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    """The VADER analyzer, built once (it parses its lexicon file on construction)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=4096)
def sentiment(text: str) -> float:
    """VADER compound score in [-1, 1]; 0 for empty text."""
    if not text.strip():
        return 0.0
    return float(_analyzer().polarity_scores(text)["compound"])


@lru_cache(maxsize=65536)
def frustration(text: str) -> float:
    """Count of frustration cues: phrases, repeated ?/!, and shouted (all-caps) words."""
    lowered = text.lower()
    cues = len(_FRUSTRATION.findall(lowered))
    cues += len(re.findall(r"[?!]{2,}", text))
    cues += sum(1 for w in re.findall(r"\b[A-Z]{3,}\b", text) if w not in _ACRONYMS)
    return float(cues)


# Banking acronyms are not shouting.
_ACRONYMS = frozenset({"ATM", "PIN", "IBAN", "SWIFT", "SEPA", "BIC", "ISA", "APR", "AER", "USD",
                       "EUR", "GBP", "OTP", "SMS", "FAQ", "ID", "KYC", "CVV", "BACS", "CHAPS"})


def thanks(text: str) -> bool:
    """The customer thanks the bot."""
    return bool(_THANKS.search(text.lower()))


def closure(text: str) -> bool:
    """The customer signals they are done or the problem is solved (or just acknowledges)."""
    lowered = text.lower()
    return bool(_CLOSURE.search(lowered) or _ACK_ONLY.match(lowered))


def correction(text: str) -> bool:
    """The customer contradicts the bot ("no, ...", "that's not ...")."""
    return bool(_CORRECTION.search(text.lower()))


def approval(text: str) -> bool:
    """The customer approves what the bot offered or said ("sounds good", "perfect")."""
    return bool(_APPROVAL.search(text.lower()))


def rejection(text: str) -> bool:
    """The customer declines, asks for something else or corrects the bot (not "no, that's all")."""
    lowered = text.lower()
    return bool(_REJECTION.search(lowered)) and not _POLITE_NO.search(lowered)


def setback(text: str) -> bool:
    """A bot reply that apologises or says it could not do or find something."""
    return bool(_SETBACK.search(text.lower()))


def asks_for_human(text: str) -> bool:
    """The customer asks for a person (used when no detector hit is recorded, e.g. USS text)."""
    return bool(_HUMAN_REQUEST.search(text.lower()))


def words(text: str) -> list[str]:
    """Lower-case word tokens."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=65536)
def similarity(a: str, b: str) -> float:
    """How much ``b`` repeats ``a``: max of word-set Jaccard and character sequence ratio.

    Cached: per-turn scores recompute features on every prefix, so the same consecutive
    pairs come back once per later turn. Jaccard catches reordered rephrasings ("card blocked
    why" / "why is my card blocked"), the
    character ratio catches near-verbatim repeats with typos. Both are deterministic; the ratio
    is difflib's, compiled by cydifflib (tests compare it with the standard library's).
    """
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    jaccard = len(wa & wb) / len(wa | wb)
    matcher = SequenceMatcher(None, " ".join(words(a)), " ".join(words(b)), autojunk=False)
    if matcher.quick_ratio() <= jaccard:  # an upper bound of ratio(): skip the slow part
        return jaccard
    return max(jaccard, matcher.ratio())
