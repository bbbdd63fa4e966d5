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

* US military addresses ("PSC 1437, Box 3833", "USNS Møller" then "APO AA 66791").
* European streets: a street word before or in the name and the house number after it
  ("Passauer Strasse 33", "ul. Słowicza 10", "Puruntie 82"); and "the corner of A and B"
  (reported with "the corner of", which says as much about where the customer is).
* a building or postcode number, a capitalised street name and a house number
  ("4410 Kastanjelaan 12"); a house number before a Romance street word ("14 rue des Lilas");
  and any short line of words between a number and a unit designator ("88 r das flores 2
  suite 9"): the unit marks the line as an address whatever the street format.

A found address is then grown into its *block* (:func:`extend_block`), because a town,
region, postcode or country left beside a redacted street still locates the customer:

* backwards over a house or postcode number directly before it ("05405 Wesselényi u. 94");
* forwards over parts that read as address lines, separated by a comma, a line break (also
  a blank line or a "> " quote mark), or plain spaces when the part before does not end a
  sentence ("Apt. 4 Lisbon Portugal"): words that start with a capital or a digit ("Suite
  680", "Kissousa", "Cyprus 36903", "ON", "nan"), or, in a message typed all in lower case,
  any word that is not a stop word. It stops at a word that starts a sentence ("Please", "I",
  "Thanks"; a two-letter region code "ON" does not), a label ("Mobile:"), a line holding a
  phone-length number, or after four lines.

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
# Street suffixes after USPS Publication 28 (appendix C1) plus British ones; they must be
# capitalised ("2 cards I drive" stays intact) and may be plural ("Kishiev Squares").
CAPITALISED_TYPES = (
    r"(?:(?:Way|Place|Pl|Court|Ct|Drive|Dr|Ln|St|Terrace|Circle|Cir|Square|Sq|Crescent|Close"
    r"|Grove|Row|Walk|Trail|Alley|Plaza|Garden|Mews|Hill|Branch|Bridge|Brook|Burg|Bypass|Camp"
    r"|Canyon|Cape|Causeway|Center|Centre|Cliff|Club|Common|Corner|Course|Cove|Creek|Crest"
    r"|Crossing|Curve|Dale|Dam|Divide|Estate|Expressway|Extension|Falls|Ferry|Field|Flat|Ford"
    r"|Forest|Forge|Fork|Fort|Freeway|Gateway|Glen|Green|Harbor|Harbour|Haven|Heights|Hollow"
    r"|Inlet|Island|Isle|Junction|Key|Knoll|Lake|Land|Landing|Light|Loaf|Lock|Lodge|Loop|Mall"
    r"|Manor|Meadow|Mill|Mission|Motorway|Mount|Mountain|Neck|Orchard|Oval|Overpass|Park|Pass"
    r"|Path|Pike|Pine|Plain|Port|Prairie|Radial|Ramp|Ranch|Rapid|Rest|Ridge|River|Route|Rue"
    r"|Run|Shoal|Shore|Skyway|Spring|Spur|Station|Stravenue|Stream|Summit|Throughway|Trace"
    r"|Track|Trafficway|Tunnel|Turnpike|Underpass|Union|Valley|Viaduct|View|Village|Ville"
    r"|Vista|Wall|Well|Wells|Point|Parade|Rise|Wharf|Yard)s?)"
)
UNIT = r"(?:(?i:apt|apartment|suite|ste)\.?|Unit|Flat|#)\s*#?\d+[A-Za-z]?"
#: A unit designator on its own: a bare "#15" is a rank or an order number, not a flat.
LONE_UNIT = r"(?:(?i:apt|apartment|suite|ste)\.?|Unit|Flat)\s*#?\d+[A-Za-z]?"
STREET = (
    rf"\b\d{{1,6}}[A-Za-z]?(?:\s+{NAME_WORD}){{1,4}}\s+(?:{ANY_CASE_TYPES}|{CAPITALISED_TYPES})\b\.?"
    r"(?:\s(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    rf"(?:,?\s+{UNIT}\b)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b)?"
)
LEAD = (
    r"(?i:(?:my |new |home |billing |mailing |postal )*address(?:es)?(?: is|:| to)|live at"
    r"|living at|lives at|lives on|moved to|located at|office is at|sent to|send (?:it|them"
    r"|the card|the statement|mail) to|deliver (?:it )?to|return (?:it )?to|meet (?:me|you) at"
    r"|stop at|drops? you off at|taxi to|arrived at|here they are:|the following\?|enter on)"
)
# Street words of European addresses, written before or after the name, with the house number
# after it ("Puruntie 82", "Passauer Strasse 33", "ul. Słowicza 10", "Piroska u. 97.").
EURO_STREET_WORDS = (
    r"(?i:stra(?:ss|ß)e|str\.|gasse|weg|vej|gade|gata|gatan|katu|tie|veien|vegen|vei|gate|laan"
    r"|straat|plein|rue|via|viale|calle|avenida|avda\.|rua|ulica|ul\.|u\.|utca|útja|út|tér"
    r"|náměstí|namesti|trida|třída|street|road|avenue|lane|drive)"
)
NOT_STREET = rf"(?!(?i:{FUNCTION_WORDS}|address|addresses|lives?|located|office)\b)"
EURO_STREET = (
    rf"(?:\b{EURO_STREET_WORDS}[ \t]+[^\W\d_][\w'\-]*(?:[ \t]+[^\W\d_][\w'\-]*){{0,2}}"
    rf"|\b{NOT_STREET}[^\W\d_][\w'\-]*(?:[ \t]+{NOT_STREET}[^\W\d_][\w'\-]*){{0,2}}?"
    rf"(?:{EURO_STREET_WORDS}"
    r"|(?i:strasse|straße|gasse|weg|vej|gade|gata|gatan|katu|tie|veien|vegen|laan|straat)\b))"
    r"[ \t]+\d{1,5}[A-Za-z]?\b\.?"
)
CORNER = (
    r"\b(?i:the corner of)\s+(?:[^!?\n]{3,40}?\s(?i:and|&)\s[^.!?\n,]{3,40}?)"
    r"(?=[.!?\n,]|$|\s(?:after|last|in case|for)\b)"
)


# A street line ending in a unit designator, whatever its street format: a building or
# postcode number, up to five words (name, street word, house number) and the unit
# ("7 Via Verdi 12 Apt. 3", "88 r das flores 2 suite 9"). The unit marks it as an address.
UNIT_LINE = rf"(?<![\w.,])\d{{1,6}}(?:[ \t]+[^\W_][\w'.\-]*){{1,5}}?,?[ \t]+{UNIT}\b"
# Capitalised words that follow a number in ordinary banking messages ("20 Euros 3 times").
QUANTITY_WORDS = (
    r"(?i:euros?|dollars?|pounds?|usd|eur|gbp|cents?|pence|days?|weeks?|months?|years?|hours?"
    r"|minutes?|times?|cards?|payments?|transactions?|transfers?|accounts?|visa|mastercard"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|am|pm|percent|per|of|x)"
)
# Building or postcode number, a capitalised street name of one to four words and a house
# number after it, the order of many European addresses ("4410 Kastanjelaan 12",
# "812 Via dei Mille 7", "30 Tallinna mnt 5"). Numbers around a quantity word are not.
NUMBERED_STREET = (
    rf"(?<![\w.,])\d{{2,6}}[ \t]+(?!{QUANTITY_WORDS}\b|(?i:{FUNCTION_WORDS})\b)(?=[^\W\d_])(?:[A-Z]|[^\x00-\x7f])"
    rf"[\w'.\-]*(?:[ \t]+(?!{FUNCTION_WORDS}\b|{QUANTITY_WORDS}\b)[^\W\d_][\w'.\-]*){{0,3}}"
    r"[ \t]+\d{1,5}[A-Za-z]?\b\.?(?![\d,.]*\d)"
)
# House number before a Romance street word ("14 rue des Lilas", "9 calle de la Paz").
ROMANCE_STREET = (
    r"(?<![\w.,])\d{1,5}[ \t]+(?i:rue|rua|rúa|r\.|calle|avenida|avda\.|piazza|piazzetta|viale"
    r"|boulevard|bd|chemin|largo|travessa)[ \t]+[^\W\d_][\w'\-]*(?:[ \t]+[^\W\d_][\w'\-]*){0,3}"
)


@dataclass(frozen=True)
class AddressPattern:
    """A named pattern; ``group`` selects the reported part of the match."""

    name: str
    regex: str
    score: float
    group: int = 0


MILITARY = (
    r"\b(?i:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{3,5}|(?:usns|usnv|uss|uscgc)\s+[^\W\d]"
    r"[\w'\-]*)(?:[ \t]*,?[ \t]*\n?[ \t]*(?i:[afd]po\s+a[aep]\s+\d{5}))?"
    r"|\b(?i:[afd]po\s+a[aep]\s+\d{5})\b"
)
PATTERNS = (
    AddressPattern("street number + name + type", STREET, 0.75),
    AddressPattern("PO box", r"\b(?i:p\.?\s?o\.?\s?box|post office box)\s*#?\d+\b", 0.9),
    AddressPattern("unit designator", rf"(?<![\w#]){LONE_UNIT}\b", 0.6),
    AddressPattern("street line before a unit", UNIT_LINE, 0.75),
    AddressPattern("number + street name + house number", NUMBERED_STREET, 0.7),
    AddressPattern("number + Romance street word + name", ROMANCE_STREET, 0.7),
    AddressPattern("military address", MILITARY, 0.8),
    AddressPattern("European street + number", EURO_STREET, 0.7),
    AddressPattern("street corner", CORNER, 0.7),
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
                    start, end = extend_block(text, start, end)
                    hits.append(DetectorHit(
                        self.entity_type, start, end, pattern.score, self.name, pattern.name
                    ))
        return drop_contained(hits)


SENTENCE_STARTS = frozenset(
    "i i'm i'd i'll please thanks thank can could would will my the hi hello what how when is "
    "are do does it it's this that we you they he she there if and or but for in at on to "
    "after before as so".split()
)
MAX_BLOCK_LINES = 4
MAX_LINE_WORDS = 6
# Between address lines: a comma, one or two line breaks (a blank line in a letterhead), and
# e-mail quote marks at the start of a line ("> ", "| ").
SEPARATOR = re.compile(
    r"[ \t]*(?:,[ \t]*)?(?:\n[ \t]*(?:[>|?]{1,3}[ \t]*)?){0,2}(?:,[ \t]*)?"
)
# Seven or more digits in one run: a phone or account number line ends the address block
# (postcodes have at most six: "340 12", "B0J 2H0", "75419").
LONG_NUMBER = re.compile(r"\d(?:[ ().\-]*\d){6,}")
LEADING_NUMBER = re.compile(r"(?<![\w.,])\d{3,6}[ \t]+$")


def extend_block(text: str, start: int, end: int) -> tuple[int, int]:
    """Pure: grow an address span over a number before it and address lines after it."""
    lead = LEADING_NUMBER.search(text, max(0, start - 8), start)
    if lead:
        start = lead.start()
    lower_case = not any(c.isupper() for c in text)
    from spacy.lang.en.stop_words import STOP_WORDS

    for _ in range(MAX_BLOCK_LINES):
        sep = SEPARATOR.match(text, end)
        if sep is None or not _separates(sep.group(), text[end - 1]):
            break
        line_end = text.find("\n", sep.end())
        line = text[sep.end(): len(text) if line_end < 0 else line_end]
        taken = _address_words(line, lower_case, STOP_WORDS)
        if not taken or LONG_NUMBER.search(line, 0, taken):
            break
        end = sep.end() + taken
        if taken < len(line.rstrip()):
            break
    return start, end


def _separates(gap: str, last: str) -> bool:
    """Whether ``gap`` may lead to another address part.

    A comma or a line break, or plain spaces after a part that does not end a sentence
    ("Apt. 4 Lisbon Portugal").
    """
    return "," in gap or "\n" in gap or (bool(gap) and not gap.strip() and last != ".")


def _address_words(line: str, lower_case: bool, stop_words: frozenset[str] | set[str]) -> int:
    """Length of the leading part of ``line`` that reads as address words (0 if none)."""
    taken, words = 0, 0
    for word in re.finditer(r"[^\s,]+", line):
        token = word.group().rstrip(".?!;")
        bare = token.lower().strip("()")
        if (words == MAX_LINE_WORDS or not token or token.endswith(":")
                or (bare in SENTENCE_STARTS and not _region_code(token))):
            break
        first = token.lstrip("(")[:1]
        if not (first.isupper() or first.isdigit() or bare == "nan"
                or (lower_case and bare not in stop_words) or (words and bare in CONNECTORS)):
            break
        taken, words = word.start() + len(token), words + 1
    return taken


def _region_code(token: str) -> bool:
    """A two-letter capitalised region code ("ON", "AT", "IN"), not a word like "On"."""
    return len(token) == 2 and token.isupper()


CONNECTORS = frozenset("de do du da del della di la le les u z van von der den y e".split())


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
