"""``candor transcripts export|purge|erase|migrate|audit`` on a fresh CANDOR_HOME."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.transcripts import db as dbmod


def test_export_jsonl_with_since_and_until(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = home / "export.jsonl"
    assert main(["transcripts", "export", "--format", "jsonl", "--since", "2023-11-15",
                 "--until", "2023-11-16T12:00:00+00:00", "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["sender_id"] for r in records] == ["cli1"]
    assert len(records[0]["turns"]) == 4
    assert records[0]["turns"][1]["rule_hits"][0]["rule_id"] == "rate-disclaimer"
    assert "exported 1 conversations" in capsys.readouterr().err


def test_export_csv_has_one_row_per_conversation(home: Path) -> None:
    out = home / "export.csv"
    assert main(["transcripts", "export", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["sender_id"] for r in rows] == ["cli0", "cli1", "cli2"]
    assert rows[0]["turn_count"] == "4" and rows[0]["rule_ids"] == "rate-disclaimer"
    assert json.loads(rows[0]["turns"])[0]["role"] == "user"


def test_a_bad_date_is_e304(home: Path) -> None:
    from bot.errors import CandorError

    with pytest.raises(CandorError, match="E304"):
        main(["transcripts", "export", "--since", "yesterday", "--out", str(home / "x")])


def test_erase_and_purge_write_audit_entries(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcripts", "erase", "cli0", "--actor", "dpo"]) == 0
    assert main(["transcripts", "purge", "--days", "1", "--actor", "ops"]) == 0
    assert "purged 2 conversations" in capsys.readouterr().out
    assert main(["transcripts", "audit"]) == 0
    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["action"], e["actor"]) for e in entries] == [("erase", "dpo"), ("purge", "ops")]


def test_an_export_is_audited(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcripts", "export", "--out", str(home / "x.jsonl"), "--actor", "dpo"]) == 0
    assert main(["audit", "show"]) == 0
    [entry] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (entry["action"], entry["actor"]) == ("export", "dpo")
    assert entry["details"]["conversations"] == 3 and entry["details"]["format"] == "jsonl"


def test_migrate_is_idempotent(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcripts", "migrate"]) == 0
    dbmod.open_database(dbmod.database_url())  # a second upgrade is a no-op
    assert "is current" in capsys.readouterr().out


def test_review_fill_draws_a_day_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "fill", "--day", "2023-11-15", "--seed", "s1"]) == 0
    assert "2023-11-15: queued nothing new; drew 1 of 1 (seed s1)" in capsys.readouterr().out
    assert main(["review", "fill", "--day", "2023-11-15"]) == 0
    assert "had already drawn 1 of 1 (seed s1)" in capsys.readouterr().out
