"""Signals in the customer's own words: sentiment, frustration, thanks, closure, repetition.

Sentiment comes from VADER (``vaderSentiment``): a lexicon and rule set built for short,
informal text (it handles negation, intensifiers, "!!!", capitals and emoticons), and its
lexicon ships inside the package, so nothing is downloaded at run time. VADER scores emotion,
not service failure ("I already told you that" is neutral to it), so a short list of
customer-service frustration cues sits beside it; those are phrases, not a sentiment lexicon.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

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
    character ratio catches near-verbatim repeats with typos. Both are deterministic stdlib.
    """
    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb:
        return 0.0
    jaccard = len(wa & wb) / len(wa | wb)
    matcher = SequenceMatcher(None, " ".join(words(a)), " ".join(words(b)), autojunk=False)
    if matcher.quick_ratio() <= jaccard:  # an upper bound of ratio(): skip the slow part
        return jaccard
    return max(jaccard, matcher.ratio())
