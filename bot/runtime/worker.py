"""``candor transcripts worker``: RabbitMQ -> the same transcript writer -> PostgreSQL.

It reads the ``event_broker`` section of the endpoints file the Rasa replicas use (Rasa's own
reader, so ``${ENV}`` substitutions match), declares the same fanout exchange and durable queue
as Rasa's Pika broker, and acknowledges a message only after its transaction committed. A
crash before the ack means RabbitMQ redelivers; the writer's event identity turns the
redelivery into a no-op. Hence at-least-once delivery with exactly-once records.

Run one worker per queue: events of one conversation are then applied in the order the
replicas published them (turn ids follow that order). The worker also CSAT-scores the
conversations that end or go idle (:mod:`bot.runtime.autoscore`), after the events are
committed and acknowledged, at most once a second (a turn's events are scored together).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import time
from dataclasses import dataclass
from typing import Any

from bot.errors import CandorError, Errors
from bot.runtime.autoscore import AutoScorer
from bot.transcripts.db import Database
from bot.transcripts.writer import TranscriptWriter

logger = logging.getLogger(__name__)
RETRY_SECONDS = 2.0
SCORE_EVERY_SECONDS = 1.0


@dataclass(frozen=True)
class QueueConfig:
    """Where the events are: the Pika broker's settings."""

    url: str
    queue: str
    exchange: str = "rasa-exchange"

    @classmethod
    def from_endpoints(cls, path: str) -> QueueConfig:
        """Read ``event_broker`` (host/url, username, password, port, queues, exchange_name)."""
        from rasa.utils.endpoints import read_endpoint_config

        cfg = read_endpoint_config(path, "event_broker")
        if cfg is None:
            raise CandorError(Errors.E303.format(url=path, cause="no event_broker section"))
        kw = cfg.kwargs
        queues = kw.get("queues") or ["rasa_core_events"]
        host = cfg.url or "localhost"
        url = host if host.startswith("amqp") else (
            f"amqp://{kw.get('username', 'guest')}:{kw.get('password', 'guest')}"
            f"@{host}:{kw.get('port', 5672)}/")
        queue = queues if isinstance(queues, str) else queues[0]
        return cls(url, str(queue), str(kw.get("exchange_name") or "rasa-exchange"))


def decode(body: bytes) -> dict[str, Any] | None:
    """Return the event in a message, or None when it is not a JSON object (rejected)."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return event if isinstance(event, dict) else None


async def consume(config: QueueConfig, db: Database, prefetch: int = 20,
                  stop: asyncio.Event | None = None, scorer: AutoScorer | None = None) -> int:
    """Apply messages until ``stop`` is set; return how many events were newly stored."""
    import aio_pika

    scorer = scorer or AutoScorer(db)
    writer = TranscriptWriter(db, on_end=scorer.notify)
    stop = stop or asyncio.Event()
    try:
        connection = await aio_pika.connect_robust(config.url)
    except Exception as err:  # noqa: BLE001
        raise CandorError(Errors.E303.format(url=_safe(config.url), cause=err)) from err
    stored = 0
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=prefetch)
        exchange = await channel.declare_exchange(config.exchange, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(config.queue, durable=True)
        await queue.bind(exchange, "")
        logger.info("consuming %s from %s", config.queue, _safe(config.url))
        # Deliveries land in a local queue and one loop applies them in order; waiting on the
        # local queue (not on aio-pika's iterator) keeps an idle timeout from closing the
        # consumer. Unacknowledged deliveries go back to RabbitMQ if the process dies.
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        tag = await queue.consume(inbox.put, no_ack=False)
        scored_at = time.monotonic()
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(inbox.get(), timeout=SCORE_EVERY_SECONDS)
                stored += await _handle(writer, message)
            except asyncio.TimeoutError:
                pass
            if time.monotonic() - scored_at >= SCORE_EVERY_SECONDS:
                await asyncio.to_thread(scorer.run_due)  # never raises (E410 logged)
                scored_at = time.monotonic()
        await queue.cancel(tag)
    return stored


async def _handle(writer: TranscriptWriter, message: Any) -> int:
    event = decode(message.body)
    if event is None:
        logger.error("rejected a message that is not a JSON event object")
        await message.reject(requeue=False)
        return 0
    try:
        new = await asyncio.to_thread(writer.write, event)
    except Exception as err:  # noqa: BLE001 - database down: leave it queued
        logger.error(Errors.E302.format(sender=event.get("sender_id"), cause=type(err).__name__))
        await asyncio.sleep(RETRY_SECONDS)
        await message.nack(requeue=True)
        return 0
    await message.ack()
    return int(new)


def _safe(url: str) -> str:
    """Return the URL without its password, for logs."""
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def run(config: QueueConfig, db: Database) -> int:
    """Consume until SIGINT/SIGTERM; return the exit code."""

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        stored = await consume(config, db, stop=stop)
        logger.info("stopped after storing %d events", stored)
        return 0

    return asyncio.run(main())
