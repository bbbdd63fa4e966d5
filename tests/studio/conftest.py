"""Studio fixtures: a migrated SQLite database and a registry restored after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import registry
from bot.settings.console import AuditKeys
from bot.transcripts.db import Database, database

KEYS = AuditKeys(b"studio-audit-key-" * 3)


@pytest.fixture(autouse=True)
def restore_registry() -> Iterator[None]:
    snapshots = [(r, r.snapshot()) for r in registry.ALL]
    yield
    for reg, snap in snapshots:
        reg.restore(snap)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return database(f"sqlite:///{tmp_path / 'studio.sqlite'}")
