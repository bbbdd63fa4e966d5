"""Studio fixtures: a migrated SQLite database and a registry restored after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import registry
from bot.settings.console import AuditKeys
from bot.transcripts.db import Database, database, open_database
from tests.transcripts.transcript_services import postgres_database

KEYS = AuditKeys(b"studio-audit-key-" * 3)


@pytest.fixture(autouse=True)
def restore_registry() -> Iterator[None]:
    snapshots = [(r, r.snapshot()) for r in registry.ALL]
    yield
    for reg, snap in snapshots:
        reg.restore(snap)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database on both dialects (PostgreSQL skips without the service)."""
    if request.param == "sqlite":
        yield database(f"sqlite:///{tmp_path / 'studio.sqlite'}")
        return
    with postgres_database("candor_studio") as url:
        db = open_database(url)
        yield db
        db.engine.dispose()
