"""The console's list queries on both databases: filters, keyset pages, capped counts, FTS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.transcripts.console_queries import (
    Cursor,
    ListFilter,
    capped_count,
    filtered,
    fts_terms,
    list_page,
)
from bot.transcripts.db import Database
from bot.transcripts.retention import erase
from bot.transcripts.writer import TranscriptWriter
from tests.web import console_seed as cs

# fmt: off
FILTERS = [
    (ListFilter(), {"complaint", "vulnerable", "faq", "handoff", "dispute", "script"}),
    (ListFilter(complaint=True), {"complaint"}),
    (ListFilter(vulnerable=True), {"vulnerable"}),
    (ListFilter(dispute=True), {"dispute"}),
    (ListFilter(handoff=True), {"handoff"}),
    (ListFilter(intent="complain"), {"complaint"}),
    (ListFilter(topic="card_activation"), {"faq", "script"}),
    (ListFilter(topic="utter_faq/card_activation"), {"faq", "script"}),
    (ListFilter(rule_id="human-handoff"), {"handoff"}),
    (ListFilter(outcome="handed_off"), {"handoff"}),
    (ListFilter(outcome="resolved"), {"faq", "script"}),
    (ListFilter(channel="rest"), {"complaint", "vulnerable", "faq", "handoff", "dispute", "script"}),
    (ListFilter(channel="socketio"), set()),
    (ListFilter(text="job"), {"vulnerable"}),
    (ListFilter(text="EMAIL_ADDRESS"), {"vulnerable"}),  # the redaction tag, never the address
    (ListFilter(text="ada.byron@example.com"), set()),
    (ListFilter(text="complain fee"), {"complaint"}),
    (ListFilter(text="script alert"), {"script"}),
    (ListFilter(text='"); DROP TABLE turns; --'), set()),
    (ListFilter(since=datetime.fromtimestamp(cs.T0 + 3600 * 2, timezone.utc)),
     {"faq", "handoff", "dispute", "script"}),
    (ListFilter(until=datetime.fromtimestamp(cs.T0 + 3600, timezone.utc)), {"complaint"}),
    (ListFilter(complaint=True, vulnerable=True), set()),
]
# fmt: on


@pytest.fixture
def seeded(db: Database) -> dict[str, str]:
    return cs.seed(db).ids


def kinds(db: Database, ids: dict[str, str], f: ListFilter) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r.conversation_id] for r in list_page(db, f).rows}


@pytest.mark.parametrize(("flt", "expected"), FILTERS)
def test_each_filter(db: Database, seeded: dict[str, str], flt: ListFilter,
                     expected: set[str]) -> None:
    assert kinds(db, seeded, flt) == expected
    assert list_page(db, flt).count == len(expected)


def test_rating_and_csat_band_filters(db: Database, seeded: dict[str, str]) -> None:
    from bot.transcripts.repository import record_survey, upsert_csat_scores

    record_survey(seeded["faq"], 2, None, db=db)
    upsert_csat_scores([{"conversation_id": seeded["handoff"], "model_version": "v1",
                         "value": 1.8, "explanation": {}}], db=db)
    assert kinds(db, seeded, ListFilter(rating=2)) == {"faq"}
    assert kinds(db, seeded, ListFilter(rating=5)) == set()
    assert kinds(db, seeded, ListFilter(csat_band="low")) == {"handoff"}
    assert kinds(db, seeded, ListFilter(csat_band="high")) == set()
    [row] = list_page(db, ListFilter(rating=2)).rows
    assert row.rating == 2


def test_keyset_pages_are_newest_first_without_gaps_or_repeats(db: Database) -> None:
    writer = TranscriptWriter(db)
    same_time = cs.T0 + 10_000  # ties on started_at are broken by id
    for n in range(7):
        for event in cs.faq(f"tie-{n}", same_time if n % 2 else same_time + n):
            writer.write(event)
    seen, cursor, pages = [], None, 0
    while True:
        page = list_page(db, ListFilter(), cursor, size=3)
        seen.extend(page.rows)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = Cursor.decode(page.next_cursor.encode())
    assert pages == 3 and len(seen) == len({r.id for r in seen}) == 7
    keys = [(r.started_at, r.id) for r in seen]
    assert keys == sorted(keys, reverse=True)


def test_counts_are_capped(db: Database, seeded: dict[str, str]) -> None:
    with db.begin() as s:
        assert capped_count(s, filtered(ListFilter(), db.dialect), cap=4) == (4, True)
        assert capped_count(s, filtered(ListFilter(), db.dialect), cap=6) == (6, False)


def test_the_text_index_forgets_erased_conversations(db: Database,
                                                     seeded: dict[str, str]) -> None:
    erase("web-vulnerable", "dpo", db)
    assert kinds(db, seeded, ListFilter(text="job")) == set()


def test_search_terms_drop_query_syntax() -> None:
    assert fts_terms('card "NEAR" OR fee*') == ["card", "NEAR", "OR", "fee"]
    assert fts_terms("<EMAIL_ADDRESS>") == ["EMAIL", "ADDRESS"]
    assert fts_terms("") == []
    assert Cursor.decode("garbage") is None
    cursor = Cursor(datetime(2026, 11, 29, tzinfo=timezone.utc) - timedelta(seconds=1), 7)
    assert Cursor.decode(cursor.encode()) == cursor
