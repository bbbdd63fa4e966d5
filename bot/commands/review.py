"""``candor review fill``: queue a day's conversations by rule and draw its sample (for cron).

The console's "Fill queues" button does the same; both are audited and a day is drawn once.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import date, datetime, timedelta, timezone
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor review`` and its sub-commands."""
    parser = subparsers.add_parser("review", help="compliance review queues and daily sample")
    sub = parser.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    p = sub.add_parser("fill", help="queue a day's conversations by rule; draw its sample")
    p.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: yesterday, UTC)")
    p.add_argument("--seed", help="the draw's seed (default: random, recorded either way)")
    p.add_argument("--actor", default=None, help="who runs it (audit log; default: OS user)")
    p.set_defaults(func=cmd_fill)


def cmd_fill(args: argparse.Namespace) -> int:
    """Fill one day; print what was queued and drawn."""
    from bot.settings.console import AuditKeys
    from bot.transcripts.db import database
    from bot.transcripts.review_config import load_policy
    from bot.transcripts.review_fill import fill_day

    day = args.day or (datetime.now(timezone.utc).date() - timedelta(days=1))
    report = fill_day(database(), AuditKeys.from_env(), str(args.actor or getpass.getuser()),
                      day, load_policy(), seed=args.seed)
    queued = ", ".join(f"{q} {n}" for q, n in sorted(report.added.items())) or "nothing new"
    state = "drew" if report.new_sample else "had already drawn"
    print(f"{day}: queued {queued}; {state} {len(report.drawn)} of {report.population} "
          f"(seed {report.seed})")
    return 0
