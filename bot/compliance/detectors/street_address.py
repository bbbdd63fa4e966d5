"""Street addresses: Candor's own patterns (Presidio ships no address recognizer).

Follows Presidio's ``PatternRecognizer`` shape (named, scored patterns compiled once) but is a
plain :class:`Detector`, because the "address is ..." pattern must report only the part after
the lead phrase, which Presidio's whole-match spans cannot express. Patterns:

* number + street name + street type ("12 Elm Street", "4 Rue Cler" is not covered). Ambiguous
  types ("Way", "Court", "Drive", "St") must be capitalised, so "1 easy way" or "2 cards I
  drive" stay intact; name words may not be function words ("200 on the road").
* PO boxes and unit designators ("Apt 4B", "Suite 501").
* a lead phrase ("my address is", "I live at", "send it to") followed by text with a digit,
  up to the end of the clause: catches non-English street formats ("Puruntie 82").

Recall on international formats without a lead phrase is limited; see the benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit
from bot.errors import CandorError, Errors

FUNCTION_WORDS = r"(?:on|the|a|an|to|in|at|for|of|my|your|and|or|is|was|by|from|with|i|it|per)"
NAME_WORD = rf"(?!{FUNCTION_WORDS}\b)[A-Za-z0-9][\w'.\-]*"
ANY_CASE_TYPES = r"(?i:street|str|avenue|ave|road|rd|boulevard|blvd|highway|hwy|parkway|pkwy|lane)"
CAPITALISED_TYPES = (
    r"(?:Way|Place|Pl|Court|Ct|Drive|Dr|Ln|St|Terrace|Circle|Cir|Square|Sq|Crescent|Close"
    r"|Grove|Row|Walk|Trail|Alley|Plaza|Gardens|Mews|Hill)"
)
UNIT = r"(?:(?i:apt|apartment|suite|ste)\.?|Unit|Flat|#)\s*#?\d+[A-Za-z]?"
STREET = (
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+{NAME_WORD}){{1,4}}\s+(?:{ANY_CASE_TYPES}|{CAPITALISED_TYPES})\b\.?"
    r"(?:\s(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    rf"(?:,?\s+{UNIT}\b)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b)?"
)
LEAD = (
    r"(?i:(?:my |new |home |billing |mailing |postal )*address(?: is|:)|live at|living at"
    r"|moved to|located at|send (?:it|them|the card|the statement|mail) to|deliver (?:it )?to)"
)


@dataclass(frozen=True)
class AddressPattern:
    """A named pattern; ``group`` selects the reported part of the match."""

    name: str
    regex: str
    score: float
    group: int = 0


PATTERNS = (
    AddressPattern("street number + name + type", STREET, 0.75),
    AddressPattern("PO box", r"\b(?i:p\.?\s?o\.?\s?box|post office box)\s*#?\d+\b", 0.9),
    AddressPattern("unit designator", rf"(?<![\w#]){UNIT}\b", 0.6),
    AddressPattern(
        "address lead phrase", rf"\b{LEAD}[ \t]+([^.!?\n,;]{{0,40}}?\d[^.!?\n,;]{{0,40}})", 0.7, 1
    ),
)


@registry.detectors.register("pii.street_address.v1")
class StreetAddressDetector(Detector):
    name = "pii.street_address.v1"
    entity_type = "STREET_ADDRESS"
    default_min_score = 0.5

    def __init__(
        self, min_score: float | None = None, patterns: tuple[AddressPattern, ...] = PATTERNS
    ) -> None:
        super().__init__(min_score)
        self.patterns = tuple((p, _compile(self.name, p)) for p in patterns)

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """Every pattern match at or above ``min_score``."""
        hits = []
        for pattern, regex in self.patterns:
            if pattern.score < self.min_score:
                continue
            for match in regex.finditer(text):
                start, end = match.span(pattern.group)
                if end > start:
                    hits.append(DetectorHit(
                        self.entity_type, start, end, pattern.score, self.name, pattern.name
                    ))
        return drop_contained(hits)


def drop_contained(hits: list[DetectorHit]) -> list[DetectorHit]:
    """Pure: keep only hits not inside a longer hit (patterns overlap by design)."""
    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    kept: list[DetectorHit] = []
    for hit in ordered:
        if kept and hit.end <= kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _compile(detector: str, pattern: AddressPattern) -> re.Pattern[str]:
    if not 0.0 < pattern.score <= 1.0:
        problem = f"pattern {pattern.name!r} score {pattern.score} not in (0, 1]"
        raise CandorError(Errors.E104.format(detector=detector, problem=problem))
    try:
        return re.compile(pattern.regex)
    except re.error as e:
        problem = f"pattern {pattern.name!r} does not compile: {e}"
        raise CandorError(Errors.E104.format(detector=detector, problem=problem)) from e
