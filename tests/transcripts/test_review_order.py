"""Queue order: overdue first, then by soonest due, closed last; who may claim."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.transcripts.deadlines import ClockStatus, Period
from bot.transcripts.review_store import ItemRow, ReviewRow, may_claim, priority

AT = datetime(2026, 11, 2, tzinfo=timezone.utc)


def row(item_id: int, due: str | None, overdue: bool = False, status: str = "open") -> ItemRow:
    ticks = (ClockStatus("ack", Period(2, True), date.fromisoformat(due), overdue, 0),) if due else ()
    return ItemRow(item_id, "complaints", f"c{item_id}", AT, None, status, None, ticks)


def test_overdue_rises_to_the_top_and_closed_sinks() -> None:
    rows = [row(1, None, status="closed"), row(2, "2026-11-20"), row(3, "2026-11-05"),
            row(4, "2026-11-01", overdue=True), row(5, None)]
    assert [r.id for r in sorted(rows, key=priority)] == [4, 3, 2, 5, 1]


def review(reviewer: str, outcome: str) -> ReviewRow:
    return ReviewRow(1, reviewer, outcome, "r", None, None, AT)


@pytest.mark.parametrize(("claimed_by", "latest", "who", "refusal"), [
    (None, None, "ann", None),
    ("ann", None, "ann", None),
    ("ann", None, "bea", "claimed"),
    (None, review("ann", "escalate"), "ann", "four-eyes"),
    (None, review("ann", "escalate"), "bea", None),
    (None, review("ann", "coaching"), "ann", None),
])
def test_who_may_claim(claimed_by: str | None, latest: ReviewRow | None, who: str,
                       refusal: str | None) -> None:
    assert may_claim(claimed_by, latest, who) == refusal
