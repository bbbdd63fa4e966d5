"""Retention purge and erasure: rows gone, audit entry says what, never the content."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.errors import CandorError
from bot.transcripts.db import Database
from bot.transcripts.repository import conversations_of, rule_hit_counts
from bot.transcripts.retention import audit_log, erase, purge, subject_hash
from bot.transcripts.writer import TranscriptWriter
from tests.transcripts import transcript_events as ev

NOW = datetime.fromtimestamp(1_700_000_000.0, timezone.utc)


def seed(db: Database) -> None:
    writer = TranscriptWriter(db)
    old = (NOW - timedelta(days=400)).timestamp()
    for e in (ev.conversation("old-customer", 2, at=old) + ev.conversation("gina", 1)
              + ev.conversation("gina", 1, at=NOW.timestamp() + 7200)):
        writer.write(e)


def test_purge_removes_what_is_past_retention_and_audits_counts(db: Database) -> None:
    seed(db)
    removal = purge(365, "ops@bank", db, now=NOW + timedelta(hours=3))
    assert (removal.conversations, removal.turns, removal.rule_hits) == (1, 4, 1)
    assert conversations_of("old-customer", db) == []
    assert len(conversations_of("gina", db)) == 2
    [entry] = audit_log(db)
    assert entry["action"] == "purge" and entry["actor"] == "ops@bank"
    assert entry["details"]["conversations"] == 1 and entry["details"]["retention_days"] == 365
    assert "question" not in json.dumps(entry["details"])


def test_purge_refuses_a_zero_retention(db: Database) -> None:
    with pytest.raises(CandorError, match="E305"):
        purge(0, "ops", db)


def test_erasure_removes_one_customer_and_names_them_only_by_hash(db: Database) -> None:
    seed(db)
    removal = erase("gina", "dpo@bank", db)
    assert removal.conversations == 2
    assert conversations_of("gina", db) == []
    assert rule_hit_counts(db) == {"rate-disclaimer": 1}
    [entry] = audit_log(db)
    details = json.dumps(entry["details"])
    assert entry["action"] == "erase" and "gina" not in details and "answer" not in details
    assert entry["subject"] == subject_hash("gina") and entry["subject"].startswith("h:")
    assert "gina" not in entry["subject"] and entry["seq"] == 1


def test_erasure_is_not_undone_by_a_late_redelivery(db: Database) -> None:
    events = ev.conversation("hal", 1)
    writer = TranscriptWriter(db)
    for e in events:
        writer.write(e)
    erase("hal", "dpo", db)
    assert not any(writer.write(e) for e in events)
    assert conversations_of("hal", db) == []
