"""Person names: spaCy NER through Presidio's ``SpacyRecognizer``, plus introduction phrases.

The statistical part is Presidio's ``SpacyRecognizer`` over the shared ``en_core_web_sm``
pipeline (:mod:`bot.compliance.engines`). That small model leans on capitalisation, so it
misses most names typed in lower case ("hi im john smith") and sometimes tags product or
brand words as people. Two additions, both documented trade-offs:

* Introduction phrases ("my name is ...", "name: ...", "this is ... speaking") catch names in
  any case: the one to three words after the phrase, stopping at a stop word.
* Product and bank vocabulary (:data:`NOT_NAMES`) is never a person, so "is Zelle safe" or
  "what is an IRA" stay intact.

* A name gazetteer (:data:`GAZETTEER_PATH`, built by ``scripts/build-name-gazetteer`` from
  Faker's name lists of every locale, minus ordinary English words): a run of capitalised
  words ("Ravil G Yefimov", "Willemine ten Pas") with a known name in it is a person, and so
  are two known names in a row typed in lower case ("naomi ryan"). Titles and lead words
  ("Mr", "Dr", "dear", "card holder", "payee", "I'm") mark the words after them.

* Structure and morphology: one-word items listed beside a found name ("Ana, Bo and Cy"),
  other mentions of a found name, capitalised words after a context word ("called", "my
  sister"), a middle initial ("Orla T Brennick"), and common surname endings ("-ova", "-ski",
  "-nen", "-vić").

Lower-case single names that are also English words ("rose", "mark") remain a known gap.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit
from bot.compliance.engines import nlp_artifacts as compute_artifacts

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

NOT_NAMES = frozenset(
    "zelle venmo paypal visa mastercard amex maestro sepa swift iban ira roth cd apple google "
    "pay bot chatbot candor fdic ach atm pin ssn cvv hi hello hey thanks po box euro euros card "
    "cards app apps bank banks transfer transfers top dollar dollars pound pounds sterling "
    "yen franc francs cash chase revolut monzo android iphone western union express american "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday christmas easter uk usa us eu "
    "gbp usd eur mr mrs ms miss dr sir madam dear".split()
)
INTRO = re.compile(
    r"\b(?:my name is|my name's|my full name is|(?:first |last |full |sur)?name\s*(?:is|:)"
    r"|i am called|i'm called|this is|name on (?:the )?card(?: is)?:?|card ?holder(?: is)?:?"
    r"|call me|(?:first |last |full |sur)?name\?"
    r"|(?:mr|mrs|ms|miss|mx|dr|prof|sir)\.?)[ \t]+",
    re.IGNORECASE,
)
#: Lead words after which capitalised words are a name ("a cousin called Dora Weiss").
CONTEXT_LEAD = re.compile(
    r"\b(?:called|named|said|says|asked|told|starring|featuring|payee"
    r"|my (?:son|daughter|kid|child|wife|husband|partner|mother|father|mum|mom|dad|brother"
    r"|sister|friend|boss|colleague|landlord|tenant|cousin|aunt|uncle|grandson|granddaughter))"
    r"[ \t]+"
)
#: Lead words that introduce a name only when the next word is a known name.
GREETING = re.compile(r"\b(?:i'm|im|i am|dear|hi|hello|hey|thanks|thank you)[ \t,]+",
                      re.IGNORECASE)
GAZETTEER_PATH = Path(__file__).with_name("names.txt.gz")
NAME_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")
PARTICLES = frozenset("van von der den de del della da di du la le ten ter bin al el y".split())
GAZETTEER_SCORE = 0.6
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-])*")
INTRO_SCORE = 0.85
CONTEXT_SCORE = 0.6
SPREAD_SCORE = 0.55
MAX_NAME_WORDS = 3
LONE_NAME_MIN_LENGTH = 4
#: Between the items of a list of names: ", ", " and ", ", or ", " & ".
LIST_GAP = re.compile(r"[ \t]*(?:,[ \t]*(?:and[ \t]+|or[ \t]+|&[ \t]*)?|[ \t]+(?:and|or|&)[ \t]+)")
MAX_LIST_ITEMS = 6
LIST_WORD_BEFORE = re.compile(r"([^\W\d_][\w'\-]*)$")
LIST_WORD_AFTER = re.compile(r"[^\W\d_][\w'\-]*(?![\w'\-])")
#: A speaker label at the start of a line of a pasted dialogue ("Ana: hi").
SPEAKER = re.compile(r"^[ \t>]*([^\W\d_][\w'\-]*(?:[ \t][^\W\d_][\w'\-]*)?)[ \t]*:", re.M)


def _not_a_name(folded: str, stop_words: frozenset[str]) -> bool:
    """A case-folded word that never starts or continues a name: a stop word or product word."""
    return folded in stop_words or folded in NOT_NAMES


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
            if _not_a_name(lowered, stop_words):
                break
            end, words = word.end(), words + 1
        if not words:
            continue
        if intro.group().lower().startswith("this is") and not _followed_by_speaking(text, end):
            continue
        spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Gazetteer:
    """Case-folded name tokens: ``names`` (all) and ``ambiguous`` (also English words)."""

    names: frozenset[str]
    ambiguous: frozenset[str]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The name tokens of :data:`GAZETTEER_PATH` (loaded once per process)."""
    with gzip.open(GAZETTEER_PATH, "rt", encoding="utf-8") as handle:
        lines = [line.strip() for line in handle if line.strip()]
    ambiguous = frozenset(line[1:] for line in lines if line.startswith("~"))
    return Gazetteer(frozenset(line.lstrip("~") for line in lines), ambiguous)


def _bare(word: str) -> str:
    bare = word.rstrip(".").casefold()
    return bare[:-2] if bare.endswith(("'s", "’s")) else bare


def _known(word: str, names: Gazetteer, *, strong: bool = False) -> bool:
    bare = _bare(word)
    if bare not in names.names or bare in NOT_NAMES or len(bare) < 2:
        return False
    return not (strong and bare in names.ambiguous)


def gazetteer_names(text: str, names: Gazetteer) -> list[tuple[int, int]]:
    """Pure: runs of capitalised words holding a known name, and lower-case known-name pairs.

    A run holding an unambiguous name token is a person; one holding only ambiguous tokens
    (also English words: "Hill", "Rose") needs two of them ("Rose Hill"); a lower-case run
    needs two known tokens and no other word ("naomi ryan").
    """
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for word in [*NAME_TOKEN.finditer(text), None]:
        if (word is not None and run and _joins(text[run[-1].end():word.start()])
                and not _ends_sentence(run[-1].group())
                and _same_case(run[-1].group(), word.group())):
            run.append(word)
            continue
        spans.extend(_run_span(run, names))
        run = [word] if word is not None and not _first_person(word.group()) else []
    spans.extend(_run_span(run, names))
    return spans


def _same_case(previous: str, word: str) -> bool:
    """Whether ``word`` continues a run: same capitalisation, or a particle ("van", "de")."""
    return (_capitalised(word) == _capitalised(previous) or word.lower() in PARTICLES) and (
        not _first_person(word))


def _first_person(word: str) -> bool:
    """"I", "I'm", "I'd": capitalised, never part of a name."""
    return word == "I" or word.startswith(("I'", "I’"))


def _run_span(run: list[re.Match[str]], names: Gazetteer) -> list[tuple[int, int]]:
    while run and (run[-1].group().lower() in PARTICLES):
        run = run[:-1]
    if not run:
        return []
    words = [w.group() for w in run]
    if not _capitalised(words[0]):
        return _lower_case_names(run, names)
    known = [w for w in words if _known(w, names)]
    if not (any(_known(w, names, strong=True) or _surname_shape(w) for w in words)
            or len(known) >= 2 or _has_middle_initial(words)):
        return []
    last = run[-1].group()
    return [(run[0].start(), run[-1].end() - (1 if _ends_sentence(last) else 0))]


#: Endings of Slavic, Baltic, Finnish, Balkan and Greek surnames ("Petrova", "Kowalska",
#: "Virtanen", "Jovanović", "Papadakis"); six letters at least, so "Kiev" or "Nov" are not
#: read as names. Only capitalised words are tested.
SURNAME_ENDINGS = (
    "ov", "ova", "ev", "eva", "ski", "ska", "sky", "cki", "cka", "wicz", "enko", "vić", "vic",
    "ović", "evich", "ovich", "yan", "nen", "poulos", "akis", "idis", "escu", "oglu", "oğlu",
)
SURNAME_MIN_LENGTH = 6


def _surname_shape(word: str) -> bool:
    """A capitalised word with a common surname ending ("Dragomirova")."""
    bare = _bare(word)
    return (_capitalised(word) and len(bare) >= SURNAME_MIN_LENGTH and bare.isalpha()
            and bare.endswith(SURNAME_ENDINGS) and bare not in NOT_NAMES)


def _has_middle_initial(words: list[str]) -> bool:
    """Capitalised word, one-letter initial, capitalised word ("Orla T Brennick")."""
    return any(len(words[i].rstrip(".")) == 1 and len(words[i - 1]) > 1 and len(words[i + 1]) > 1
               for i in range(1, len(words) - 1))


def _lower_case_names(run: list[re.Match[str]], names: Gazetteer) -> list[tuple[int, int]]:
    """Two or three known names in a row, one of them unambiguous ("naomi ryan").

    A one-letter initial between two known names belongs to the name ("dora k weiss"). A
    lone known name of four letters or more that is not also an English word counts too
    ("ask bertha"): on BANKING77's 10,003 training messages such a word occurs in one.
    """
    spans, segment = [], []
    for index, word in enumerate([*run, None]):
        if word is not None and _known(word.group(), names):
            segment.append(word)
            continue
        if (word is not None and segment and len(word.group().rstrip(".")) == 1
                and index + 1 < len(run) and _known(run[index + 1].group(), names)):
            segment.append(word)
            continue
        known = [w for w in segment if len(w.group().rstrip(".")) > 1]
        if 2 <= len(known) <= MAX_NAME_WORDS and any(
                _known(w.group(), names, strong=True) for w in known):
            spans.append((segment[0].start(), segment[-1].end()))
        elif (len(known) == 1 and len(_bare(known[0].group())) >= LONE_NAME_MIN_LENGTH
              and _known(known[0].group(), names, strong=True)):
            spans.append((known[0].start(), known[0].end()))
        segment = []
    return spans


def _ends_sentence(word: str) -> bool:
    """A full stop after a word longer than an initial ("Spain." but not "H.")."""
    return word.endswith(".") and len(word) > 2


def _capitalised(word: str) -> bool:
    """Title case ("Anna", "O'Neil") or an initial ("J", "H."); not ALL CAPS words."""
    letters = word.rstrip(".")
    return letters[:1].isupper() and (len(letters) == 1 or not letters.isupper())


def _joins(gap: str) -> bool:
    return gap in (" ", "  ")


def greeted_names(text: str, names: Gazetteer) -> list[tuple[int, int]]:
    """Pure: a known name right after "I'm", "dear", "hi", "thanks" (any case)."""
    spans = []
    for lead in GREETING.finditer(text):
        words: list[re.Match[str]] = []
        for word in NAME_TOKEN.finditer(text, lead.end()):
            gap = text[(words[-1].end() if words else lead.end()):word.start()]
            if (words and not _joins(gap)) or len(words) == MAX_NAME_WORDS:
                break
            if not _known(word.group(), names):
                break
            words.append(word)
        if words:
            last = words[-1].group()
            spans.append((words[0].start(), words[-1].end() - (1 if _ends_sentence(last) else 0)))
    return spans


def context_names(text: str, stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Pure: one to three capitalised words after a context word ("told Dora Weiss")."""
    spans = []
    for lead in CONTEXT_LEAD.finditer(text):
        words: list[re.Match[str]] = []
        for word in NAME_TOKEN.finditer(text, lead.end()):
            gap = text[(words[-1].end() if words else lead.end()):word.start()]
            token = word.group()
            if ((words and not _joins(gap)) or len(words) == MAX_NAME_WORDS
                    or not _capitalised(token) or _not_a_name(_bare(token), stop_words)
                    or _first_person(token)):
                break
            words.append(word)
            if _ends_sentence(token):
                break
        if words:
            last = words[-1].group()
            spans.append((words[0].start(), words[-1].end() - (1 if _ends_sentence(last) else 0)))
    return spans


def repeated_names(text: str, spans: list[tuple[int, int]],
                   stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Pure: other mentions of a word of a found name ("Dora Weiss ... ask Weiss").

    A name found once is a name wherever else it occurs in the message written the same way
    (so a capitalised "Street" read as a name does not spread to "street"); words of fewer
    than three letters, stop words and product words are not carried over.
    """
    words = {_possessive(w.group()) for start, end in spans
             for w in WORD.finditer(text[:end], start) if not _first_person(w.group())}
    words = {w for w in words if len(w) >= 3 and not _not_a_name(w.casefold(), stop_words)
             and w.casefold() not in PARTICLES}
    if not words:
        return []
    return [(w.start(), w.end()) for w in WORD.finditer(text) if _possessive(w.group()) in words
            and not any(s <= w.start() < e for s, e in spans)]


def _possessive(word: str) -> str:
    """The word without a possessive "'s" (case kept: "Weiss" and "weiss" differ)."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def listed_names(text: str, spans: list[tuple[int, int]],
                 stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Pure: one-word items listed beside a found name ("Dora Weiss, Quill and Tamsin").

    An item is one word of letters written in the same case as the name beside it, not a
    stop word or product word; the list is followed in both directions from each found name.
    """
    found: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        capital = text[start:start + 1].isupper()
        for step in (-1, 1):
            edge = start if step < 0 else end
            for _ in range(MAX_LIST_ITEMS):
                item = _list_neighbour(text, edge, step)
                if item is None:
                    break
                word = text[item[0]:item[1]]
                if (_not_a_name(word.casefold(), stop_words)
                        or word[:1].isupper() != capital or len(word) < 2
                        or _first_person(word)):
                    break
                if not any(s <= item[0] < e for s, e in [*spans, *found]):
                    found.append(item)
                edge = item[0] if step < 0 else item[1]
    return found


def speaker_names(text: str, spans: list[tuple[int, int]],
                  stop_words: frozenset[str]) -> list[tuple[int, int]]:
    """Pure: in a pasted dialogue, the other speakers of a found speaker ("Ana: hi" / "Bo: ok").

    Line-start labels are names only once one of them was found to be a name, so a form
    ("Phone:", "Address:") is left alone.
    """
    labels = [m.span(1) for m in SPEAKER.finditer(text)]
    if not any(any(s <= start and end <= e for s, e in spans) for start, end in labels):
        return []
    return [(start, end) for start, end in labels
            if not any(s < end and start < e for s, e in spans)
            and _capitalised(text[start:end]) and not any(
                _not_a_name(w.casefold(), stop_words)
                for w in text[start:end].split())]


def _list_neighbour(text: str, edge: int, step: int) -> tuple[int, int] | None:
    """The word joined to ``edge`` by a list separator (", ", " and ", ", and "), or None."""
    if step > 0:
        gap = LIST_GAP.match(text, edge)
        if gap is None or not gap.group():
            return None
        word = LIST_WORD_AFTER.match(text, gap.end())
        return (word.start(), word.end()) if word else None
    head = text[max(0, edge - 60):edge]
    for gap in LIST_GAP.finditer(head):
        if gap.end() == len(head) and gap.group():
            word = LIST_WORD_BEFORE.search(head, 0, gap.start())
            if word is None:
                return None
            offset = edge - len(head)
            return (offset + word.start(1), offset + word.end(1))
    return None


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
        names = gazetteer()
        for start, end in greeted_names(text, names):
            if INTRO_SCORE >= self.min_score and not _covered(hits, start, end):
                hits[(start, end)] = self._hit(start, end, INTRO_SCORE, "greeting + known name")
        for start, end in gazetteer_names(text, names):
            if GAZETTEER_SCORE >= self.min_score and not _covered(hits, start, end):
                hits[(start, end)] = self._hit(start, end, GAZETTEER_SCORE, "name gazetteer")
        for start, end in context_names(text, self.stop_words):
            if CONTEXT_SCORE >= self.min_score and not _covered(hits, start, end):
                hits[(start, end)] = self._hit(start, end, CONTEXT_SCORE, "context word")
        self._spread(text, hits)
        return sorted(hits.values(), key=lambda h: (h.start, h.end))

    def _spread(self, text: str, hits: dict[tuple[int, int], DetectorHit]) -> None:
        """Add names listed beside a found name, then other mentions of found names."""
        if SPREAD_SCORE < self.min_score or not hits:
            return
        for start, end in speaker_names(text, list(hits), self.stop_words):
            hits[(start, end)] = self._hit(start, end, SPREAD_SCORE, "dialogue speaker")
        for start, end in listed_names(text, list(hits), self.stop_words):
            hits[(start, end)] = self._hit(start, end, SPREAD_SCORE, "listed with a name")
        for start, end in repeated_names(text, list(hits), self.stop_words):
            hits[(start, end)] = self._hit(start, end, SPREAD_SCORE, "name mentioned again")

    def _hit(self, start: int, end: int, score: float, pattern: str) -> DetectorHit:
        return DetectorHit(self.entity_type, start, end, score, self.name, pattern)


def _is_product_word(span: str) -> bool:
    """NER spans that are product vocabulary or contain digits ("PO Box 12") are not names."""
    words = [w.lower() for w in WORD.findall(span)]
    return not words or all(w in NOT_NAMES for w in words) or any(c.isdigit() for c in span)


def _covered(hits: dict[tuple[int, int], DetectorHit], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in hits)
