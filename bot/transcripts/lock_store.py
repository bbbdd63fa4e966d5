"""A Rasa lock store in SQLite, so the embedded default can run several Sanic workers.

Rasa 3.6 runs more than one worker process only with a lock store that is not in memory (one
conversation must be handled by one process at a time). The scale-out set-up uses Redis; the
single-machine default keeps its locks in a SQLite file beside the tracker store. Every
read-modify-write of a lock (issuing a ticket, finishing one, dropping expired ones) runs
inside one ``BEGIN IMMEDIATE`` transaction, so two workers can never hand out the same ticket.
WAL and a busy timeout let the workers wait for each other instead of failing. Commits are
not flushed to disk one by one (``synchronous=NORMAL``): a lock lives seconds and means nothing
after a power cut, and the flush took most of a lock operation's time under load.

Configured in endpoints.yml as ``lock_store: {type: bot.transcripts.lock_store.SQLiteLockStore}``
(optional ``db``: the file; default ``$CANDOR_HOME/db/locks.sqlite``).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.settings import candor_home

T = TypeVar("T")
BUSY_TIMEOUT_MS = 10_000


class SQLiteLockStore(LockStore):
    """Ticket locks in one SQLite table, safe across the processes of one machine."""

    def __init__(self, endpoint_config: EndpointConfig | None = None,
                 db: str | Path | None = None) -> None:
        configured = (endpoint_config.kwargs.get("db") if endpoint_config else None) or db
        self.path = Path(configured) if configured else candor_home().ensure().db / "locks.sqlite"
        self._local = threading.local()
        with self._transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS locks "
                         "(conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The stored lock, or None."""
        row = self._conn().execute("SELECT data FROM locks WHERE conversation_id = ?",
                                   (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        """Remove the lock (no one is waiting for it)."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        """Store ``lock`` (callers hold the transaction when they read it first)."""
        self._conn().execute("INSERT OR REPLACE INTO locks (conversation_id, data) VALUES (?, ?)",
                             (lock.conversation_id, lock.dumps()))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue the next ticket atomically across processes."""
        def issue() -> int:
            lock = self.get_or_create_lock(conversation_id)
            ticket = lock.issue_ticket(lock_lifetime)
            self.save_lock(lock)
            return ticket

        try:
            return self._atomically(issue)
        except sqlite3.Error as err:
            raise LockError(f"Error while acquiring lock: {type(err).__name__}") from err

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets, atomically."""
        self._atomically(lambda: LockStore.update_lock(self, conversation_id))

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove a served ticket, atomically."""
        self._atomically(lambda: LockStore.finish_serving(self, conversation_id, ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket and delete the lock if no one waits, in one transaction."""
        def done() -> None:
            LockStore.finish_serving(self, conversation_id, ticket_number)
            if not self.is_someone_waiting(conversation_id):
                self._conn().execute("DELETE FROM locks WHERE conversation_id = ?",
                                     (conversation_id,))

        self._atomically(done)

    def _atomically(self, work: Callable[[], T]) -> T:
        if getattr(self._local, "in_transaction", False):
            return work()
        with self._transaction():
            return work()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        self._local.in_transaction = True
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._local.in_transaction = False

    def _conn(self) -> sqlite3.Connection:
        conn: Any = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn
