"""The audit log's HMAC chain: every kind of tampering is named at the first entry it touches."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from bot.cli import main
from bot.settings.console import AuditKeys, key_id
from bot.transcripts import audit_log
from bot.transcripts import models as m
from bot.transcripts.audit_chain import (
    GENESIS,
    ChainEntry,
    canonical,
    compute_mac,
    subject_hash,
    verify,
)
from bot.transcripts.db import Database, open_database
from tests.transcripts.transcript_services import postgres_database

KEY, OLD_KEY = b"k" * 40, b"o" * 40
KEYS = AuditKeys(KEY)


def chain(n: int, key: bytes = KEY, start: int = 1, prev: str = GENESIS) -> list[ChainEntry]:
    """``n`` correctly chained entries."""
    entries = []
    for seq in range(start, start + n):
        entry = ChainEntry(seq, seq, f"2026-11-29T12:00:{seq:02d}.000000+00:00", "ada",
                           "transcript_opened", None, {"conversation_id": f"c{seq}"},
                           key_id(key), prev, "")
        entry = replace(entry, mac=compute_mac(key, entry, prev))
        entries.append(entry)
        prev = entry.mac
    return entries


def keys_by_id(*keys: bytes) -> dict[str, bytes]:
    return {key_id(k): k for k in keys}


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    entries = chain(5)
    report = verify(entries, keys_by_id(KEY))
    assert report.ok and report.entries == 5 and report.head_seq == 5
    assert report.head_mac == entries[-1].mac
    assert verify([], keys_by_id(KEY)).ok


def test_an_altered_entry_is_named() -> None:
    entries = chain(6)
    entries[2] = replace(entries[2], details={"conversation_id": "someone-else"})
    finding = verify(entries, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("altered", 3)


def test_a_removed_entry_is_named() -> None:
    entries = chain(6)
    del entries[2]
    finding = verify(entries, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("removed", 4)
    assert "3-3" in finding.detail
    first_gone = verify(chain(4)[1:], keys_by_id(KEY)).finding
    assert first_gone is not None and first_gone.kind == "removed"


def test_an_inserted_entry_is_named() -> None:
    entries = chain(6)
    forged = replace(entries[2], seq=99, row_id=99, prev_mac=entries[1].mac, mac="f" * 64,
                     details={"note": "forged"})
    entries.insert(2, forged)
    finding = verify(entries, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("inserted", 99)


def test_reordered_entries_are_named() -> None:
    entries = chain(6)
    entries[2], entries[3] = entries[3], entries[2]
    finding = verify(entries, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("reordered", 4)


def test_rewriting_every_row_with_plain_hashes_is_detected() -> None:
    """Someone with write access to the database but not the key re-chains everything."""
    forged, prev = [], GENESIS
    for entry in chain(5):
        entry = replace(entry, details={"conversation_id": "rewritten"}, prev_mac=prev)
        mac = hashlib.sha256(canonical(entry) + b"\n" + prev.encode()).hexdigest()
        forged.append(replace(entry, mac=mac))
        prev = mac
    finding = verify(forged, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("altered", 1)
    wrong_key = chain(5, key=b"guessed-key" * 4)
    wrong_key = [replace(e, key_id=key_id(KEY)) for e in wrong_key]
    finding = verify(wrong_key, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("altered", 1)


def test_a_rotated_key_verifies_with_the_retired_key_kept() -> None:
    old = chain(3, key=OLD_KEY)
    new = chain(3, key=KEY, start=4, prev=old[-1].mac)
    assert verify(old + new, keys_by_id(OLD_KEY, KEY)).ok
    finding = verify(old + new, keys_by_id(KEY)).finding
    assert finding is not None and (finding.kind, finding.seq) == ("unknown-key", 1)


def test_customers_appear_only_as_keyed_hashes() -> None:
    hashed = subject_hash(KEY, "web-123")
    assert hashed == subject_hash(KEY, "web-123") != subject_hash(OLD_KEY, "web-123")
    assert "web-123" not in hashed
    assert hashed != "h:" + hashlib.sha256(b"web-123").hexdigest()[:40]


# --- on the database ----------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return open_database(f"sqlite:///{tmp_path / 'audit.sqlite'}")


def fill(db: Database, n: int = 6) -> None:
    for i in range(n):
        audit_log.append(db, KEYS, "ada", "transcript_opened", {"conversation_id": f"c{i + 1}"},
                         subject=subject_hash(KEY, f"sender-{i}"))


def finding_of(db: Database) -> tuple[str, int] | None:
    report = audit_log.verify_log(db, KEYS)
    return (report.finding.kind, report.finding.seq) if report.finding else None


def test_appends_chain_in_the_database(db: Database) -> None:
    fill(db)
    report = audit_log.verify_log(db, KEYS)
    assert report.ok and report.head_seq == 6
    assert [e.seq for e in audit_log.recent(db, 3)] == [6, 5, 4]


def test_a_row_altered_in_the_database_is_named(db: Database) -> None:
    fill(db)
    with db.begin() as s:
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 4)
                  .values(actor="mallory"))
    assert finding_of(db) == ("altered", 4)


def test_a_row_deleted_from_the_database_is_named(db: Database) -> None:
    fill(db)
    with db.begin() as s:
        s.execute(delete(m.AuditEntry).where(m.AuditEntry.seq == 3))
    assert finding_of(db) == ("removed", 4)


def test_a_row_inserted_into_the_database_is_named(db: Database) -> None:
    fill(db)
    with db.begin() as s:  # make room after row 2, then forge a row there
        rows = s.execute(select(m.AuditEntry).order_by(m.AuditEntry.id.desc())).scalars().all()
        for row in rows:
            if row.id > 2:
                s.execute(update(m.AuditEntry).where(m.AuditEntry.id == row.id)
                          .values(id=row.id + 100))
        prev = s.execute(select(m.AuditEntry.mac).where(m.AuditEntry.seq == 2)).scalar_one()
        s.execute(insert(m.AuditEntry).values(
            id=3, at=rows[0].at, actor="mallory", action="login", details={}, seq=1000,
            key_id=key_id(KEY), prev_mac=prev, mac="0" * 64))
    assert finding_of(db) == ("inserted", 1000)


def test_rows_reordered_in_the_database_are_named(db: Database) -> None:
    fill(db)
    with db.begin() as s:
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 3).values(id=1003))
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 4).values(id=3))
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 3).values(id=4))
    assert finding_of(db) == ("reordered", 4)


def test_every_row_rewritten_and_rehashed_in_the_database_is_detected(db: Database) -> None:
    fill(db)
    with db.begin() as s:
        prev = GENESIS
        for row in s.execute(select(m.AuditEntry).order_by(m.AuditEntry.id)).scalars().all():
            row.actor = "nobody"
            entry = ChainEntry(row.id, row.seq, audit_log._iso(row.at), row.actor, row.action,
                               row.subject, row.details, row.key_id, prev, "")
            row.prev_mac = prev
            row.mac = hashlib.sha256(canonical(entry) + b"\n" + prev.encode()).hexdigest()
            prev = row.mac
    assert finding_of(db) == ("altered", 1)


def test_candor_audit_verify_names_the_entry(db: Database, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", str(db.engine.url))
    monkeypatch.setenv("CANDOR_AUDIT_KEY", KEY.decode())
    fill(db)
    assert main(["audit", "verify"]) == 0
    assert "audit chain intact: 6 entries" in capsys.readouterr().out
    assert main(["audit", "show", "--limit", "2"]) == 0
    shown = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["seq"] for e in shown] == [5, 6]
    with db.begin() as s:
        s.execute(update(m.AuditEntry).where(m.AuditEntry.seq == 5).values(details={}))
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("E707") and "entry 5" in err and "altered" in err
    monkeypatch.setenv("CANDOR_AUDIT_KEY", "another-key-" * 4)
    assert main(["audit", "verify"]) == 1
    assert "E710" in capsys.readouterr().err


# --- concurrent appends ---------------------------------------------------------------------


def _append_many(url: str, worker: str, count: int) -> None:
    db = open_database(url, run_migrations=False)
    for i in range(count):
        audit_log.append(db, KEYS, worker, "login", {"n": i})
    db.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrent.sqlite'}"
        open_database(url).engine.dispose()
        yield url
        return
    with postgres_database("candor_audit") as url:
        open_database(url).engine.dispose()
        yield url


def test_two_processes_appending_at_once_keep_one_chain(db_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(db_url, f"p{n}", 40))
               for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    db = open_database(db_url, run_migrations=False)
    try:
        report = audit_log.verify_log(db, KEYS)
        assert report.ok, report.finding
        assert report.entries == 80 and report.head_seq == 80
        actors = [e.actor for e in reversed(audit_log.recent(db, 80))]
        assert actors.count("p0") == actors.count("p1") == 40
    finally:
        db.engine.dispose()
