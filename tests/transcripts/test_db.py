"""The transcript database engine: pooled SQLite file connections with the pragmas set once each."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, text

from bot.transcripts.db import make_engine


def test_a_file_database_reuses_its_connections(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    opened: list[object] = []
    event.listen(engine, "connect", lambda conn, _record: opened.append(conn))
    for _ in range(10):
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    assert len(opened) == 1  # SQLAlchemy 1.4's default for files opened one per session


def test_pragmas_wal_normal_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 't.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_an_in_memory_database_stays_one_database() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalar() == 1
