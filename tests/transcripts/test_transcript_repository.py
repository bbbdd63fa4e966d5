"""The console's queries, the CSAT functions and surveys, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.transcripts import repository as repo
from bot.transcripts.db import Database
from bot.transcripts.repository import ConversationFilter, Page
from bot.transcripts.writer import TranscriptWriter
from tests.transcripts import transcript_events as ev

DAY = 86_400.0
T0 = 1_700_000_000.0


@pytest.fixture()
def seeded(db: Database) -> Database:
    """Six conversations over six days: one with a complaint intent, one goodbye."""
    writer = TranscriptWriter(db)
    for n in range(6):
        events = ev.conversation(f"c{n}", turns=1 + n % 2, at=T0 + n * DAY, goodbye=n == 4)
        if n == 3:
            events.append(ev.user(f"c{n}", "this is unacceptable", intent="complain",
                                  at=T0 + n * DAY))
        for e in events:
            writer.write(e)
    return db


def senders(rows: list[repo.ConversationSummary]) -> list[str]:
    return [r.sender_id for r in rows]


def test_newest_first_with_offset_and_keyset_pages(seeded: Database) -> None:
    first = repo.list_conversations(page=Page(limit=4), db=seeded)
    assert senders(first) == ["c5", "c4", "c3", "c2"]
    rest = repo.list_conversations(page=Page(limit=4, after=(first[-1].started_at, first[-1].id)),
                                   db=seeded)
    assert senders(rest) == ["c1", "c0"]
    assert senders(repo.list_conversations(page=Page(limit=2, offset=4), db=seeded)) == ["c1", "c0"]


# fmt: off
@pytest.mark.parametrize(("flt", "expected"), [
    (ConversationFilter(intent="complain"),          ["c3"]),
    (ConversationFilter(outcome="resolved"),         ["c4"]),
    (ConversationFilter(rule_id="rate-disclaimer"),  ["c5", "c4", "c3", "c2", "c1", "c0"]),
    (ConversationFilter(rule_id="no-such-rule"),     []),
    (ConversationFilter(sender_id="c2"),             ["c2"]),
])
# fmt: on
def test_filters(seeded: Database, flt: ConversationFilter, expected: list[str]) -> None:
    assert senders(repo.list_conversations(flt, db=seeded)) == expected
    assert repo.count_conversations(flt, db=seeded) == len(expected)


def test_date_range_filter(seeded: Database) -> None:
    first = repo.list_conversations(page=Page(limit=10), db=seeded)
    by_sender = {r.sender_id: r.started_at for r in first}
    flt = ConversationFilter(since=by_sender["c1"], until=by_sender["c3"])
    assert senders(repo.list_conversations(flt, db=seeded)) == ["c2", "c1"]


def test_csat_scores_upsert_idempotently_and_filter_by_band(seeded: Database) -> None:
    [c0] = repo.conversations_of("c0", seeded)
    [c1] = repo.conversations_of("c1", seeded)
    rows = [
        {"conversation_id": c0["conversation_id"], "model_version": "csat-v1", "value": 1.8,
         "predicted_class": 2, "turn_scores": [2.0], "explanation": {"raising": [], "lowering": []}},
        {"conversation_id": c1["conversation_id"], "model_version": "csat-v1", "value": 4.4,
         "predicted_class": 4, "turn_scores": [4.0], "explanation": {"raising": [], "lowering": []}},
    ]
    assert repo.upsert_csat_scores(rows, db=seeded) == 2
    assert repo.upsert_csat_scores([{**rows[0], "value": 2.0}], db=seeded) == 1
    assert senders(repo.list_conversations(ConversationFilter(csat_band="low"), db=seeded)) == ["c0"]
    assert senders(repo.list_conversations(ConversationFilter(csat_band="high"), db=seeded)) == ["c1"]
    score = repo.csat_score(c0["conversation_id"], db=seeded)
    assert score is not None and score["value"] == 2.0 and score["model_version"] == "csat-v1"


def test_csat_records_have_the_scorers_keys(seeded: Database) -> None:
    records = repo.csat_records(seeded)
    assert len(records) == 6
    turn = records[0]["turns"][0]
    assert {"role", "text", "intent", "confidence", "response", "rule_ids", "latency_ms",
            "timestamp"} <= set(turn)
    assert repo.csat_record(records[0]["conversation_id"], seeded) == records[0]


def test_one_survey_per_conversation_with_a_redacted_comment(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = str(seeded.engine.url.render_as_string(hide_password=False))
    survey_id = repo.record_survey("c2", 4, "call me on 07700 900123 please", url=url)
    assert survey_id > 0
    with pytest.raises(repo.DuplicateSurvey):
        repo.record_survey("c2", 5, url=url)
    with pytest.raises(repo.UnknownConversation):
        repo.record_survey("nobody", 3, url=url)
    [c2] = repo.conversations_of("c2", seeded)
    assert c2["survey"] == 4
    from sqlalchemy import select

    from bot.transcripts import models as m

    with seeded.begin() as s:
        comment = s.execute(select(m.Survey.comment)).scalar_one()
    assert "07700" not in comment


def test_rule_hit_counts(seeded: Database) -> None:
    assert repo.rule_hit_counts(seeded) == {"rate-disclaimer": 6}
