"""Where the transcript database is, and a migrated engine for it.

SQLite under ``$CANDOR_HOME/db/transcripts.sqlite`` by default (zero set-up);
``CANDOR_TRANSCRIPTS_URL`` (any SQLAlchemy URL, e.g. ``postgresql://postgres@127.0.0.1/candor``)
overrides it for scale-out. :func:`database` migrates on first use in each process, so the Rasa
server, the worker and the CLI can all start in any order: Alembic's version table makes the
upgrade idempotent, and on PostgreSQL an advisory lock (in ``migrations/env.py``) keeps two
replicas from migrating at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.errors import CandorError, Errors
from bot.settings import load_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_lock = threading.Lock()
#: Idle SQLite connections kept per engine: the writer, the scorer, the response refresh and a
#: few console requests each hold one at a time.
SQLITE_POOL_SIZE = 5


def database_url(env: Mapping[str, str] | None = None) -> str:
    """``CANDOR_TRANSCRIPTS_URL`` or the SQLite file under ``CANDOR_HOME``."""
    settings = load_settings(env)
    if not settings.transcripts_url:
        settings.home.ensure()
    return settings.transcripts_database_url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the console read while the writer writes; foreign keys make CASCADE work.

    ``synchronous=NORMAL``: in WAL mode a commit survives the process being killed, and only a
    power cut can lose the last ones, which the Rasa server replays from the tracker store
    (the source of truth, flushed on every commit) when it starts again. A flush per event
    was a tenth of the transcript writer's time under load.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Build a 2.0-style engine; SQLite gets WAL, enforced foreign keys and pooled connections.

    SQLAlchemy 1.4 opens a new connection for every session on a SQLite file (``NullPool``):
    under load the writer thread spent a tenth of its time connecting and setting the pragmas
    again. A file database keeps up to :data:`SQLITE_POOL_SIZE` idle connections instead (more
    may be open at once; extras are closed when returned). In-memory databases keep
    SQLAlchemy's own pool, which is what makes them one database.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, future=True, **sqlite_engine_args(url))
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def sqlite_engine_args(url: str) -> dict[str, Any]:
    """``create_engine`` arguments for SQLite: pooled connections on a file, usable by threads.

    Shared with the tracker store, whose sessions run in worker threads too. Closing the last
    connection to a WAL database also checkpoints it and deletes the log, so without a pool
    every session on a quiet file paid a checkpoint and a new log on top of the connect.
    """
    pool: dict[str, Any] = (
        {"poolclass": QueuePool, "pool_size": SQLITE_POOL_SIZE, "max_overflow": -1}
        if _is_sqlite_file(url) else {})
    return {"connect_args": {"check_same_thread": False}, **pool}


def _is_sqlite_file(url: str) -> bool:
    database = make_url(url).database
    return bool(database) and database != ":memory:" and "mode=memory" not in url


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (a no-op when it is current)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as err:  # noqa: BLE001 - every cause gets the same operator message
        raise CandorError(Errors.E301.format(url=engine.url, cause=err)) from err


@dataclass(frozen=True)
class Database:
    """An engine on a migrated schema and the session factory bound to it."""

    engine: Engine
    sessions: sessionmaker

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    @property
    def dialect(self) -> str:
        return str(self.engine.dialect.name)


def open_database(url: str, *, run_migrations: bool = True) -> Database:
    """Engine + sessions for ``url``, migrated unless told otherwise (tests migrate once)."""
    engine = make_engine(url)
    if run_migrations:
        migrate(engine)
    return Database(engine, sessionmaker(engine, future=True, expire_on_commit=False))


@lru_cache(maxsize=8)
def _cached(url: str) -> Database:
    return open_database(url)


def database(url: str | None = None) -> Database:
    """Return the process-wide migrated database for ``url`` (default: :func:`database_url`)."""
    with _lock:
        return _cached(url or database_url())
