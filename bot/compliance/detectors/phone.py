"""Phone numbers: libphonenumber's region-aware matcher plus a phone-shape pattern with context.

* ``phonenumbers.PhoneNumberMatcher`` (Google's libphonenumber) over :data:`REGIONS`, the
  markets the bank serves (US and UK); a number written with ``+`` or ``00`` is parsed in any
  region. Leniency "valid" rejects digit runs that are not dialable numbers. Score 0.75.
* Short local and foreign formats libphonenumber does not validate for these regions
  ("467 3395", "78 651 450", "(37) 788-063", "60-56-85-91"): groups of digits joined by
  spaces, dots, dashes or brackets, 7-15 digits in all, optional extension. Kept with a phone
  word nearby ("phone", "call me on", "mobile", "fax", ...), a leading ``+``/``00``/bracket,
  or at least 9 digits in 3+ groups; score 0.7 (0.55 without context). Dates and IPv4
  addresses ("10.120.3.44") are skipped.
* Ten or eleven digits written without separators, kept only beside a word that names a phone
  ("mobile", "fax"); score 0.7.
"""

from __future__ import annotations

import re

from bot import registry
from bot.compliance.detectors.base import Detector, DetectorHit, compile_words, has_context
from bot.compliance.detectors.digit_runs import SSN_SHAPE, looks_like_date

REGIONS = ("US", "GB")
CONTEXT = compile_words([
    "phone", "tel", "telephone", "mobile", "cell", "cellphone", "call", "calling", "ring",
    "fax", "desk", "office", "whatsapp", "text me", "reach me", "landline", "contact number",
    "number", "dial", "answering", "home", "work",
])
SHAPE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ .\-]?)?(?:\(\d{1,5}\)[ .\-]?)?\d{1,5}"
    r"(?:[ .\-]\d{1,8}){0,5}(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?![\w:])"
)
# Ten or eleven digits with no separator: a phone only beside a word that names a phone
# ("3125550199 mobile"); "number" alone would also take account numbers.
PLAIN = re.compile(r"(?<![\w+])\d{10,11}(?![\w:])")
PHONE_WORDS = compile_words([
    "phone", "tel", "telephone", "mobile", "cell", "cellphone", "fax", "whatsapp", "landline",
    "call me", "text me",
])
MIN_DIGITS, MAX_DIGITS, BARE_DIGITS = 7, 15, 9
LIB_SCORE, CONTEXT_SCORE, BARE_SCORE = 0.75, 0.7, 0.55


@registry.detectors.register("pii.phone.v1")
class PhoneDetector(Detector):
    name = "pii.phone.v1"
    entity_type = "PHONE_NUMBER"
    default_min_score = 0.5

    def analyze(self, text: str, nlp_artifacts: object = None) -> list[DetectorHit]:
        """Matches of libphonenumber per region, then phone-shaped runs it did not validate."""
        import phonenumbers

        spans: dict[tuple[int, int], tuple[float, str]] = {}
        if sum(c.isdigit() for c in text) >= MIN_DIGITS:
            for region in REGIONS:
                for match in phonenumbers.PhoneNumberMatcher(
                    text, region, leniency=phonenumbers.Leniency.VALID
                ):
                    spans[(match.start, match.end)] = (LIB_SCORE, f"libphonenumber ({region})")
            for shape in SHAPE.finditer(text):
                verdict = shape_verdict(text, shape.start(), shape.end())
                if verdict and not _inside(spans, shape.start(), shape.end()):
                    spans[(shape.start(), shape.end())] = verdict
            for plain in PLAIN.finditer(text):
                if (has_context(text, plain.start(), plain.end(), PHONE_WORDS)
                        and not _inside(spans, plain.start(), plain.end())):
                    spans[plain.span()] = (CONTEXT_SCORE, "unseparated digits (phone word)")
        return sorted(
            (DetectorHit(self.entity_type, s, e, score, self.name, pattern)
             for (s, e), (score, pattern) in spans.items() if score >= self.min_score),
            key=lambda h: (h.start, h.end),
        )


def shape_verdict(text: str, start: int, end: int) -> tuple[float, str] | None:
    """Pure: score and pattern name for one phone-shaped match, or None."""
    value = text[start:end]
    digits = sum(c.isdigit() for c in value)
    if not MIN_DIGITS <= digits <= MAX_DIGITS or looks_like_date(value) or _ip_address(value):
        return None
    marked = value.startswith(("+", "00", "("))
    if marked or has_context(text, start, end, CONTEXT):
        if SSN_SHAPE.fullmatch(value) and not marked:
            return None  # "123-45-6789" is a social security number (pii.us_ssn.v1)
        return CONTEXT_SCORE, "phone shape (context)"
    groups = len(re.findall(r"\d+", value))
    if digits >= BARE_DIGITS and groups >= 3 and not SSN_SHAPE.fullmatch(value):
        return BARE_SCORE, "phone shape"
    return None


def _ip_address(value: str) -> bool:
    """Four dot-separated numbers of at most 255 ("192.168.10.1") are an IPv4 address."""
    parts = value.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def _inside(spans: dict[tuple[int, int], tuple[float, str]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)
