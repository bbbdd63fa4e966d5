"""Person names: spaCy NER through Presidio's ``SpacyRecognizer``, plus introduction phrases.

The statistical part is Presidio's ``SpacyRecognizer`` over the shared ``en_core_web_sm``
pipeline (:mod:`bot.compliance.engines`). That small model leans on capitalisation, so it
misses most names typed in lower case ("hi im john smith") and sometimes tags product or
brand words as people. Two additions, both documented trade-offs:

* Introduction phrases ("my name is ...", "name: ...", "this is ... speaking") catch names in
  any case: the one to three words after the phrase, stopping at a stop word.
* Product and bank vocabulary (:data:`NOT_NAMES`) is never a person, so "is Zelle safe" or
  "what is an IRA" stay intact.

Lower-case names outside an introduction phrase remain a known gap (recall on chat text is
below that on the capitalised benchmark).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit
from bot.compliance.engines import nlp_artifacts as compute_artifacts

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

NOT_NAMES = frozenset(
    "zelle venmo paypal visa mastercard amex maestro sepa swift iban ira roth cd apple google "
    "pay bot chatbot candor fdic ach atm pin ssn cvv hi hello hey thanks po box".split()
)
INTRO = re.compile(
    r"\b(?:my name is|my name's|my full name is|(?:first |last |full )?name\s*(?:is|:)"
    r"|i am called|i'm called|this is)[ \t]+",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
INTRO_SCORE = 0.85
MAX_NAME_WORDS = 3


def introduced_names(text: str, stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Spans of the names that follow an introduction phrase (pure; used by the detector)."""
    spans = []
    for intro in INTRO.finditer(text):
        start = end = intro.end()
        words = 0
        for word in WORD.finditer(text, start):
            lowered = word.group().lower()
            if text[end : word.start()].strip(" \t") or words == MAX_NAME_WORDS:
                break
            if lowered in stop_words or lowered in NOT_NAMES:
                break
            end, words = word.end(), words + 1
        if not words:
            continue
        if intro.group().lower().startswith("this is") and not _followed_by_speaking(text, end):
            continue
        spans.append((start, end))
    return spans


def _followed_by_speaking(text: str, end: int) -> bool:
    """"this is Anna speaking/here" introduces a name; "this is urgent" does not."""
    return bool(re.match(r"\s*(?:speaking|here)\b", text[end:], re.IGNORECASE))


@registry.detectors.register("pii.person.v1")
class PersonDetector(Detector):
    name = "pii.person.v1"
    entity_type = "PERSON"
    needs_nlp = True
    default_min_score = 0.5

    def __init__(self, min_score: float | None = None) -> None:
        super().__init__(min_score)
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer
        from spacy.lang.en.stop_words import STOP_WORDS

        self.recognizer = SpacyRecognizer(supported_entities=["PERSON"])
        self.stop_words = frozenset(STOP_WORDS)

    def analyze(self, text: str, nlp_artifacts: NlpArtifacts | None = None) -> list[DetectorHit]:
        """NER persons (minus product words) and introduced names, de-duplicated."""
        artifacts = nlp_artifacts if nlp_artifacts is not None else compute_artifacts(text)
        hits: dict[tuple[int, int], DetectorHit] = {}
        for result in self.recognizer.analyze(text, ["PERSON"], artifacts):
            if _is_product_word(text[result.start : result.end]) or result.score < self.min_score:
                continue
            span = (result.start, result.end)
            hits[span] = self._hit(*span, result.score, "spaCy NER")
        for start, end in introduced_names(text, self.stop_words):
            if INTRO_SCORE >= self.min_score and not _covered(hits, start, end):
                hits[(start, end)] = self._hit(start, end, INTRO_SCORE, "introduction phrase")
        return sorted(hits.values(), key=lambda h: (h.start, h.end))

    def _hit(self, start: int, end: int, score: float, pattern: str) -> DetectorHit:
        return DetectorHit(self.entity_type, start, end, score, self.name, pattern)


def _is_product_word(span: str) -> bool:
    """NER spans that are product vocabulary or contain digits ("PO Box 12") are not names."""
    words = [w.lower() for w in WORD.findall(span)]
    return not words or all(w in NOT_NAMES for w in words) or any(c.isdigit() for c in span)


def _covered(hits: dict[tuple[int, int], DetectorHit], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in hits)
