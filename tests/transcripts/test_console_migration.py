"""Migration 0002_console on a database that already holds 0001 data (both dialects)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from bot.settings.console import AuditKeys
from bot.transcripts.audit_log import append, verify_log
from bot.transcripts.console_queries import ListFilter, list_page
from bot.transcripts.db import MIGRATIONS, make_engine, migrate, open_database
from tests.transcripts.transcript_services import postgres_database

KEYS = AuditKeys(b"migration-test-key" * 3)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    with postgres_database("candor_mig") as pg_url:
        yield pg_url


def upgrade_to(engine: object, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # type: ignore[attr-defined]
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_existing_audit_rows_become_legacy_and_turns_become_searchable(url: str) -> None:
    engine = make_engine(url)
    upgrade_to(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_log (actor, action, details) "
                          "VALUES ('ops', 'purge', '{}')"))
        conn.execute(text(
            "INSERT INTO conversations (conversation_id, sender_id, channel, started_at, "
            "last_event_at, outcome) VALUES ('c1', 's1', 'rest', CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP, 'open')"))
        conn.execute(text(
            "INSERT INTO turns (conversation_pk, actor, text, ai_label, sent_at) "
            "VALUES (1, 'user', 'an old chargeback question', false, CURRENT_TIMESTAMP)"))
    migrate(engine)
    engine.dispose()
    db = open_database(url, run_migrations=False)
    try:
        report = verify_log(db, KEYS)
        assert report.ok and report.legacy == 1 and report.head_seq is None
        assert append(db, KEYS, "ada", "login") == 2
        report = verify_log(db, KEYS)
        assert report.ok and (report.legacy, report.head_seq) == (1, 2)
        [row] = list_page(db, ListFilter(text="chargeback")).rows
        assert row.conversation_id == "c1"
    finally:
        db.engine.dispose()
