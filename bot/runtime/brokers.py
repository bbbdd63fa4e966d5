"""Candor's event brokers: what Rasa streams every tracker event through.

- :class:`TranscriptEventBroker` (default, ``endpoints.yml``): writes each event to the
  transcript database inside the Rasa process. Zero set-up, SQLite under ``CANDOR_HOME``.
- :class:`RedactingPikaEventBroker` (``endpoints.scaleout.yml``): Rasa's own Pika broker to
  RabbitMQ, redacting before publishing; ``candor transcripts worker`` consumes the queue with
  the same :class:`~bot.transcripts.writer.TranscriptWriter`.

Both derive from :class:`RedactingEventBroker`, the class ``bot.runtime.fail_closed`` requires: Rasa
3.6 carries on with no broker when a configured one cannot be loaded, and then nothing would
be recorded.
"""

from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any

import rasa.shared.core.events  # noqa: F401 - Rasa's Pika broker uses it without importing it
from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.errors import Errors
from bot.transcripts.db import database
from bot.transcripts.redact_events import redact_event
from bot.transcripts.writer import TranscriptWriter

logger = logging.getLogger(__name__)


class RedactingEventBroker(EventBroker):
    """Marker base: a broker that never lets a raw event leave the process unredacted."""


class TranscriptEventBroker(RedactingEventBroker):
    """In-process broker: each event goes straight into the transcript database.

    A failed write is logged (E302, with no content) and does not fail the customer's turn:
    the redacted event is already in the tracker store, and ``candor transcripts replay``
    re-applies tracker-store events idempotently. Conversations that end (or idle) are
    CSAT-scored on a background thread (:class:`bot.runtime.autoscore.ScoringThread`).
    """

    def __init__(self, url: str | None = None) -> None:
        from bot.runtime.autoscore import AutoScorer, ScoringThread

        db = database(url)
        self.scoring = ScoringThread(AutoScorer(db))
        self.writer = TranscriptWriter(db, on_end=self.scoring.notify)
        self.failures = 0

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> TranscriptEventBroker:
        """``event_broker: {type: ..., url: <SQLAlchemy URL, optional>}``."""
        return cls(broker_config.url if broker_config else None)

    def publish(self, event: dict[str, Any]) -> None:
        """Write one event (the writer redacts it again before anything is stored)."""
        try:
            self.writer.write(event)
        except Exception as err:  # noqa: BLE001 - logged, recoverable by replay
            self.failures += 1
            cause = type(err).__name__
            logger.error(Errors.E302.format(sender=event.get("sender_id"), cause=cause))

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        """Stop the scoring thread (Rasa calls this on shutdown)."""
        self.scoring.stop()


class RedactingPikaEventBroker(RedactingEventBroker, PikaEventBroker):
    """Rasa's Pika broker (persistent messages, durable queue), redacting before it publishes."""

    def publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """Publish the redacted event; Rasa keeps unpublished ones and retries on reconnect."""
        PikaEventBroker.publish(self, redact_event(event), headers)
