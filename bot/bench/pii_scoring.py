"""Pure span-level scoring of PII detection against a labelled set (used by the benchmark).

Matching rule (overlap): a predicted span is correct if it shares at least one character with a
gold span of the same entity type; a gold span is found if at least one predicted span of its
type overlaps it. Precision = correct predictions / predictions, recall = found gold / gold.
Overlap rather than exact boundaries because redaction only has to *cover* the value, and the
reference set labels some addresses as several fragments ("28245", "Puruntie 82", "Apt. 595")
that one prediction legitimately covers. Exact-boundary counts (ignoring surrounding space and
punctuation) are reported beside them.

Gold labels outside Candor's PII set are ignored, except that location parts (``GPE``,
``ZIP_CODE``) are *tolerated* for ``STREET_ADDRESS``: a predicted address overlapping only a
city or postcode is neither right nor wrong.

Leaks ("values left in clear, whole or in part"), whatever type the redactor gave the span: a
labelled value is *leaked* when, in the redacted text with its ``<TYPE>`` placeholders removed,

* one of its tokens (maximal runs of letters and digits, case-folded) of at least 3 characters
  occurs as a whole token more often than in the original text with every labelled value
  blanked out (so "Street" counts only if the redactor left the value's own copy), or
* for a value with digits, any 4 consecutive digits of its digit string (separators dropped)
  occur inside a run of digits, spaces, dots and dashes of the redacted text (separators
  dropped) more often than in the blanked original.

So "12 Elm Street" redacted to "12 Elm <STREET_ADDRESS>" leaks ("Elm"), and a card number with
only its last group in clear leaks. A value with no such token (a 2-letter name, a 3-digit value
split by spaces) cannot leak by this rule.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Presidio evaluation labels -> Candor entity types.
LABEL_MAP: Mapping[str, str] = {
    "CREDIT_CARD": "CARD_NUMBER",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US_SSN",
    "US_BANK_NUMBER": "BANK_ACCOUNT",
    "ABA_ROUTING_NUMBER": "ROUTING_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    # Secrets (Candor's chat set; the Presidio set has none).
    "PIN": "PIN",
    "PASSWORD": "PASSWORD",
    "OTP": "OTP",
    "CVV": "CVV",
    "CARD_EXPIRY": "CARD_EXPIRY",
}
TOLERATED: Mapping[str, frozenset[str]] = {"STREET_ADDRESS": frozenset({"GPE", "ZIP_CODE"})}
ENTITY_TYPES: tuple[str, ...] = (
    "CARD_NUMBER", "IBAN", "US_SSN", "BANK_ACCOUNT", "ROUTING_NUMBER",
    "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "STREET_ADDRESS",
    "PIN", "PASSWORD", "OTP", "CVV", "CARD_EXPIRY",
)
MIN_TOKEN = 3
MIN_DIGITS = 4
TOKEN = re.compile(r"[^\W_]+")
DIGIT_CHAIN = re.compile(r"\d(?:[ .\-]*\d)*")
PLACEHOLDER = re.compile(r"<[A-Z_]+>")
STRIP = " \t\n.,;:!?()\"'"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    entity_type: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass
class Counts:
    """Tallies for one entity type (or the pool)."""

    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    exact: int = 0
    tolerated: int = 0
    leaked: int = 0

    def add(self, other: Counts) -> None:
        for name in ("predicted", "correct", "gold", "found", "exact", "tolerated", "leaked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, float | int | None]:
        p = _ratio(self.correct, self.predicted)
        r = _ratio(self.found, self.gold)
        return {
            "gold": self.gold, "predicted": self.predicted, "correct": self.correct,
            "found": self.found, "tolerated": self.tolerated,
            "precision": p, "recall": r, "f2": _f_beta(p, r, 2.0),
            "exact_precision": _ratio(self.exact, self.predicted),
            "exact_recall": _ratio(self.exact, self.gold),
            "leaked": self.leaked, "leak_rate": _ratio(self.leaked, self.gold),
        }


@dataclass
class Scores:
    per_type: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in ENTITY_TYPES})

    def pooled(self) -> Counts:
        total = Counts()
        for counts in self.per_type.values():
            total.add(counts)
        return total


def gold_spans(raw: Iterable[Mapping[str, object]]) -> tuple[list[Span], list[Span]]:
    """Dataset spans -> (mapped gold spans, other labelled spans kept for tolerance)."""
    gold, other = [], []
    for s in raw:
        label = str(s["entity_type"])
        span = (int(s["start_position"]), int(s["end_position"]))  # type: ignore[call-overload]
        if label in LABEL_MAP:
            gold.append(Span(*span, LABEL_MAP[label]))
        else:
            other.append(Span(*span, label))
    return gold, other


def score_sample(text: str, gold: Sequence[Span], other: Sequence[Span],
                 predicted: Sequence[Span], scores: Scores) -> None:
    """Add one sample's counts to ``scores`` (mutates only ``scores``)."""
    for g in gold:
        counts = scores.per_type[g.entity_type]
        counts.gold += 1
        if any(p.entity_type == g.entity_type and p.overlaps(g) for p in predicted):
            counts.found += 1
    for p in predicted:
        counts = scores.per_type.setdefault(p.entity_type, Counts())
        if any(g.entity_type == p.entity_type and g.overlaps(p) for g in gold):
            counts.predicted += 1
            counts.correct += 1
            if any(g.entity_type == p.entity_type and _same(text, g, p) for g in gold):
                counts.exact += 1
        elif any(o.entity_type in TOLERATED.get(p.entity_type, ()) and o.overlaps(p)
                 for o in other):
            counts.tolerated += 1
        else:
            counts.predicted += 1


def count_leaks(text: str, redacted: str, gold: Sequence[Span], scores: Scores) -> list[Span]:
    """Add the leaked gold values of one sample to ``scores``; return them (see module doc)."""
    blanked = _blank(text, gold)
    clear = PLACEHOLDER.sub(" ", redacted)
    before_tokens, after_tokens = _tokens(blanked), _tokens(clear)
    before_digits, after_digits = _digit_windows(blanked), _digit_windows(clear)
    leaked = []
    for g in gold:
        value = text[g.start:g.end]
        tokens = {t for t in _tokens(value) if len(t) >= MIN_TOKEN}
        windows = set(_windows(re.sub(r"\D", "", value)))
        if (any(after_tokens[t] > before_tokens[t] for t in tokens)
                or any(after_digits[w] > before_digits[w] for w in windows)):
            scores.per_type[g.entity_type].leaked += 1
            leaked.append(g)
    return leaked


def _blank(text: str, spans: Sequence[Span]) -> str:
    chars = list(text)
    for span in spans:
        chars[span.start:span.end] = " " * (span.end - span.start)
    return "".join(chars)


def _tokens(text: str) -> Counter[str]:
    return Counter(t.casefold() for t in TOKEN.findall(text))


def _windows(digits: str) -> list[str]:
    return [digits[i:i + MIN_DIGITS] for i in range(len(digits) - MIN_DIGITS + 1)]


def _digit_windows(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for chain in DIGIT_CHAIN.findall(text):
        counts.update(_windows(re.sub(r"\D", "", chain)))
    return counts


def _same(text: str, a: Span, b: Span) -> bool:
    return _trim(text, a) == _trim(text, b)


def _trim(text: str, span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    while start < end and text[start] in STRIP:
        start += 1
    while end > start and text[end - 1] in STRIP:
        end -= 1
    return start, end


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _f_beta(p: float | None, r: float | None, beta: float) -> float | None:
    if p is None or r is None or p + r == 0:
        return None if p is None or r is None else 0.0
    return round((1 + beta**2) * p * r / (beta**2 * p + r), 4)
