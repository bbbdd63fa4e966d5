"""``candor transcripts ...``: export, purge, erasure, the follower, the queue worker, replay.

Every command works on ``CANDOR_TRANSCRIPTS_URL`` (PostgreSQL at scale) or the SQLite file under
``CANDOR_HOME``, migrating it first. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor transcripts`` and its sub-commands."""
    parser = subparsers.add_parser("transcripts", help="the redacted transcript record")
    sub = parser.add_subparsers(dest="transcripts_command", metavar="ACTION", required=True)

    p = sub.add_parser("migrate", help="create or upgrade the transcript database schema")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("export", help="one record per conversation with turns and rule hits")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("--archive", action="store_true", help="write a regulator archive (zip: "
                   "JSONL, CSV, reviews, rulebook versions, audit entries, SHA-256 manifest) "
                   "and record its manifest hash in the audit log")
    p.add_argument("--conversation", action="append", default=[], metavar="ID",
                   help="with --archive: only these conversations (repeatable)")
    p.add_argument("--since", help="conversations started on/after (YYYY-MM-DD or ISO 8601)")
    p.add_argument("--until", help="conversations started before (YYYY-MM-DD or ISO 8601)")
    p.add_argument("--out", type=Path, required=True, help="output file ('-' for stdout)")
    p.add_argument("--actor", default=None, help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("purge", help="remove conversations older than the retention period")
    p.add_argument("--days", type=int, help="retention in days (default CANDOR_RETENTION_DAYS "
                   "or 2555)")
    p.add_argument("--actor", default=None, help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("erase", help="erase one customer's conversations (GDPR Art. 17)")
    p.add_argument("sender_id", help="the customer's sender id")
    p.add_argument("--actor", default=None, help="who runs it (audit log; default: OS user)")
    p.add_argument("--tracker-url", help="also delete from this SQL tracker store (default: the "
                   "SQLite one under CANDOR_HOME, if present)")
    p.set_defaults(func=cmd_erase)

    p = sub.add_parser("worker", help="consume RabbitMQ events into the transcript database")
    p.add_argument("--endpoints", default="endpoints.scaleout.yml",
                   help="endpoints file whose event_broker section names the queue")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("follow", help="apply the SQLite tracker store's events to the "
                       "transcript database as they come (started by `candor run`)")
    p.add_argument("--tracker-url", help="SQLite tracker store URL (default: under CANDOR_HOME)")
    p.add_argument("--host", default="127.0.0.1", help="where /health listens")
    p.add_argument("--port", type=int, required=True, help="where /health listens")
    p.add_argument("--nice", type=int, default=None,
                   help="CPU priority increment (default 10: below the Rasa workers)")
    p.set_defaults(func=cmd_follow)

    p = sub.add_parser("replay", help="re-apply tracker-store events (idempotent gap filler)")
    p.add_argument("--tracker-url", help="SQL tracker store URL (default: SQLite under "
                   "CANDOR_HOME)")
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("audit", help="show the newest audit-log entries")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_audit)


def _db() -> Any:
    from bot.transcripts.db import database

    return database()


def _actor(args: argparse.Namespace) -> str:
    return str(args.actor or getpass.getuser())


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the schema (every command also does this first)."""
    from bot.transcripts.db import database_url

    db = _db()
    print(f"transcript database at {db.engine.url.render_as_string(hide_password=True)} "
          f"is current ({database_url().split(':', 1)[0]})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Stream records in batches to the file, oldest conversation first; audited."""
    from bot.settings.console import AuditKeys
    from bot.transcripts.audit_log import append
    from bot.transcripts.export import csv_lines, jsonl_lines, parse_when
    from bot.transcripts.records import iter_records

    keys = AuditKeys.from_env()  # no key, no export: every export leaves an audit entry
    if args.archive:
        return _export_archive(args, keys)

    since = parse_when(args.since) if args.since else None
    until = parse_when(args.until) if args.until else None
    lines = jsonl_lines if args.format == "jsonl" else csv_lines
    counted = [0]

    def counting(records: Any) -> Any:
        for record in records:
            counted[0] += 1
            yield record

    out = sys.stdout if str(args.out) == "-" else args.out.open("w", encoding="utf-8", newline="")
    try:
        with _db().begin() as session:
            out.writelines(lines(counting(iter_records(session, since, until))))
    finally:
        if out is not sys.stdout:
            out.close()
    append(_db(), keys, _actor(args), "export",
           {"conversations": counted[0], "format": args.format, "since": args.since,
            "until": args.until, "to_stdout": str(args.out) == "-"})
    print(f"exported {counted[0]} conversations to {args.out}; audit entry written",
          file=sys.stderr)
    return 0


def _export_archive(args: argparse.Namespace, keys: Any) -> int:
    """``--archive``: one zip for a regulator; its manifest hash goes into the audit log."""
    from bot.transcripts.archive import Selection, build_archive
    from bot.transcripts.export import parse_when

    selection = Selection(tuple(args.conversation),
                          parse_when(args.since) if args.since else None,
                          parse_when(args.until) if args.until else None)
    archive = build_archive(_db(), keys, _actor(args), selection)
    args.out.write_bytes(archive.data)
    print(f"archived {archive.conversations} conversations to {args.out}; manifest SHA-256 "
          f"{archive.manifest_sha256} recorded as audit entry {archive.audit_seq}",
          file=sys.stderr)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Apply the retention period; writes an audit entry."""
    from bot.transcripts.retention import purge, retention_days

    days = args.days if args.days is not None else retention_days()
    removal = purge(days, _actor(args), _db())
    print(f"purged {removal.conversations} conversations ({removal.turns} turns) last active "
          f"more than {days} days ago; audit entry written")
    _print_skipped(removal)
    return 0


def _print_skipped(removal: Any) -> None:
    for skipped in removal.skipped:
        print(f"skipped {skipped.conversation_id}: legal hold {skipped.hold_id} "
              f"({skipped.reason})")
    if removal.deferred_request is not None:
        print(f"erasure request {removal.deferred_request} recorded: it is carried out when "
              "the hold is lifted")


def cmd_erase(args: argparse.Namespace) -> int:
    """Erase one customer from the transcripts and the tracker store; writes an audit entry."""
    from bot.transcripts.replay import local_tracker_url
    from bot.transcripts.retention import erase

    tracker = args.tracker_url or local_tracker_url()
    removal = erase(args.sender_id, _actor(args), _db(), tracker_url=tracker)
    print(f"erased {removal.conversations} conversations ({removal.turns} turns) of the "
          f"customer; audit entry written")
    _print_skipped(removal)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Consume the scale-out queue until SIGTERM, with redacted logging."""
    from bot.compliance.log_redaction import install_log_redaction
    from bot.runtime.worker import QueueConfig, run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_redaction()
    return run(QueueConfig.from_endpoints(args.endpoints), _db())


def cmd_follow(args: argparse.Namespace) -> int:
    """Follow the tracker store until SIGTERM, with redacted logging."""
    from bot.compliance.log_redaction import install_log_redaction
    from bot.runtime.follower import DEFAULT_NICE, run
    from bot.settings import candor_home
    from bot.transcripts.replay import default_tracker_url

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_redaction()
    nice = DEFAULT_NICE if args.nice is None else args.nice
    return run(args.tracker_url or default_tracker_url(), _db(), args.host, args.port,
               candor_home().ensure(), nice)


def cmd_replay(args: argparse.Namespace) -> int:
    """Fill gaps from the tracker store (idempotent)."""
    from bot.transcripts.replay import default_tracker_url, replay

    seen, stored = replay(args.tracker_url or default_tracker_url(), _db())
    print(f"replayed {seen} tracker events; {stored} were missing and are now stored")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """Print audit entries oldest first, one JSON object per line."""
    from bot.transcripts.retention import audit_log

    for entry in reversed(audit_log(_db(), args.limit)):
        print(json.dumps(entry, default=str, sort_keys=True))
    return 0
