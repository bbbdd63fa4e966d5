"""Automatic CSAT scoring: the transcript writer scores a conversation when it ends or idles.

The writer (in the Rasa process, or ``candor transcripts worker``) calls :meth:`AutoScorer.notify`
with the conversation ids an event ended (goodbye, resolution, handoff, a new session closing
the previous one) or changed after it ended (survey answer, comment). :meth:`AutoScorer.run_due`
scores them, and every ``sweep_seconds`` also scores open conversations silent for
``CANDOR_CSAT_IDLE_MINUTES`` (as ended: abandonment counts), once per period of silence.

Scores are upserted by (conversation, model version) through the repository, so re-scoring
replaces and never duplicates; ``candor csat score`` writes the same rows. Scoring runs after
the event's transaction has committed and never raises: a failure is logged (E410) and the
transcript is unaffected.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from bot.errors import Errors
from bot.runtime.csat_records import CsatConversationInput, conversation_from_record
from bot.scoring.active_model import load_active_model, pointer_path
from bot.scoring.batch import DEFAULT_IDLE_SECONDS, due, score_row
from bot.scoring.model import CsatModel, load_model
from bot.settings import load_settings
from bot.transcripts import repository
from bot.transcripts.db import Database

logger = logging.getLogger(__name__)

IDLE_ENV = "CANDOR_CSAT_IDLE_MINUTES"
MAX_SWEEP_SECONDS = 60.0


def idle_seconds_from_env(env: Mapping[str, str] | None = None) -> float:
    """``CANDOR_CSAT_IDLE_MINUTES`` in seconds (default 30 minutes); E409 when not positive."""
    return load_settings(env).csat_idle_minutes * 60.0


@dataclass(frozen=True)
class AutoScoreSettings:
    """How long a silent conversation waits before it is scored, and how often to look."""

    idle_seconds: float = float(DEFAULT_IDLE_SECONDS)

    @property
    def sweep_seconds(self) -> float:
        """A quarter of the idle time, at most a minute: scores land soon after the timeout."""
        return min(MAX_SWEEP_SECONDS, self.idle_seconds / 4)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AutoScoreSettings:
        return cls(idle_seconds_from_env(env))


class AutoScorer:
    """Scores the conversations it is told about, plus idle ones; thread-safe ``notify``."""

    def __init__(self, db: Database, settings: AutoScoreSettings | None = None,
                 model_path: Path | None = None,
                 leads: Callable[[], bool] = lambda: True) -> None:
        self.db = db
        #: Asked before each sweep: one process of a machine sweeps idle conversations, and
        #: another takes over if it dies (see :mod:`bot.runtime.leader`).
        self.leads = leads
        self.settings = settings or AutoScoreSettings.from_env()
        self._model_path = model_path
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._last_sweep = float("-inf")
        self._model: CsatModel | None = None
        self._pointer_seen: tuple[int, int] | None = None

    @property
    def model(self) -> CsatModel:
        """The CSAT artefact: ``model_path`` if given, else the one promoted now.

        Loaded on first use (the Rasa server starts without it) and again whenever the promotion
        pointer changes, so ``candor csat train --surveys`` reaches running processes without a
        restart. A broken pointer raises E414, which each scoring attempt logs as E410.
        """
        if self._model_path is not None:
            if self._model is None:
                self._model = load_model(self._model_path)
            return self._model
        pointer = pointer_path()
        stat = pointer.stat() if pointer.exists() else None
        seen = (stat.st_mtime_ns, stat.st_size) if stat else None
        if self._model is None or seen != self._pointer_seen:
            self._model = load_active_model()
            self._pointer_seen = seen
        return self._model

    def notify(self, conversation_id: str) -> None:
        """Queue a conversation for scoring (called by the writer after its commit)."""
        with self._lock:
            self._pending.add(conversation_id)

    def run_due(self, now: float | None = None) -> int:
        """Score the queued conversations, and idle ones when a sweep is due; rows written."""
        now = time.time() if now is None else now
        with self._lock:
            todo, self._pending = sorted(self._pending), set()
        written = self.score(todo, now)
        if now - self._last_sweep >= self.settings.sweep_seconds and self.leads():
            self._last_sweep = now
            written += self.score(self._idle(now), now)
        return written

    def score(self, conversation_ids: Iterable[str], now: float | None = None) -> int:
        """Score each ended (or idle) conversation; one failure does not stop the others."""
        now = time.time() if now is None else now
        written = 0
        for conversation_id in conversation_ids:
            try:
                written += self._score_one(conversation_id, now)
            except Exception as err:  # noqa: BLE001 - logged; the transcript is already stored
                logger.error(Errors.E410.format(conversation_id=conversation_id,
                                                cause=type(err).__name__))
        return written

    def _score_one(self, conversation_id: str, now: float) -> int:
        record = repository.csat_record(conversation_id, self.db)
        if record is None:
            return 0
        # A transcript record has every key the scorer reads (and more).
        scored = due(conversation_from_record(cast(CsatConversationInput, record)), now,
                     self.settings.idle_seconds)
        if scored is None:
            return 0
        return repository.upsert_csat_scores([score_row(scored, self.model)], self.db)

    def _idle(self, now: float) -> list[str]:
        from datetime import datetime, timezone

        before = datetime.fromtimestamp(now - self.settings.idle_seconds, timezone.utc)
        try:
            return repository.idle_unscored(before, self.model.version, self.db)
        except Exception as err:  # noqa: BLE001 - the next sweep tries again
            logger.error(Errors.E410.format(conversation_id="(idle sweep)",
                                            cause=type(err).__name__))
            return []


class ScoringThread:
    """Runs an :class:`AutoScorer` beside the Rasa server's in-process transcript writer.

    Rasa publishes events while it handles the customer's message, so scoring there would
    add to their wait; this daemon thread scores shortly after (``debounce`` seconds, which
    also folds the several events of one turn into one scoring) and sweeps idle ones.
    """

    def __init__(self, scorer: AutoScorer, debounce: float = 0.5) -> None:
        self.scorer = scorer
        self.debounce = debounce
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="csat-scoring", daemon=True)
        self._thread.start()

    def notify(self, conversation_id: str) -> None:
        """Queue a conversation and wake the thread."""
        self.scorer.notify(conversation_id)
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the current run and end the thread."""
        self._stopped.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            if self._wake.wait(self.scorer.settings.sweep_seconds):
                self._wake.clear()
                self._stopped.wait(self.debounce)
            try:
                self.scorer.run_due()
            except Exception as err:  # noqa: BLE001 - the thread must outlive any failure
                logger.error(Errors.E410.format(conversation_id="(batch)",
                                                cause=type(err).__name__))
