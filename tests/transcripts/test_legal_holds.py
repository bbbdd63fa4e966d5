"""Legal holds against retention purge and erasure; deferred erasure on lift (both dialects)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from bot.errors import CandorError
from bot.settings.console import AuditKeys
from bot.transcripts import review_models as rm
from bot.transcripts.audit_log import verify_log
from bot.transcripts.db import Database
from bot.transcripts.holds import list_holds, place
from bot.transcripts.repository import conversations_of
from bot.transcripts.retention import audit_log, erase, lift_hold, purge
from bot.transcripts.writer import TranscriptWriter
from tests.transcripts import transcript_events as ev

NOW = datetime.fromtimestamp(1_700_000_000.0, timezone.utc)
OLD = (NOW - timedelta(days=400)).timestamp()


def keys() -> AuditKeys:
    return AuditKeys.from_env()


def seed(db: Database) -> dict[str, list[str]]:
    writer = TranscriptWriter(db)
    for e in (ev.conversation("ada", 1, at=OLD) + ev.conversation("bob", 1, at=OLD)
              + ev.conversation("bob", 1, at=OLD + 3600) + ev.conversation("cy", 1)):
        writer.write(e)
    return {s: [c["conversation_id"] for c in conversations_of(s, db)] for s in ("ada", "bob", "cy")}


def test_purge_skips_held_conversations_and_customers_and_says_why(db: Database) -> None:
    ids = seed(db)
    hold_conv = place(db, keys(), "comp", "Litigation L-17", conversation_id=ids["ada"][0])
    hold_cust = place(db, keys(), "comp", "Regulator inquiry R-4", sender_id="bob")
    removal = purge(365, "ops", db, now=NOW + timedelta(hours=3))
    assert removal.conversations == 0
    assert {(x.conversation_id, x.hold_id, x.reason) for x in removal.skipped} == {
        (ids["ada"][0], hold_conv, "Litigation L-17"),
        *((cid, hold_cust, "Regulator inquiry R-4") for cid in ids["bob"])}
    assert len(conversations_of("bob", db)) == 2 and len(conversations_of("ada", db)) == 1
    entry = audit_log(db, 1)[0]
    assert entry["action"] == "purge" and len(entry["details"]["skipped"]) == 3
    assert "Litigation" not in json.dumps(entry["details"])  # the reason stays in the holds table


def test_a_lifted_hold_no_longer_protects(db: Database) -> None:
    ids = seed(db)
    hold = place(db, keys(), "comp", "Litigation L-17", conversation_id=ids["ada"][0])
    lift_hold(db, keys(), hold, "comp2", "Case closed")
    removal = purge(365, "ops", db, now=NOW + timedelta(hours=3))
    assert removal.conversations == 3 and removal.skipped == ()
    [listed] = list_holds(db)
    assert (listed.lifted_by, listed.lift_reason) == ("comp2", "Case closed")
    with pytest.raises(CandorError, match="E726"):
        lift_hold(db, keys(), hold, "comp2", "again")


def test_a_held_customers_erasure_is_recorded_and_carried_out_when_the_hold_lifts(
        db: Database) -> None:
    seed(db)
    hold = place(db, keys(), "comp", "Regulator inquiry R-4", sender_id="bob")
    removal = erase("bob", "dpo", db)
    assert removal.conversations == 0 and len(removal.skipped) == 2
    assert removal.deferred_request is not None
    assert erase("bob", "dpo", db).deferred_request == removal.deferred_request  # one request
    assert len(conversations_of("bob", db)) == 2
    _, done = lift_hold(db, keys(), hold, "comp", "Inquiry closed")
    assert [r.conversations for r in done] == [2]
    assert conversations_of("bob", db) == []
    with db.begin() as s:
        request = s.execute(select(rm.ErasureRequest)).scalar_one()
        assert request.carried_out_by == "comp" and request.carried_out_at is not None
    entries = list(reversed(audit_log(db)))
    assert [e["action"] for e in entries] == ["hold_placed", "erase", "erase", "hold_lifted",
                                              "erase"]
    assert [entries[0]["details"]["reason"], entries[3]["details"]["reason"]] == [
        "Regulator inquiry R-4", "Inquiry closed"]
    assert all("bob" not in json.dumps(e["details"]) for e in audit_log(db))
    assert verify_log(db, keys()).ok


def test_a_hold_needs_a_reason_and_one_target(db: Database) -> None:
    ids = seed(db)
    with pytest.raises(CandorError, match="E725"):
        place(db, keys(), "comp", "  ", sender_id="bob")
    with pytest.raises(CandorError, match="E725"):
        place(db, keys(), "comp", "why", conversation_id=ids["ada"][0], sender_id="ada")
    with pytest.raises(CandorError, match="E725"):
        place(db, keys(), "comp", "why", conversation_id="no-such-conversation")


def test_tracker_events_stay_while_held_and_go_when_the_deferred_erasure_runs(
        db: Database, tmp_path: Path) -> None:
    seed(db)
    url = f"sqlite:///{tmp_path / 'tracker.sqlite'}"
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)"))
        conn.execute(text("INSERT INTO events (sender_id) VALUES ('bob'), ('bob'), ('cy')"))
    count = "SELECT sender_id, count(*) FROM events GROUP BY sender_id ORDER BY sender_id"
    hold = place(db, keys(), "comp", "Inquiry", sender_id="bob")
    erase("bob", "dpo", db, tracker_url=url)
    with engine.connect() as conn:
        assert conn.execute(text(count)).all() == [("bob", 2), ("cy", 1)]
    lift_hold(db, keys(), hold, "comp", "Inquiry closed", tracker_url=url)
    with engine.connect() as conn:
        assert conn.execute(text(count)).all() == [("cy", 1)]
    engine.dispose()
    assert audit_log(db, 1)[0]["details"]["tracker_events"] == 2
