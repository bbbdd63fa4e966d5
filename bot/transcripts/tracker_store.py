"""Rasa's SQL tracker store, redacting every event before it is written or streamed.

Configured in endpoints.yml as ``bot.transcripts.tracker_store.RedactingSQLTrackerStore``.
With no database given it uses SQLite under ``$CANDOR_HOME/db``; with ``dialect: postgresql``
and the usual ``url``/``db``/``username`` keys it stores in PostgreSQL for scale-out.

Events already in the database were redacted when they were written, so only the events
added since the last save are redacted; the redacted tracker is then saved (and streamed to
the event broker) by Rasa's own code.
"""

from __future__ import annotations

from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from bot.settings import candor_home
from bot.transcripts.redact_events import redact_event


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that never holds raw personal data."""

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
            # Several Sanic workers share the file: wait for each other instead of failing.
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Redact the events added since the last save, then store them."""
        await super().save(self._redacted(tracker))

    def _redacted(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        with self.session_scope() as session:
            query = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False)
            stored = query.count()
        events = [
            event.as_dict() if index < stored else redact_event(event.as_dict())
            for index, event in enumerate(tracker.events)
        ]
        slots = list(self.domain.slots) if self.domain else None
        return DialogueStateTracker.from_dict(tracker.sender_id, events, slots)
