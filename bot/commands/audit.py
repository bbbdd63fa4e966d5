"""``candor audit verify|show``: check the audit log's HMAC chain, or print entries.

``verify --archive FILE`` checks a regulator export instead (:mod:`bot.transcripts.archive`).
``verify`` exits 0 when the chain holds and 1 when it is broken, naming the first entry that
was altered, removed, inserted or reordered (E707), so it can run from cron or a monitor. It
prints the head (newest sequence number and MAC) for an operator to record elsewhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor audit`` and its sub-commands."""
    parser = subparsers.add_parser("audit", help="the console's tamper-evident audit log")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = sub.add_parser("verify", help="recompute the HMAC chain; name the first bad entry")
    p.add_argument("--archive", type=Path, help="check a regulator export zip instead: every "
                   "file against its manifest, the manifest's hash against the audit log")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("show", help="print the newest entries, oldest first, as JSON lines")
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_show)


def cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 when the chain holds, 1 naming the first bad entry, 2 on a setup error."""
    from bot.errors import CandorError, Errors
    from bot.settings.console import AuditKeys
    from bot.transcripts.audit_log import verify_log
    from bot.transcripts.db import database

    if args.archive is not None:
        return verify_archive_file(args.archive)
    try:
        report = verify_log(database(), AuditKeys.from_env())
    except CandorError as err:
        print(err, file=sys.stderr)
        return 2
    if report.finding is not None:
        f = report.finding
        if f.kind == "unknown-key":
            print(Errors.E710.format(seq=f.seq, key_id=f.detail), file=sys.stderr)
            return 1
        print(Errors.E707.format(seq=f.seq, row_id=f.row_id, problem=f"{f.kind}: {f.detail}"),
              file=sys.stderr)
        return 1
    legacy = f" ({report.legacy} entries predate the chain)" if report.legacy else ""
    print(f"audit chain intact: {report.entries - report.legacy} entries{legacy}; "
          f"head {report.head_seq} {report.head_mac}")
    return 0


def verify_archive_file(path: Path) -> int:
    """Exit 0 when the archive verifies, 1 listing what does not (E727), 2 on a setup error."""
    from bot.errors import CandorError, Errors
    from bot.settings.console import AuditKeys
    from bot.transcripts.archive import verify_archive
    from bot.transcripts.db import database

    try:
        report = verify_archive(database(), AuditKeys.from_env(), path)
    except CandorError as err:
        print(err, file=sys.stderr)
        return 2
    if not report.ok:
        print(Errors.E727.format(path=path, problem="; ".join(report.problems)), file=sys.stderr)
        return 1
    print(f"archive verified: {report.files} files match the manifest; manifest SHA-256 "
          f"{report.manifest_sha256} is audit entry {report.audit_seq}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print the newest entries as JSON lines, oldest first."""
    from bot.transcripts.audit_log import recent
    from bot.transcripts.db import database

    for entry in reversed(recent(database(), args.limit)):
        print(json.dumps({"seq": entry.seq, "at": entry.at, "actor": entry.actor,
                          "action": entry.action, "subject": entry.subject,
                          "details": entry.details}, sort_keys=True, default=str))
    return 0
