"""Transcript writes off Rasa's event loop: an ordered, bounded queue drained by one thread.

Rasa publishes events on its single event loop while a customer waits; a database write there
(and SQLite's locking) would stall every other conversation. :class:`WriterThread` takes each
event in ``submit`` (a non-blocking put) and writes it on its own thread, in order.

Nothing is lost when this goes wrong, because the tracker store stays the source of truth:

- a full queue drops the event from the queue (E307, counted): it is in the tracker store;
- a write that keeps failing is given up after a few tries (E302, counted);
- a killed server loses what was queued;

and at start-up the thread first replays the tracker store into the transcript database
(idempotent: events already stored are skipped by their identity), which restores all three.
The counters are logged and written to ``stats_path`` as JSON, for monitoring.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.errors import Errors
from bot.transcripts.writer import TranscriptWriter

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 10_000
BATCH_SIZE = 64  # events written in one transaction, at most
REPORT_SECONDS = 1.0  # the stats file is rewritten at most this often (and at stop)
RETRY_DELAYS = (0.05, 0.2, 1.0)  # seconds before the 2nd, 3rd and 4th try
_STOP = object()


@dataclass
class WriterStats:
    """What the writer thread did since start-up (the metric it reports)."""

    submitted: int = 0
    written: int = 0
    duplicates: int = 0
    failed: int = 0
    dropped: int = 0
    replay_seen: int = 0
    replay_stored: int = 0
    queue_depth: int = 0


def write_stats(stats: Any, path: Path) -> None:
    """Replace a stats file (a dataclass as JSON) atomically; monitoring never stops a writer."""
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(stats)), "utf-8")
        tmp.replace(path)
    except OSError:
        pass


class WriterThread:
    """One thread that replays the tracker store, then writes queued events in order."""

    def __init__(
        self,
        writer: TranscriptWriter,
        replay_events: Callable[[], Iterable[dict[str, Any]]] | None = None,
        maxsize: int = DEFAULT_QUEUE_SIZE,
        stats_path: Path | None = None,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
    ) -> None:
        self.writer = writer
        self.stats = WriterStats()
        self._replay_events = replay_events
        self._queue: queue.Queue[Any] = queue.Queue(maxsize)
        self._stats_path = stats_path
        self._retry_delays = retry_delays
        self._reported = float("-inf")
        self._thread = threading.Thread(target=self._run, name="transcript-writer", daemon=True)
        self._thread.start()

    def submit(self, event: dict[str, Any]) -> bool:
        """Queue one event without blocking; False (and E307) when the queue is full."""
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.stats.dropped += 1
            logger.error(Errors.E307.format(sender=event.get("sender_id"),
                                            size=self._queue.maxsize))
            return False
        self.stats.submitted += 1
        return True

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until everything queued so far is written (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued (up to ``timeout``), then end the thread."""
        self._queue.put(_STOP)
        self._thread.join(timeout)
        self._report()

    def _run(self) -> None:
        if self._replay_events is not None:
            self._replay()
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH_SIZE and batch[-1] is not _STOP:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = batch[-1] is _STOP
            events = batch[:-1] if stop else batch
            try:
                if events:
                    self._write_batch(events)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if stop:
                return
            if self._queue.empty() and time.monotonic() - self._reported >= REPORT_SECONDS:
                self._report()

    def _write_batch(self, events: list[dict[str, Any]]) -> None:
        """What queued up while the last commit ran, in one transaction; else one by one."""
        if len(events) == 1:
            self._write(events[0])
            return
        try:
            stored = self.writer.write_many(events)
        except Exception:  # noqa: BLE001 - nothing was stored; each event retries on its own
            for event in events:
                self._write(event)
            return
        self.stats.written += sum(stored)
        self.stats.duplicates += len(stored) - sum(stored)

    def _replay(self) -> None:
        assert self._replay_events is not None
        try:
            for event in self._replay_events():
                self.stats.replay_seen += 1
                self.stats.replay_stored += int(self._write(event, count=False))
        except Exception as err:  # noqa: BLE001 - the next start replays again
            logger.error(Errors.E302.format(sender="(start-up replay)", cause=type(err).__name__))
        logger.info(f"transcript replay: {self.stats.replay_seen} tracker events seen, "
                    f"{self.stats.replay_stored} were missing and are now stored")
        self._report()

    def _write(self, event: dict[str, Any], count: bool = True) -> bool:
        for attempt, delay in enumerate((0.0, *self._retry_delays)):
            time.sleep(delay)
            try:
                stored = self.writer.write(event)
            except Exception as err:  # noqa: BLE001 - retried, then left to the replay
                if attempt == len(self._retry_delays):
                    self.stats.failed += 1
                    logger.error(Errors.E302.format(sender=event.get("sender_id"),
                                                    cause=type(err).__name__))
                    return False
                continue
            if count:
                self.stats.written += int(stored)
                self.stats.duplicates += int(not stored)
            return stored
        return False

    def _report(self) -> None:
        self._reported = time.monotonic()
        self.stats.queue_depth = self._queue.qsize()
        if self._stats_path is not None:
            write_stats(self.stats, self._stats_path)
