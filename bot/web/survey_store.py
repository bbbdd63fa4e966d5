"""Interim storage for widget survey answers, behind one call: :func:`record_survey`.

The transcripts package (``bot/transcripts/``) owns the ``surveys`` table of the transcript
database. Until its repository exposes a ``record_survey`` function, the console writes answers
here: a ``surveys`` table in ``$CANDOR_HOME/db/surveys.sqlite``, same columns. Connecting the
console to the repository means replacing the import in :mod:`bot.web.survey` and nothing else.

SQLAlchemy 1.4 in 2.0 style (``future=True``, ``select()``), as the design asks.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.paths import candor_home

metadata = MetaData()

surveys = Table(
    "surveys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # One answer per conversation: the widget's sender id is the conversation for now.
    Column("sender_id", String(128), nullable=False, unique=True),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=True),  # already redacted by the caller
    Column("source", String(16), nullable=False, default="widget"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_create_lock = threading.Lock()


class DuplicateSurvey(Exception):
    """The conversation already has an answer (surveys are never asked twice)."""


@dataclass(frozen=True)
class StoredSurvey:
    """One stored answer."""

    id: int
    sender_id: str
    rating: int
    comment: str | None
    source: str
    created_at: datetime


def default_url() -> str:
    """Return the default store, ``$CANDOR_HOME/db/surveys.sqlite``."""
    return f"sqlite:///{candor_home().ensure().db / 'surveys.sqlite'}"


@cache
def engine(url: str) -> Engine:
    """Return the engine for ``url`` (one per process), with its table created."""
    eng = create_engine(url, future=True)
    with _create_lock:
        metadata.create_all(eng)
    return eng


def record_survey(
    sender_id: str, rating: int, comment: str | None = None, *, source: str = "widget",
    url: str | None = None,
) -> int:
    """Store one (already validated and redacted) answer; return its id.

    Raises :class:`DuplicateSurvey` when the conversation already has one.
    """
    row = {
        "sender_id": sender_id, "rating": rating, "comment": comment, "source": source,
        "created_at": datetime.now(timezone.utc),
    }
    try:
        with engine(url or default_url()).begin() as conn:
            result = conn.execute(insert(surveys).values(**row))
            return int(result.inserted_primary_key[0])
    except IntegrityError as err:
        raise DuplicateSurvey(sender_id) from err


def surveys_for(sender_id: str, *, url: str | None = None) -> list[StoredSurvey]:
    """List the stored answers of one conversation (at most one), oldest first."""
    query = select(surveys).where(surveys.c.sender_id == sender_id).order_by(surveys.c.id)
    with engine(url or default_url()).connect() as conn:
        return [StoredSurvey(**row._mapping) for row in conn.execute(query)]
