"""The writer on SQLite and PostgreSQL: complete, ordered, redacted, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.errors import CandorError
from bot.transcripts import models as m
from bot.transcripts.db import Database
from bot.transcripts.repository import conversations_of
from bot.transcripts.writer import TranscriptWriter, mark_idle_abandoned
from tests.transcripts import transcript_events as ev


def counts(db: Database) -> dict[str, int]:
    with db.begin() as s:
        return {model.__tablename__: int(s.execute(select(func.count()).select_from(model))
                                         .scalar_one())
                for model in (m.Conversation, m.Turn, m.RuleHit, m.ProcessedEvent)}


def test_a_conversation_is_stored_complete_and_in_order(db: Database) -> None:
    writer = TranscriptWriter(db)
    events = ev.conversation("alice", turns=3, goodbye=True)
    assert all(writer.write(e) for e in events)
    [record] = conversations_of("alice", db)
    assert [t["role"] for t in record["turns"]] == ["user", "bot"] * 4
    assert [t["text"] for t in record["turns"][:4]] == ["question 0 about fees", "answer 0",
                                                        "question 1 about fees", "answer 1"]
    assert record["turns"][1]["rule_ids"] == ["rate-disclaimer"]
    assert record["turns"][1]["rule_hits"][0]["regulation"]  # looked up in compliance.yml
    assert record["turns"][1]["action"] == "utter_faq"
    assert record["outcome"] == "resolved" and record["ended_at"] is not None
    assert record["model_version"] == "model-1" and record["channel"] == "rest"


def test_redelivered_events_change_nothing(db: Database) -> None:
    writer = TranscriptWriter(db)
    events = ev.conversation("bob", turns=2)
    for e in events:
        writer.write(e)
    before = counts(db)
    assert not any(writer.write(e) for e in events + events[:3])
    assert counts(db) == before == {"conversations": 1, "turns": 4, "rule_hits": 1,
                                    "processed_events": len(events)}


def test_a_burst_in_one_transaction_stores_what_one_by_one_would(db: Database) -> None:
    """write_many: same rows as write, duplicates inside the burst or already stored skipped."""
    writer = TranscriptWriter(db)
    events = ev.conversation("dora", turns=3, goodbye=True)
    assert writer.write(events[0])
    stored = writer.write_many(events + events[2:4])
    assert stored == [False] + [True] * (len(events) - 1) + [False, False]
    [record] = conversations_of("dora", db)
    assert [t["role"] for t in record["turns"]] == ["user", "bot"] * 4
    assert record["outcome"] == "resolved"
    assert counts(db)["processed_events"] == len(events)


def test_a_burst_raced_by_another_writer_is_refused_whole_then_stored_once(db: Database) -> None:
    """Another writer claims one of the burst's events between its check and its insert."""
    from sqlalchemy import event

    writer, rival = TranscriptWriter(db), TranscriptWriter(db)
    events = ev.conversation("erin", turns=2)
    raced = False

    def rival_first(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal raced
        if not raced and statement.startswith("INSERT INTO processed_events"):
            raced = True
            assert rival.write(events[1])  # on its own connection, committed

    event.listen(db.engine, "before_cursor_execute", rival_first)
    try:
        with pytest.raises(Exception, match="(?i)unique|duplicate"):
            writer.write_many(events)
    finally:
        event.remove(db.engine, "before_cursor_execute", rival_first)
    assert counts(db)["processed_events"] == 1  # only the rival's: the burst rolled back
    assert [writer.write(e) for e in events] == [True, False] + [True] * (len(events) - 2)
    [record] = conversations_of("erin", db)
    assert [t["role"] for t in record["turns"]] == ["user", "bot"] * 2
    assert counts(db)["processed_events"] == len(events)


def test_personal_data_is_redacted_before_it_is_written(db: Database) -> None:
    writer = TranscriptWriter(db)
    for e in ev.session_start("carol") + [
        ev.user("carol", "my card is 4111 1111 1111 1111 and mail jane.doe@example.com"),
        ev.slot("carol", "email", "jane.doe@example.com"),
    ]:
        writer.write(e)
    [record] = conversations_of("carol", db)
    text = record["turns"][0]["text"] or ""
    assert "4111" not in text and "jane.doe" not in text


def test_a_new_session_starts_a_new_conversation_and_abandons_the_open_one(db: Database) -> None:
    writer = TranscriptWriter(db)
    for e in ev.conversation("dave", turns=1) + ev.conversation("dave", turns=1, at=1_700_009_000.0):
        writer.write(e)
    first, second = conversations_of("dave", db)
    assert first["outcome"] == "abandoned" and second["outcome"] == "open"
    assert len(first["turns"]) == len(second["turns"]) == 2


def test_handoffs_and_complaints_are_recorded(db: Database) -> None:
    writer = TranscriptWriter(db)
    for e in ev.session_start("erin") + [
        ev.user("erin", "I want to complain about fees", intent="complain"),
        ev.slot("erin", "complaint_category", "fees"),
        ev.action("erin", "action_handoff"),
        ev.bot("erin", "A colleague will contact you", response="utter_handoff"),
        ev.slot("erin", "handoff", "requested"),
    ]:
        writer.write(e)
    [record] = conversations_of("erin", db)
    assert [c["category"] for c in record["complaints"]] == ["fees"]
    assert [h["status"] for h in record["handoffs"]] == ["requested"]
    assert record["outcome"] == "handed_off"
    assert record["turns"][1]["action"] == "action_handoff"


def test_idle_open_conversations_become_abandoned(db: Database) -> None:
    from datetime import datetime, timezone

    writer = TranscriptWriter(db)
    for e in ev.conversation("fay", turns=1):
        writer.write(e)
    assert mark_idle_abandoned(db, datetime.now(timezone.utc)) == 1
    assert conversations_of("fay", db)[0]["outcome"] == "abandoned"


def test_the_disclosure_sent_before_session_started_stays_in_the_conversation(db: Database) -> None:
    """Rasa logs action_session_start's messages before the SessionStarted it returns."""
    writer = TranscriptWriter(db)
    start = ev.session_start("ivy")
    events = [start[0], ev.bot("ivy", "I am an AI assistant", response="utter_ai_disclosure"),
              *start[1:], ev.user("ivy", "hello", intent="greet"), ev.bot("ivy", "Hi!")]
    for e in events:
        writer.write(e)
    [record] = conversations_of("ivy", db)
    assert [t["response"] or t["text"] for t in record["turns"]] == [
        "utter_ai_disclosure", "hello", "utter_faq"]


def test_a_writer_without_its_rulebook_refuses_to_start(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule hits without their regulation would degrade the audit trail silently: fail closed."""
    from bot.compliance.rulebook import load_rulebook
    from bot.transcripts import writer

    broken = tmp_path / "compliance.yml"
    broken.write_text("rules: [\n")
    monkeypatch.setenv("CANDOR_RULEBOOK", str(broken))
    writer._rulebook.cache_clear()
    load_rulebook.cache_clear()
    try:
        with pytest.raises(CandorError, match="E206"):
            TranscriptWriter(db)
    finally:
        monkeypatch.undo()
        writer._rulebook.cache_clear()
        load_rulebook.cache_clear()
    assert TranscriptWriter(db)  # the real rulebook loads again


def test_a_data_rights_request_is_recorded_with_its_due_date(db: Database) -> None:
    from datetime import timedelta

    from bot.transcripts.repository import data_rights_requests

    writer = TranscriptWriter(db)
    for e in ev.session_start("gil") + [
        ev.user("gil", "delete my data and stop texting me", intent="request_data_rights"),
        ev.action("gil", "action_record_data_rights"),
        ev.slot("gil", "data_rights_request", {"kinds": ["erasure", "objection"], "due_days": 30}),
    ]:
        writer.write(e)
    [request] = data_rights_requests(db=db)
    assert request["kinds"] == ["erasure", "objection"] and request["status"] == "received"
    assert request["due_at"] - request["created_at"] == timedelta(days=30)
    assert request["conversation_id"] == conversations_of("gil", db)[0]["conversation_id"]
    assert data_rights_requests(status="completed", db=db) == []
