"""Candor's event brokers: what Rasa streams every tracker event through.

- :class:`FollowedTrackerBroker` (default, ``endpoints.yml``): publishes nothing, because
  ``candor transcripts follow`` (its own process, :mod:`bot.runtime.follower`) applies the
  SQLite tracker store's events to the transcript database. Zero set-up.
- :class:`TranscriptEventBroker`: writes each event to the transcript database on a thread
  inside the Rasa process (for a tracker store the follower cannot follow, without RabbitMQ).
- :class:`RedactingPikaEventBroker` (``endpoints.scaleout.yml``): Rasa's own Pika broker to
  RabbitMQ, redacting before publishing; ``candor transcripts worker`` consumes the queue with
  the same :class:`~bot.transcripts.writer.TranscriptWriter`.

Both derive from :class:`RedactingEventBroker`, the class ``bot.runtime.fail_closed`` requires: Rasa
3.6 carries on with no broker when a configured one cannot be loaded, and then nothing would
be recorded.
"""

from __future__ import annotations

import logging
import os
from asyncio import AbstractEventLoop
from typing import Any

import rasa.shared.core.events  # noqa: F401 - Rasa's Pika broker uses it without importing it
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.leader import try_lead
from bot.runtime.writer_thread import WriterThread
from bot.settings import candor_home
from bot.transcripts.db import database
from bot.transcripts.redact_events import redact_event
from bot.transcripts.replay import tracker_events
from bot.transcripts.writer import TranscriptWriter

logger = logging.getLogger(__name__)


class RedactingEventBroker(EventBroker):
    """Marker base: a broker that never lets a raw event leave the process unredacted."""


class FollowedTrackerBroker(RedactingEventBroker):
    """The default: nothing to publish, since the tracker store is the log that is followed.

    Rasa streams each event after the tracker store has committed it, redacted; the follower
    reads it from there. Configured explicitly (rather than no broker) so that the start-up
    check still refuses a broker that is not Candor's.
    """

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> FollowedTrackerBroker:
        return cls()

    def publish(self, event: dict[str, Any]) -> None:
        """Nothing to do: the event is in the tracker store already."""

    def is_ready(self) -> bool:
        return True


class TranscriptEventBroker(RedactingEventBroker):
    """In-process broker: events are queued for the transcript writer thread.

    ``publish`` only enqueues (Rasa calls it on its event loop); :class:`WriterThread` writes
    in order on its own thread, after replaying whatever the tracker store holds that the
    transcript database lacks (a crash, a full queue or a failed write loses nothing).
    Conversations that end (or idle) are CSAT-scored on another background thread
    (:class:`bot.runtime.autoscore.ScoringThread`).
    """

    def __init__(self, url: str | None = None, replay: bool = True) -> None:
        from bot.runtime.autoscore import AutoScorer, ScoringThread

        db = database(url)
        home = candor_home().ensure()
        tracker_db = home.tracker_db
        # Several Sanic workers each build a broker; one of them replays and sweeps.
        lock_file = home.db / "transcripts-leader.lock"
        leader = try_lead(lock_file)
        logger.info(f"transcript writer in process {os.getpid()}: "
                    f"{'leads (start-up replay, idle CSAT sweep)' if leader else 'follows'}")
        self.scoring = ScoringThread(AutoScorer(db, leads=lambda: try_lead(lock_file)))
        self.writer = TranscriptWriter(db, on_end=self.scoring.notify)
        self.thread = WriterThread(
            self.writer,
            replay_events=(lambda: tracker_events(f"sqlite:///{tracker_db}"))
            if replay and leader and tracker_db.exists() else None,
            stats_path=home.logs / f"transcript-writer-{os.getpid()}.json",
        )

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> TranscriptEventBroker:
        """``event_broker: {type: ..., url: <SQLAlchemy URL, optional>}``."""
        return cls(broker_config.url if broker_config else None)

    def publish(self, event: dict[str, Any]) -> None:
        """Queue one event for the writer thread (never blocks the event loop)."""
        self.thread.submit(event)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every event published so far is stored (tests, shutdown)."""
        return self.thread.flush(timeout)

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        """Write what is queued, then stop both threads (Rasa calls this on shutdown)."""
        self.thread.stop()
        self.scoring.stop()


class RedactingPikaEventBroker(RedactingEventBroker, PikaEventBroker):
    """Rasa's Pika broker (persistent messages, durable queue), redacting before it publishes."""

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Publish the redacted event; Rasa keeps unpublished ones and retries on reconnect."""
        PikaEventBroker.publish(self, redact_event(event), headers)
