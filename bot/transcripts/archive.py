"""Regulator export: chosen conversations as one zip, with a manifest an examiner can check.

The archive holds the transcripts (JSON Lines, and CSV with one row per conversation), their
queue items with every review and turn annotation, the rulebook version each conversation was
served under (and the rulebook file itself when it is the one loaded now), the audit entries
that concern them, and ``manifest.json`` with the SHA-256 of every other file. The manifest's
own SHA-256 goes into the audit log, so :func:`verify_archive` can tell a changed file (its hash
no longer matches the manifest) from a changed manifest (its hash was never recorded).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import CandorError, Errors
from bot.settings import load_settings
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log as chain
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.audit_chain import subject_hash
from bot.transcripts.db import Database
from bot.transcripts.export import csv_lines, jsonl_lines
from bot.transcripts.records import TranscriptRecord, iso, load_records

FORMAT = "candor-regulator-export/1"
MANIFEST = "manifest.json"
EXPORT_ACTION = "regulator_export"


@dataclass(frozen=True)
class Selection:
    """Which conversations: these ids, or those started in ``[since, until)``."""

    conversation_ids: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None

    def describe(self) -> dict[str, Any]:
        return {"conversation_ids": list(self.conversation_ids), "since": iso(self.since),
                "until": iso(self.until)}


@dataclass(frozen=True)
class Archive:
    """The zip's bytes, its manifest hash, how many conversations, the audit entry's number."""

    data: bytes
    manifest_sha256: str
    conversations: int
    audit_seq: int


def _conversations(s: Session, selection: Selection) -> list[m.Conversation]:
    query = select(m.Conversation).order_by(m.Conversation.id)
    if selection.conversation_ids:
        query = query.where(m.Conversation.conversation_id.in_(selection.conversation_ids))
    if selection.since is not None:
        query = query.where(m.Conversation.started_at >= selection.since)
    if selection.until is not None:
        query = query.where(m.Conversation.started_at < selection.until)
    return list(s.execute(query).scalars())


def _reviews(s: Session, convs: Sequence[m.Conversation]) -> Iterable[str]:
    by_pk = {c.id: c.conversation_id for c in convs}
    items = s.execute(select(rm.ReviewItem).where(rm.ReviewItem.conversation_pk.in_(by_pk))
                      .order_by(rm.ReviewItem.id)).scalars()
    for item in items:
        reviews = s.execute(select(rm.Review).where(rm.Review.item_id == item.id)
                            .order_by(rm.Review.id)).scalars()
        notes = s.execute(select(rm.TurnAnnotation).where(rm.TurnAnnotation.item_id == item.id)
                          .order_by(rm.TurnAnnotation.id)).scalars()
        yield json.dumps({
            "conversation_id": by_pk[item.conversation_pk], "item_id": item.id,
            "queue": item.queue, "sample_id": item.sample_id,
            "reviews": [{"id": r.id, "reviewer": r.reviewer, "outcome": r.outcome,
                         "reason": r.reason, "note": r.note, "supersedes": r.supersedes_id,
                         "audit_seq": r.audit_seq, "at": iso(r.created_at)} for r in reviews],
            "annotations": [{"turn_id": a.turn_id, "author": a.author, "note": a.note,
                             "at": iso(a.created_at)} for a in notes],
        }, sort_keys=True) + "\n"


def _audit_lines(db: Database, keys: AuditKeys, convs: Sequence[m.Conversation]) -> list[str]:
    ids = {c.conversation_id for c in convs}
    subjects = {subject_hash(k, c.sender_id) for c in convs for k in keys.by_id().values()}
    out = []
    for e in chain.chain_entries(db):
        named = set(e.details.get("conversation_ids") or []) | {e.details.get("conversation_id")}
        if named & ids or e.subject in subjects:
            out.append(json.dumps({"seq": e.seq, "at": e.at, "actor": e.actor,
                                   "action": e.action, "subject": e.subject,
                                   "details": e.details, "key_id": e.key_id,
                                   "prev_mac": e.prev_mac, "mac": e.mac}, sort_keys=True) + "\n")
    return out


def _rulebooks(records: Sequence[TranscriptRecord]) -> dict[str, bytes]:
    versions = {r["conversation_id"]: r["rulebook_version"] for r in records}
    files = {"rulebooks.json": json.dumps(
        {"served_under": versions,
         "note": "Each conversation records the rulebook version it was served under; a "
                 "version's file is included when it is the one loaded now."},
        indent=1, sort_keys=True).encode()}
    try:
        from bot.transcripts.writer import rulebook_version

        current = rulebook_version()
    except CandorError:
        return files
    if current in versions.values():
        files[f"rulebook/compliance-{current}.yml"] = load_settings().rulebook.read_bytes()
    return files


def sha256(data: bytes) -> str:
    """Hex SHA-256."""
    return hashlib.sha256(data).hexdigest()


def build_archive(db: Database, keys: AuditKeys, actor: str, selection: Selection,
                  now: datetime | None = None) -> Archive:
    """Assemble the zip and record its manifest hash in the audit log (E728 when empty)."""
    now = now or datetime.now(timezone.utc)
    with db.begin() as s:
        convs = _conversations(s, selection)
        if not convs:
            raise CandorError(Errors.E728.format(problem="no conversation matches the selection"))
        records = load_records(s, convs)
        files: dict[str, bytes] = {
            "transcripts.jsonl": "".join(jsonl_lines(records)).encode(),
            "transcripts.csv": "".join(csv_lines(records)).encode(),
            "reviews.jsonl": "".join(_reviews(s, convs)).encode(),
        }
    files["audit.jsonl"] = "".join(_audit_lines(db, keys, convs)).encode()
    files.update(_rulebooks(records))
    manifest = json.dumps({
        "format": FORMAT, "created_at": now.isoformat(), "created_by": actor,
        "selection": selection.describe(), "conversations": len(convs),
        "files": {name: sha256(data) for name, data in sorted(files.items())},
    }, indent=1, sort_keys=True).encode()
    digest = sha256(manifest)
    seq = chain.append(db, keys, actor, EXPORT_ACTION,
                       {"manifest_sha256": digest, "conversations": len(convs),
                        "selection": selection.describe()})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr(MANIFEST, manifest)
    return Archive(buffer.getvalue(), digest, len(convs), seq)


@dataclass(frozen=True)
class ArchiveReport:
    """What :func:`verify_archive` found; ``problems`` empty means it verifies."""

    manifest_sha256: str
    files: int
    audit_seq: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_files(files: dict[str, bytes]) -> tuple[str, list[str]]:
    """Pure: the manifest's hash and every file that is missing, extra or changed."""
    if MANIFEST not in files:
        return "", ["no manifest.json"]
    manifest = files[MANIFEST]
    try:
        listed: dict[str, str] = json.loads(manifest)["files"]
    except (ValueError, KeyError, TypeError):
        return sha256(manifest), ["manifest.json is not a Candor manifest"]
    problems = [f"{name}: missing" for name in sorted(listed) if name not in files]
    problems += [f"{name}: not in the manifest" for name in sorted(files)
                 if name != MANIFEST and name not in listed]
    problems += [f"{name}: changed (SHA-256 differs from the manifest)"
                 for name, digest in sorted(listed.items())
                 if name in files and sha256(files[name]) != digest]
    return sha256(manifest), problems


def verify_archive(db: Database, keys: AuditKeys, path: Path) -> ArchiveReport:
    """Check every file against the manifest, and the manifest against the audit log."""
    try:
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as err:
        raise CandorError(Errors.E727.format(path=path, problem=err)) from err
    digest, problems = check_files(files)
    seq = next((e.seq for e in chain.chain_entries(db) if e.action == EXPORT_ACTION
                and e.details.get("manifest_sha256") == digest), None)
    if digest and seq is None:
        problems.append("the manifest's SHA-256 is not in this audit log (the manifest was "
                        "changed, or the archive comes from another database)")
    report = chain.verify_log(db, keys)
    if not report.ok and report.finding is not None:
        problems.append(f"the audit log itself is broken at entry {report.finding.seq}")
    return ArchiveReport(digest, len(files) - 1, seq, problems)
