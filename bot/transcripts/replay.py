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

from bot.settings import candor_home
from bot.transcripts.db import Database
from bot.transcripts.writer import TranscriptWriter


def default_tracker_url() -> str:
    """Return the URL of the default SQLite tracker store under ``CANDOR_HOME``."""
    return f"sqlite:///{candor_home().tracker_db}"


def local_tracker_url() -> str | None:
    """The default SQLite tracker store's URL when that file exists (else None)."""
    return default_tracker_url() if candor_home().tracker_db.exists() else None


def tracker_events(url: str, batch: int = 1000) -> Iterator[dict[str, object]]:
    """Every stored event as the broker would have carried it (with ``sender_id``)."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return
        events = Table("events", MetaData(), autoload_with=engine)
        last = 0
        while True:
            with engine.connect() as conn:
                rows = conn.execute(
                    select(events.c.id, events.c.sender_id, events.c.data)
                    .where(events.c.id > last).order_by(events.c.id).limit(batch)
                ).all()
            if not rows:
                return
            for _, sender_id, data in rows:
                yield {"sender_id": sender_id, **json.loads(data)}
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
