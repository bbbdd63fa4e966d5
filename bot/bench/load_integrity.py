"""After a load run: is every event of every conversation in the transcripts exactly once?

The tracker store is the source of truth (Rasa's ``events`` table, already redacted). Two checks
against the transcript database:

- by event identity: each tracker event's :func:`~bot.transcripts.projection.event_key` (the
  hash the writer claims in ``processed_events``, one row per stored event) must be there;
- by message: each user/bot event must be exactly one transcript turn of a conversation of
  the same sender, matched by actor and timestamp (the writer stores the event's own
  timestamp as ``sent_at``). This is what finds duplicates: ``processed_events`` has the key as
  its primary key, so it cannot hold one twice, but turns could.

Timestamps are matched as the writer converts them (:func:`~bot.transcripts.projection.utc`, to the
microsecond), not rounded to milliseconds from both sides: the float seconds and the stored
microseconds round differently near a half millisecond (about 1 message in 2,500), which showed
up as "missing" plus "duplicated" pairs in runs where nothing was missing.

:func:`compare` is pure; the ``read_*`` functions read the databases (SQLite files in the default
set-up, PostgreSQL in the scale-out one) through SQLAlchemy.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.transcripts.projection import event_key, utc

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


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def compare(tracker: Sequence[TrackerEvent], processed_keys: Iterable[str],
            turns: Iterable[TranscriptTurn]) -> dict[str, int]:
    """Counts of matched, missing, unmatched and duplicated events and messages."""
    processed = set(processed_keys)
    keys = [event_key(e.sender_id, e.event) for e in tracker]
    wanted: Counter[tuple[str, str, datetime]] = Counter(
        (e.sender_id, TURN_EVENTS[str(e.event.get("event"))],
         utc(float(e.event.get("timestamp") or 0.0)))
        for e in tracker if e.event.get("event") in TURN_EVENTS)
    stored: Counter[tuple[str, str, datetime]] = Counter(
        (t.sender_id, t.actor, _aware(t.sent_at)) for t in turns)
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


def _rows(url: str, query: str) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(query)))
    finally:
        engine.dispose()


def _when(value: Any) -> datetime:
    """A ``sent_at`` as the driver returns it: a datetime (PostgreSQL) or text (SQLite)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def read_tracker(url: str) -> list[TrackerEvent]:
    """Every event of Rasa's SQL tracker store (SQLAlchemy URL), in insertion order."""
    rows = _rows(url, "SELECT sender_id, data FROM events ORDER BY id")
    return [TrackerEvent(str(sender), json.loads(data)) for sender, data in rows]


def read_transcripts(url: str) -> tuple[list[str], list[TranscriptTurn]]:
    """The ``processed_events`` keys and every turn (with its sender) of a transcript database."""
    keys = [row[0] for row in _rows(url, "SELECT event_key FROM processed_events")]
    rows = _rows(url, "SELECT c.sender_id, t.actor, t.sent_at FROM turns t "
                      "JOIN conversations c ON c.id = t.conversation_pk")
    return keys, [TranscriptTurn(str(s), str(a), _when(at)) for s, a, at in rows]


def processed_count(url: str) -> int:
    """Rows in ``processed_events`` (0 while the database is missing or not migrated)."""
    from sqlalchemy.exc import SQLAlchemyError

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0  # connecting would create the file
    try:
        return int(_rows(url, "SELECT count(*) FROM processed_events")[0][0])
    except SQLAlchemyError:
        return 0


def sqlite_url(path: Path) -> str:
    """SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{path}"


def compare_databases(tracker_url: str, transcripts_url: str) -> dict[str, int]:
    """:func:`compare` on a tracker store and a transcript database (SQLAlchemy URLs)."""
    keys, turns = read_transcripts(transcripts_url)
    return compare(read_tracker(tracker_url), keys, turns)
