"""Re-apply the tracker store's events to the transcript database.

The tracker store (redacted by ``RedactingSQLTrackerStore``) is the durable log of every
conversation. If the in-process writer failed for a while (E302), or a new transcript database
is set up, replaying that log fills the gaps; events already recorded are skipped by their
identity, so a replay can run at any time, as often as wanted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import MetaData, Table, create_engine, inspect, select
from sqlalchemy.engine import Engine

from bot.settings import candor_home
from bot.transcripts.db import Database
from bot.transcripts.writer import TranscriptWriter


def default_tracker_url() -> str:
    """Return the URL of the default SQLite tracker store under ``CANDOR_HOME``."""
    return f"sqlite:///{candor_home().tracker_db}"


def local_tracker_url() -> str | None:
    """The default SQLite tracker store's URL when that file exists (else None)."""
    return default_tracker_url() if candor_home().tracker_db.exists() else None


TrackerRow = tuple[int, dict[str, object]]


def events_table(engine: Engine) -> Table | None:
    """Rasa's ``events`` table of a tracker store (None until Rasa has created it)."""
    if not inspect(engine).has_table("events"):
        return None
    return Table("events", MetaData(), autoload_with=engine)


def events_after(engine: Engine, events: Table, last: int, limit: int) -> list[TrackerRow]:
    """Up to ``limit`` stored events with an id above ``last``, in id order, with their ids.

    Each as the broker would have carried it (the stored dict plus ``sender_id``).
    """
    with engine.connect() as conn:
        rows = conn.execute(
            select(events.c.id, events.c.sender_id, events.c.data)
            .where(events.c.id > last).order_by(events.c.id).limit(limit)
        ).all()
    return [(row_id, {"sender_id": sender_id, **json.loads(data)})
            for row_id, sender_id, data in rows]


def tracker_events(url: str, batch: int = 1000) -> Iterator[dict[str, object]]:
    """Every stored event as the broker would have carried it (with ``sender_id``)."""
    engine = create_engine(url, future=True)
    try:
        events = events_table(engine)
        last = 0
        while events is not None:
            rows = events_after(engine, events, last, batch)
            if not rows:
                return
            yield from (event for _, event in rows)
            last = rows[-1][0]
    finally:
        engine.dispose()


def replay(tracker_url: str, db: Database) -> tuple[int, int]:
    """Apply every tracker-store event; return (events seen, events newly stored)."""
    writer = TranscriptWriter(db)
    seen = stored = 0
    for event in tracker_events(tracker_url):
        seen += 1
        stored += writer.write(event)
    return seen, stored
