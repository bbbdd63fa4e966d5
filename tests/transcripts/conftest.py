"""Transcript database fixtures, parametrised over SQLite and PostgreSQL.

Each dialect is migrated once per session (the migration itself is under test); every test
then starts from empty tables. The writer commits its own transactions (it is the production
code path), so emptying the tables replaces the usual rolled-back outer transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from bot.transcripts import db as dbmod
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.db import Database, open_database
from bot.transcripts.writer import TranscriptWriter
from tests.transcripts import transcript_events as ev
from tests.transcripts.transcript_services import postgres_database

TABLES = (rm.TurnAnnotation, rm.Review, rm.ReviewItem, rm.ReviewSample, rm.LegalHold,
          rm.ErasureRequest, m.RuleHit, m.Turn, m.Handoff, m.Complaint, m.Survey, m.CsatScore, m.Conversation,
          m.AuditEntry, m.ProcessedEvent)


@pytest.fixture(autouse=True)
def audit_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Purges and erasures append to the HMAC-chained audit log, which needs its key."""
    monkeypatch.setenv("CANDOR_AUDIT_KEY", "transcript-tests-audit-key-" * 2)


@pytest.fixture(scope="session")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = Path(tmp_path_factory.mktemp("transcripts")) / "transcripts.sqlite"
    return open_database(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def postgresql_db() -> Iterator[Database]:
    with postgres_database() as url:
        db = open_database(url)
        yield db
        db.engine.dispose()


def emptied(database: Database) -> Database:
    """``database`` with every table emptied."""
    with database.begin() as session:
        for model in TABLES:
            session.execute(delete(model))
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db(request: pytest.FixtureRequest) -> Database:
    """An empty, migrated transcript database of each dialect."""
    return emptied(request.getfixturevalue(f"{request.param}_db"))


@pytest.fixture()
def pg_db(postgresql_db: Database) -> Database:
    """An empty, migrated PostgreSQL database, for what only happens there (concurrent writers)."""
    return emptied(postgresql_db)


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``CANDOR_HOME`` (SQLite) with conversations of cli0, cli1, cli2 a day apart.

    Their start times are 2023-11-14T22:13:20Z plus 0, 1 and 2 days; for the CLI tests.
    """
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    monkeypatch.delenv("CANDOR_TRANSCRIPTS_URL", raising=False)
    writer = TranscriptWriter(dbmod.database())
    for n in range(3):
        for e in ev.conversation(f"cli{n}", turns=2, at=1_700_000_000.0 + n * 86_400.0):
            writer.write(e)
    return tmp_path
