"""Regulator archives: contents, manifest hash in the audit log, tampering detected (CLI)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import CandorError
from bot.settings.console import AuditKeys
from bot.transcripts import db as dbmod
from bot.transcripts.archive import check_files, sha256
from bot.transcripts.audit_log import recent
from bot.transcripts.holds import place


def rewrite(src: Path, dst: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
        for member in a.namelist():
            b.writestr(member, data if member == name else a.read(member))


def test_an_archive_holds_everything_and_verifies(home: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = dbmod.database()
    place(db, AuditKeys.from_env(), "comp", "Inquiry", sender_id="cli1")
    out = home / "export.zip"
    assert main(["transcripts", "export", "--archive", "--since", "2023-11-15",
                 "--until", "2023-11-17", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    assert {"transcripts.jsonl", "transcripts.csv", "reviews.jsonl", "audit.jsonl",
            "rulebooks.json", "manifest.json"} <= set(files)
    records = [json.loads(x) for x in files["transcripts.jsonl"].decode().splitlines()]
    assert [r["sender_id"] for r in records] == ["cli1", "cli2"]
    rows = list(csv.DictReader(io.StringIO(files["transcripts.csv"].decode())))
    assert len(rows) == 2
    served = json.loads(files["rulebooks.json"])["served_under"]
    assert set(served) == {r["conversation_id"] for r in records}
    audit = [json.loads(x) for x in files["audit.jsonl"].decode().splitlines()]
    assert [a["action"] for a in audit] == ["hold_placed"]  # cli1's hold, by keyed subject
    manifest = json.loads(files["manifest.json"])
    assert manifest["files"]["transcripts.csv"] == sha256(files["transcripts.csv"])
    [entry] = [e for e in recent(db, 5) if e.action == "regulator_export"]
    assert entry.details["manifest_sha256"] == sha256(files["manifest.json"])
    capsys.readouterr()
    assert main(["audit", "verify", "--archive", str(out)]) == 0
    assert "archive verified" in capsys.readouterr().out


def test_a_changed_file_or_manifest_is_detected(home: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = home / "export.zip"
    assert main(["transcripts", "export", "--archive", "--since", "2023-11-14",
                 "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        csv_bytes = archive.read("transcripts.csv")
        manifest = json.loads(archive.read("manifest.json"))
    changed = home / "changed.zip"
    rewrite(out, changed, "transcripts.csv", csv_bytes.replace(b"cli0", b"cliX"))
    capsys.readouterr()
    assert main(["audit", "verify", "--archive", str(changed)]) == 1
    err = capsys.readouterr().err
    assert "E727" in err and "transcripts.csv: changed" in err
    # a forger who also updates the manifest is caught by the audit log
    manifest["files"]["transcripts.csv"] = sha256(csv_bytes.replace(b"cli0", b"cliX"))
    forged = home / "forged.zip"
    rewrite(changed, forged, "manifest.json", json.dumps(manifest).encode())
    assert main(["audit", "verify", "--archive", str(forged)]) == 1
    assert "not in this audit log" in capsys.readouterr().err


def test_check_files_names_missing_extra_and_changed() -> None:
    files = {"a.txt": b"a", "b.txt": b"b"}
    manifest = json.dumps({"files": {"a.txt": sha256(b"a"), "c.txt": sha256(b"c"),
                                     "b.txt": sha256(b"B")}}).encode()
    _, problems = check_files({**files, "manifest.json": manifest, "x.txt": b"x"})
    assert problems == ["c.txt: missing", "x.txt: not in the manifest",
                        "b.txt: changed (SHA-256 differs from the manifest)"]
    assert check_files(files)[1] == ["no manifest.json"]


def test_an_empty_selection_is_e728(home: Path) -> None:
    with pytest.raises(CandorError, match="E728"):
        main(["transcripts", "export", "--archive", "--conversation", "nope",
              "--out", str(home / "x.zip")])
    assert not (home / "x.zip").exists()
