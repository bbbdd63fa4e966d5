"""``candor studio report``: Studio's flow figures for a period, offline, as HTML or CSV.

Reads the transcript database (``CANDOR_TRANSCRIPTS_URL`` or the SQLite file under
``CANDOR_HOME``) and writes the same figures as the console's ``/studio`` page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor studio`` and its sub-commands."""
    parser = subparsers.add_parser("studio", help="marketing's flow analytics")
    sub = parser.add_subparsers(dest="studio_command", metavar="ACTION", required=True)
    p = sub.add_parser("report", help="write the flow figures to an .html or .csv file")
    p.add_argument("--since", required=True,
                   help="conversations started on/after (YYYY-MM-DD or ISO 8601)")
    p.add_argument("--until", help="conversations started before (default: now)")
    p.add_argument("--channel", help="only this channel (rest, socketio)")
    p.add_argument("--out", required=True, type=Path, help="report.html or report.csv")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report; 2 on bad input (E304 dates, E864 output type)."""
    from bot.errors import CandorError, Errors
    from bot.transcripts.db import database
    from bot.transcripts.export import parse_when
    from bot.web.studio_data import Period
    from bot.web.studio_report import write_report

    try:
        if args.out.suffix.lower() not in (".html", ".csv"):
            raise CandorError(Errors.E864.format(path=args.out))
        period = Period(parse_when(args.since),
                        parse_when(args.until) if args.until else None, args.channel)
        data = write_report(database(), period, args.out)
    except CandorError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {data['whole'].volume} conversations, {len(data['flows'])} flows")
    return 0
