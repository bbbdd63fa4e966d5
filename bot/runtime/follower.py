"""``candor transcripts follow``: the default set-up's transcript writer, in a process of its own.

The SQLite tracker store is an ordered, durable log of every conversation, each event redacted
before it is written (:class:`~bot.transcripts.tracker_store.RedactingSQLTrackerStore`). This
process tails its ``events`` table by id, applies each new event with the same
:class:`~bot.transcripts.writer.TranscriptWriter` as the scale-out worker, and CSAT-scores the
conversations that end or go idle (:class:`~bot.runtime.autoscore.AutoScorer`).

Why not a thread inside the Rasa server: under 20 concurrent conversations the writer and the
scorer held a fifth of each Rasa worker's interpreter lock (py-spy, ``--gil``), time taken from
the event loop every conversation waits on. Here, at a lower CPU priority (``nice``), they use
what the Rasa workers leave, and the transcript trails the tracker store by a fraction of a
second (``/health`` reports the lag).

Nothing is lost, because the log is the tracker store itself: a killed Rasa server or follower
leaves the events where they were, and at start-up the follower re-applies the whole log,
skipping what is already recorded by each event's identity. A write that fails is retried with
a back-off and the position does not move (E302); a single event that keeps failing while the
transcript database answers is skipped (counted, E302) so one bad event cannot stop every
transcript; the next start tries it again.

SQLite only (E309): one writer at a time means ids are handed out in commit order, so reading
``id > position`` never passes over an event that commits later with a smaller id. PostgreSQL's
sequences promise no such thing: there, use RabbitMQ and ``candor transcripts worker``.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.schema import Table

from bot.compliance.redaction import redact
from bot.errors import CandorError, Errors
from bot.paths import CandorHome
from bot.runtime.autoscore import AutoScorer
from bot.runtime.leader import try_lead
from bot.runtime.writer_thread import write_stats
from bot.transcripts.db import Database, sqlite_engine_args
from bot.transcripts.follower_status import STATS_FILE, backlog
from bot.transcripts.replay import TrackerRow, events_after, events_table
from bot.transcripts.writer import TranscriptWriter

logger = logging.getLogger(__name__)

BATCH_SIZE = 256  # events read and written in one transaction, at most
POLL_SECONDS = 0.05  # pause when the log has no new event
BACKOFF_SECONDS = (0.2, 1.0, 5.0)  # after a failed read or write; the last one repeats
SKIP_AFTER_TRIES = 5  # failed writes of one event (the database answering) before it is skipped
SCORE_EVERY_SECONDS = 0.5  # also folds a turn's several events into one scoring
REPORT_SECONDS = 1.0  # the stats file is rewritten at most this often
DEFAULT_NICE = 10  # CPU priority below the Rasa workers' (0)


@dataclass
class FollowerStats:
    """What the follower did since start-up: served on ``/health``, written to its stats file."""

    position: int = 0  # id of the last tracker event applied (or skipped)
    applied: int = 0  # events newly stored
    duplicates: int = 0  # events already stored (the start-up catch-up, another writer)
    failed: int = 0  # writes that failed (each retried)
    skipped: int = 0  # events given up after SKIP_AFTER_TRIES (re-applied at the next start)
    read_errors: int = 0  # reads of the tracker store that failed (E308, retried)
    caught_up: bool = False  # reached the end of the log at least once since start-up
    lag: int = 0  # events in the log after ``position`` (when last asked)
    stopped: bool = False  # shut down cleanly: its silence is no backlog (follower_status)


class WriteFailed(Exception):
    """A write failed (E302 logged); the position stays before the event."""


class TrackerFollower:
    """Applies a SQLite tracker store's events to the transcript database, in id order."""

    def __init__(self, tracker_url: str, writer: TranscriptWriter,
                 batch: int = BATCH_SIZE) -> None:
        if not tracker_url.startswith("sqlite"):
            raise CandorError(Errors.E309.format(url=tracker_url))
        self.tracker_url = tracker_url
        self.writer = writer
        self.batch = batch
        self.stats = FollowerStats()
        self._engine = create_engine(tracker_url, future=True, **sqlite_engine_args(tracker_url))
        self._events: Table | None = None
        self._tries = 0  # failed writes of the event at the position, in a row

    def step(self) -> int:
        """Apply the next events of the log; return how many were read (0: caught up).

        Raises :class:`WriteFailed` or :class:`SQLAlchemyError` (E302 / E308 logged); the
        position then stays before the event that failed.
        """
        rows = self._read()
        if not rows:
            self.stats.caught_up = True
            return 0
        try:
            stored = self.writer.write_many([event for _, event in rows])
        except Exception:  # noqa: BLE001 - all or nothing: apply them one by one instead
            for row in rows:
                self._apply_one(row)
        else:
            self._advance(rows[-1][0], stored)
        return len(rows)

    def lag(self) -> int:
        """Events in the log after the position (0 when the table does not exist yet)."""
        events = self._table()
        if events is None:
            return 0
        with self._engine.connect() as conn:
            newest = conn.execute(select(func.max(events.c.id))).scalar()
        self.stats.lag = max(0, int(newest or 0) - self.stats.position)
        return self.stats.lag

    def close(self) -> None:
        self._engine.dispose()

    def _table(self) -> Table | None:
        if self._events is None:
            self._events = events_table(self._engine)
        return self._events

    def _read(self) -> list[TrackerRow]:
        try:
            events = self._table()
            if events is None:  # Rasa has not created it yet
                return []
            return events_after(self._engine, events, self.stats.position, self.batch)
        except SQLAlchemyError as err:
            self.stats.read_errors += 1
            logger.error(Errors.E308.format(url=self.tracker_url, cause=type(err).__name__))
            raise

    def _apply_one(self, row: TrackerRow) -> None:
        row_id, event = row
        try:
            stored = self.writer.write(event)
        except Exception as err:  # noqa: BLE001 - counted, retried, maybe skipped
            self.stats.failed += 1
            self._tries += 1
            logger.error(Errors.E302.format(sender=event.get("sender_id"),
                                            cause=type(err).__name__))
            if self._tries >= SKIP_AFTER_TRIES and self._database_answers():
                self.stats.skipped += 1
                self._advance(row_id, [])
                return
            raise WriteFailed(type(err).__name__) from err
        self._advance(row_id, [stored])

    def _advance(self, position: int, stored: list[bool]) -> None:
        self.stats.position = position
        self.stats.applied += sum(stored)
        self.stats.duplicates += len(stored) - sum(stored)
        self._tries = 0

    def _database_answers(self) -> bool:
        """Whether the transcript database is up (then the event itself is what fails)."""
        try:
            with self.writer.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means: not answering
            return False
        return True


def follow(follower: TrackerFollower, stop: threading.Event,
           scorer: AutoScorer | None = None, report: Callable[[], None] | None = None) -> None:
    """Apply the log until ``stop`` is set, scoring ended and idle conversations on the way."""
    failures = 0
    scored_at = reported_at = float("-inf")
    while not stop.is_set():
        try:
            read = follower.step()
            failures = 0
        except (WriteFailed, SQLAlchemyError):  # logged by the follower; nothing skipped
            failures += 1
            stop.wait(BACKOFF_SECONDS[min(failures, len(BACKOFF_SECONDS)) - 1])
            continue
        now = time.monotonic()
        if scorer is not None and now - scored_at >= SCORE_EVERY_SECONDS:
            scorer.run_due()  # never raises (E410 logged)
            scored_at = now
        if report is not None and now - reported_at >= REPORT_SECONDS:
            report()
            reported_at = now
        if read < follower.batch:
            stop.wait(POLL_SECONDS)


class Reporter:
    """Rewrites the stats file with a fresh lag; logs E310 when the transcripts fall behind.

    Logged once when they fall behind and once when they catch up again, not every second.
    """

    def __init__(self, follower: TrackerFollower, path: Path) -> None:
        self.follower = follower
        self.path = path
        self.behind = False

    def __call__(self) -> None:
        try:
            self.follower.lag()
        except SQLAlchemyError:
            pass  # E308 is logged by the reads; the last known lag is reported
        stats = self.follower.stats
        write_stats(stats, self.path)
        behind = backlog(asdict(stats), 0.0) is not None
        if behind and not self.behind:
            logger.warning(Errors.E310.format(lag=stats.lag))
        elif self.behind and not behind:
            logger.info(f"transcripts caught up with the tracker store (lag {stats.lag})")
        self.behind = behind


def health_server(follower: TrackerFollower, host: str, port: int) -> ThreadingHTTPServer:
    """``GET /health``: the follower's stats as JSON (the supervisor's readiness check)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
            if self.path != "/health":
                self.send_error(404)
                return
            try:
                follower.lag()
            except SQLAlchemyError:
                pass  # the last known lag is reported
            body = json.dumps(asdict(follower.stats)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet: the supervisor asks every few hundred milliseconds while starting."""

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="follower-health", daemon=True).start()
    return server


def run(tracker_url: str, db: Database, host: str, port: int, home: CandorHome,
        nice: int = DEFAULT_NICE) -> int:
    """Follow until SIGINT/SIGTERM at a lower CPU priority; return the exit code."""
    os.nice(nice)
    # One process of a machine sweeps idle conversations (another takes over if it dies).
    scorer = AutoScorer(db, leads=lambda: try_lead(home.db / "transcripts-leader.lock"))
    follower = TrackerFollower(tracker_url, TranscriptWriter(db, on_end=scorer.notify))
    stats_path = home.logs / STATS_FILE
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    # The redaction engines (spaCy, Presidio) load on first use, seconds that would otherwise
    # delay the first events; ready means able to keep up.
    redact("warm-up: Jane Doe, jane@example.com")
    server = health_server(follower, host, port)
    logger.info(f"following {tracker_url} from the start of its log (nice {nice})")
    try:
        follow(follower, stop, scorer, report=Reporter(follower, stats_path))
    finally:
        server.shutdown()
        follower.close()
        follower.stats.stopped = True
        write_stats(follower.stats, stats_path)
    logger.info(f"stopped at tracker event {follower.stats.position}: "
                f"{follower.stats.applied} stored, {follower.stats.skipped} skipped")
    return 0
