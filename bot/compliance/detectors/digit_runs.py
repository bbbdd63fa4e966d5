"""Pure helpers shared by the number detectors: digit runs with separators, and the Luhn check.

Customers type long numbers in groups ("4539 1488 0343 6467", "4532-7153-3790-4118"), one
digit at a time ("4 5 5 6 ...") or in one block; a run here is digits joined by at most one
space or dash each, not touching a letter, digit or decimal point on either side.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: One run: digits joined by single spaces/dashes, not inside a word or a decimal number.
RUN = re.compile(r"(?<![\w.,/:])\d(?:[ \-]?\d)*(?![\w/:]|[.,]\d)")
#: Card-style grouping: groups of 2-6 digits separated by one space or dash.
GROUPED = re.compile(r"\d{2,6}(?:[ \-]\d{2,6})+")


def digit_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, digits)`` for every run of digits in ``text`` (separators dropped)."""
    for match in RUN.finditer(text):
        yield match.start(), match.end(), re.sub(r"\D", "", match.group())


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by every payment card number."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return bool(digits) and total % 10 == 0


def is_grouped(run: str) -> bool:
    """Whether a run is typed in card-style groups ("4716 2281", "5168-4412")."""
    return GROUPED.fullmatch(run) is not None


#: A US social security number's shape ("219-09-9999"), left to pii.us_ssn.v1.
SSN_SHAPE = re.compile(r"\d{3}[ \-]\d{2}[ \-]\d{4}")
DATE = re.compile(
    r"(?:19|20)\d\d[ \-]?(?:0[1-9]|1[0-2])[ \-]?(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[ \-](?:0?[1-9]|1[0-2])[ \-](?:19|20)?\d\d"
)


def looks_like_date(run: str) -> bool:
    """Whether a run reads as a date ("20240512", "2003-08-28", "28-08-2003"), not an id."""
    return DATE.fullmatch(run) is not None
