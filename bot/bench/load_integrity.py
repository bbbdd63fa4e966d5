"""After a load run: is every event of every conversation in the transcripts exactly once?

The tracker store is the source of truth (Rasa's ``events`` table, already redacted). Two checks
against the transcript database:

- by event identity: each tracker event's :func:`~bot.transcripts.projection.event_key` (the
  hash the writer claims in ``processed_events``, one row per stored event) must be there;
- by message: each user/bot event must be exactly one transcript turn of a conversation of
  the same sender, matched by actor and timestamp (the writer stores the event's own
  timestamp as ``sent_at``). This is what finds duplicates: ``processed_events`` has the key as
  its primary key, so it cannot hold one twice, but turns could.

:func:`compare` is pure; the ``read_*`` functions read the SQLite files (read-only).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.transcripts.projection import event_key

TURN_EVENTS = {"user": "user", "bot": "bot"}


@dataclass(frozen=True)
class TrackerEvent:
    """One row of Rasa's ``events`` table: its sender and the event as stored (``data``)."""

    sender_id: str
    event: dict[str, Any]


@dataclass(frozen=True)
class TranscriptTurn:
    """One transcript turn with its conversation's sender."""

    sender_id: str
    actor: str
    sent_at: datetime


def _millis(ts: float) -> int:
    return round(ts * 1000)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def compare(tracker: Sequence[TrackerEvent], processed_keys: Iterable[str],
            turns: Iterable[TranscriptTurn]) -> dict[str, int]:
    """Counts of matched, missing, unmatched and duplicated events and messages."""
    processed = set(processed_keys)
    keys = [event_key(e.sender_id, e.event) for e in tracker]
    wanted: Counter[tuple[str, str, int]] = Counter(
        (e.sender_id, TURN_EVENTS[str(e.event.get("event"))],
         _millis(float(e.event.get("timestamp") or 0.0)))
        for e in tracker if e.event.get("event") in TURN_EVENTS)
    stored: Counter[tuple[str, str, int]] = Counter(
        (t.sender_id, t.actor, _millis(_aware(t.sent_at).timestamp())) for t in turns)
    missing = wanted - stored
    duplicated = stored - wanted
    matched = sum(k in processed for k in keys)
    return {
        "senders": len({e.sender_id for e in tracker}),
        "tracker_events": len(tracker),
        "processed_events": len(processed),
        "events_matched": matched,
        "events_missing": len(keys) - matched,
        "events_unmatched": len(processed - set(keys)),
        "tracker_turns": sum(wanted.values()),
        "transcript_turns": sum(stored.values()),
        "turns_missing": sum(missing.values()),
        "turns_duplicated": sum(duplicated.values()),
        "senders_with_differences": len({k[0] for k in (missing + duplicated)}),
    }


def _connect(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def read_tracker(path: Path) -> list[TrackerEvent]:
    """Every event of Rasa's SQLite tracker store, in insertion order."""
    with _connect(path) as conn:
        rows = conn.execute("SELECT sender_id, data FROM events ORDER BY id").fetchall()
    return [TrackerEvent(str(sender), json.loads(data)) for sender, data in rows]


def read_transcripts(path: Path) -> tuple[list[str], list[TranscriptTurn]]:
    """The ``processed_events`` keys and every turn (with its sender) of a transcript database."""
    with _connect(path) as conn:
        keys = [row[0] for row in conn.execute("SELECT event_key FROM processed_events")]
        rows = conn.execute(
            "SELECT c.sender_id, t.actor, t.sent_at FROM turns t "
            "JOIN conversations c ON c.id = t.conversation_pk").fetchall()
    turns = [TranscriptTurn(str(s), str(a), datetime.fromisoformat(str(at))) for s, a, at in rows]
    return keys, turns


def processed_count(path: Path) -> int:
    """Rows in ``processed_events`` (0 while the database does not exist yet)."""
    if not path.exists():
        return 0
    try:
        with _connect(path) as conn:
            return int(conn.execute("SELECT count(*) FROM processed_events").fetchone()[0])
    except sqlite3.OperationalError:  # not migrated yet
        return 0


def compare_files(tracker_db: Path, transcripts_db: Path) -> dict[str, int]:
    """:func:`compare` on a tracker store and a transcript database (SQLite files)."""
    keys, turns = read_transcripts(transcripts_db)
    return compare(read_tracker(tracker_db), keys, turns)
