"""Business-day and calendar-day clocks across weekends and holidays."""

from __future__ import annotations

from datetime import date

import pytest

from bot.errors import CandorError
from bot.transcripts.deadlines import Period, add_business_days, clocks, due_date, parse_period

D = date.fromisoformat
HOLIDAYS = frozenset({D("2026-11-26"), D("2026-12-25"), D("2027-01-01")})

# fmt: off
BUSINESS = [
    ("2026-11-30", 1, "2026-12-01"),   # Monday -> Tuesday
    ("2026-12-04", 1, "2026-12-07"),   # Friday -> Monday (weekend skipped)
    ("2026-12-05", 1, "2026-12-07"),   # notice on a Saturday -> Monday
    ("2026-11-25", 1, "2026-11-27"),   # Wednesday before Thanksgiving -> Friday
    ("2026-11-24", 10, "2026-12-09"),  # across Thanksgiving and two weekends
    ("2026-12-24", 2, "2026-12-29"),   # Christmas Friday and the weekend skipped
    ("2026-12-31", 1, "2027-01-04"),   # New Year's Day (Friday) and the weekend skipped
    ("2026-12-01", 0, "2026-12-01"),
]
# fmt: on


@pytest.mark.parametrize(("start", "days", "due"), BUSINESS)
def test_business_days(start: str, days: int, due: str) -> None:
    assert add_business_days(D(start), days, HOLIDAYS) == D(due)


def test_calendar_days_do_not_skip_weekends_or_holidays() -> None:
    period = parse_period("45 calendar days", "test")
    assert due_date(D("2026-11-20"), period, HOLIDAYS) == D("2027-01-04")
    assert due_date(D("2026-12-01"), Period(90, False), HOLIDAYS) == D("2027-03-01")


@pytest.mark.parametrize("bad", ["10 days", "ten business days", "10 working days", ""])
def test_a_period_that_does_not_parse_is_e721(bad: str) -> None:
    with pytest.raises(CandorError) as err:
        parse_period(bad, "bank.yml: review.clocks.disputes.x")
    assert err.value.code == "E721" and "review.clocks.disputes.x" in str(err.value)


def test_clocks_are_soonest_first_and_overdue_only_after_the_due_day() -> None:
    periods = {"resolve": Period(45, False), "provisional": Period(10, True)}
    on_time = clocks(D("2026-11-24"), periods, HOLIDAYS, today=D("2026-12-09"))
    assert [(c.name, c.due, c.overdue, c.days_left) for c in on_time] == [
        ("provisional", D("2026-12-09"), False, 0), ("resolve", D("2027-01-08"), False, 30)]
    late = clocks(D("2026-11-24"), periods, HOLIDAYS, today=D("2026-12-10"))
    assert [c.overdue for c in late] == [True, False]
