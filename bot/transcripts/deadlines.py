"""Deadline clocks of complaints and disputes: business-day and calendar-day arithmetic.

Pure. Periods read like the regulation (``"10 business days"``, ``"45 calendar days"``) and
come from ``bank.yml`` with the bank's holidays. A period counts from the day after the
conversation started (the day notice was received does not count): ``n`` business days skips
Saturdays, Sundays and listed holidays; calendar days do not roll over weekends.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import CandorError, Errors

_PERIOD = re.compile(r"^\s*(\d{1,3})\s+(business|calendar)\s+days?\s*$")


@dataclass(frozen=True)
class Period:
    """``days`` business or calendar days."""

    days: int
    business: bool

    def __str__(self) -> str:
        return f"{self.days} {'business' if self.business else 'calendar'} days"


def parse_period(text: str, where: str) -> Period:
    """``"10 business days"`` -> ``Period(10, True)``; E721 names ``where`` otherwise."""
    match = _PERIOD.match(str(text))
    if not match:
        raise CandorError(Errors.E721.format(where=where, value=text))
    return Period(int(match.group(1)), match.group(2) == "business")


def is_business_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a listed holiday."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: Collection[date]) -> date:
    """The ``days``-th business day after ``start``."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            left -= 1
    return day


def due_date(start: date, period: Period, holidays: Collection[date]) -> date:
    """When a clock started on ``start`` runs out (inclusive: due by the end of that day)."""
    if period.business:
        return add_business_days(start, period.days, holidays)
    return start + timedelta(days=period.days)


@dataclass(frozen=True)
class ClockStatus:
    """One clock of one item on ``today``."""

    name: str
    period: Period
    due: date
    overdue: bool
    days_left: int


def clocks(start: date, periods: Mapping[str, Period], holidays: Collection[date],
           today: date) -> list[ClockStatus]:
    """Every clock of an open item, soonest first; overdue once ``today`` is past the due day."""
    out = []
    for name, period in periods.items():
        due = due_date(start, period, holidays)
        out.append(ClockStatus(name, period, due, today > due, (due - today).days))
    return sorted(out, key=lambda c: (c.due, c.name))
