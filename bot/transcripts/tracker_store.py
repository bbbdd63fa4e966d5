"""Rasa's SQL tracker store, redacting every event before it is written or streamed.

Configured in endpoints.yml as ``bot.transcripts.tracker_store.RedactingSQLTrackerStore``.
With no database given it uses SQLite under ``$CANDOR_HOME/db``; with ``dialect: postgresql``
and the usual ``url``/``db``/``username`` keys it stores in PostgreSQL for scale-out.

Events already in the database were redacted when they were written, so a save touches only
the events added since the last one: one count query finds them (as Rasa's own save does), they
are redacted and inserted in one transaction, and then the same redacted dicts are streamed to
the event broker. Rasa's ``SQLTrackerStore.save`` instead re-reads the whole session from the
database and rebuilds it as a tracker to find what is new (and Candor's first version rebuilt
a redacted copy of the tracker too): under load that was about a fifth of a Rasa worker's CPU.

The database work and the redaction run in a thread (``asyncio.to_thread``), so a writer
waiting for SQLite's lock or a long message does not stall the other conversations on Rasa's
event loop; the events are published on the loop afterwards (Rasa's Pika broker is not
thread-safe). Events are stored before they are published: anything the transcripts receive is
in the tracker store, which the transcript writer replays at start-up.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.settings import candor_home
from bot.transcripts.db import sqlite_engine_args
from bot.transcripts.redact_events import redact_event


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that never holds raw personal data."""

    engine: Engine

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        db: str | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        if db is None:
            db = str(candor_home().ensure().tracker_db) if dialect == "sqlite" else "rasa"
        super().__init__(domain=domain, dialect=dialect, db=db, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Rasa's engine opens and closes a connection per session (SQLAlchemy's default
            # for a SQLite file): under load, connecting and the close's WAL checkpoint were
            # a sixth of a save. Pooled instead, and several Sanic workers share the file, so
            # they wait for each other (busy timeout) instead of failing.
            url = str(self.engine.url)
            self.engine.dispose()
            self.engine = create_engine(url, **sqlite_engine_args(url))
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sessionmaker(bind=self.engine)

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's query, reading only the events' JSON, in a thread; the tracker on the loop.

        Rasa's version builds an ORM object per stored event and waits for the database on the
        event loop: the largest share of a retrieval's CPU, paid on every message.
        """
        events = await asyncio.to_thread(self._load_events, sender_id,
                                         fetch_events_from_all_sessions)
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _load_events(self, sender_id: str, all_sessions: bool) -> list[dict[str, Any]]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, all_sessions)
            return [json.loads(data) for (data,) in query.with_entities(self.SQLEvent.data)]

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Redact and store the events added since the last save, then stream them."""
        events = list(tracker.events)  # a snapshot: the tracker is not touched in the thread
        new = await asyncio.to_thread(self._store_new, tracker.sender_id, events)
        if self.event_broker is not None:
            for data in new:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    def _store_new(self, sender_id: str, events: list[Any]) -> list[dict[str, Any]]:
        """Insert the redacted form of the events not stored yet; return them (as dicts)."""
        with self.session_scope() as session:
            stored = self._event_query(session, sender_id,
                                       fetch_events_from_all_sessions=False).count()
            added = events[stored:]
            new = [redact_event(e.as_dict()) for e in added]
            rows = [
                {"sender_id": sender_id, "type_name": e.type_name,
                 "timestamp": data.get("timestamp"),
                 "intent_name": (data.get("parse_data") or {}).get("intent", {})
                 .get(INTENT_NAME_KEY),
                 "action_name": data.get("name"), "data": json.dumps(data)}
                for e, data in zip(added, new, strict=True)
            ]
            if rows:  # one executemany, no ORM object per event
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        return new
