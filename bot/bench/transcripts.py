"""``candor bench transcripts``: the console's queries at volume, on SQLite and PostgreSQL.

Loads synthetic transcripts (default 100,000 conversations, 1,000,000 turns; see
:mod:`bot.bench.bulk_load`) into a fresh, migrated database of each dialect, then times each
repository query the console runs (median of 5 after a warm-up). The target from the issue:
a filtered, paginated conversation list under 200 ms on PostgreSQL. The PostgreSQL database
is created for the run and dropped afterwards.
Results: ``bench/results/transcripts_queries.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT
from bot.settings import candor_home

DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 200.0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench transcripts``."""
    p = subparsers.add_parser("transcripts", help="transcript queries at 1M turns")
    p.add_argument("--conversations", type=int, default=100_000)
    p.add_argument("--turns", type=int, default=10, help="turns per conversation")
    p.add_argument("--dialects", default="sqlite,postgresql")
    p.add_argument("--pg-admin-url", default=PG_ADMIN, help="where to create the bench DB")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    p.set_defaults(func=run)


def queries(db: Any, conversations: int) -> dict[str, Callable[[], Any]]:
    """Return the console's queries, run through the repository as the console runs them."""
    from bot.transcripts import repository as r
    from bot.transcripts.records import load_records

    end = datetime(2026, 1, 1, tzinfo=timezone.utc)
    month = r.ConversationFilter(since=end - timedelta(days=30), until=end)
    combined = r.ConversationFilter(since=end - timedelta(days=90), until=end,
                                    outcome="handed_off", rule_id="no-personal-advice")
    first = r.list_conversations(month, r.Page(limit=50), db=db)
    cursor = (first[-1].started_at, first[-1].id)

    def transcript() -> Any:
        with db.begin() as s:
            from sqlalchemy import select

            from bot.transcripts import models as m
            middle = m.Conversation.id == conversations // 2
            conv = s.execute(select(m.Conversation).where(middle)).scalar_one()
            return load_records(s, [conv])

    return {
        "list, newest 50": lambda: r.list_conversations(page=r.Page(limit=50), db=db),
        "list, last 30 days": lambda: r.list_conversations(month, db=db),
        "list, last 30 days, keyset page 2": lambda: r.list_conversations(
            month, r.Page(limit=50, after=cursor), db=db),
        "list, outcome=handed_off": lambda: r.list_conversations(
            r.ConversationFilter(outcome="handed_off"), db=db),
        "list, rule hit": lambda: r.list_conversations(
            r.ConversationFilter(rule_id="deposit-insurance"), db=db),
        "list, intent=complain": lambda: r.list_conversations(
            r.ConversationFilter(intent="complain"), db=db),
        "list, CSAT band low": lambda: r.list_conversations(
            r.ConversationFilter(csat_band="low"), db=db),
        "list, 90 days + outcome + rule (filtered, paginated)": lambda: r.list_conversations(
            combined, db=db),
        "list, same filter, page 20 (offset 950)": lambda: r.list_conversations(
            combined, r.Page(limit=50, offset=950), db=db),
        "count, 90 days + outcome + rule": lambda: r.count_conversations(combined, db=db),
        "transcript of one conversation": transcript,
        "rule hit counts (all)": lambda: r.rule_hit_counts(db),
    }


def time_ms(fn: Callable[[], Any], runs: int = 5) -> float:
    """Median wall time in ms after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def load(db: Any, conversations: int, turns: int, label: str) -> float:
    """Bulk-load the data set with a progress bar; return seconds."""
    from tqdm import tqdm

    from bot.bench.bulk_load import batches, finish, loader

    load_batch = loader(db)
    start = time.perf_counter()
    with tqdm(total=conversations * turns, desc=f"load {label}", unit="turn",
              unit_scale=True) as bar:
        for batch in batches(conversations, turns):
            load_batch(db, batch)
            bar.update(len(batch.tables["turns"]))
    finish(db)
    return round(time.perf_counter() - start, 1)


def bench_dialect(dialect: str, args: argparse.Namespace) -> dict[str, Any]:
    """Create, load, query and drop one database."""
    from sqlalchemy import create_engine, text
    from tqdm import tqdm

    from bot.transcripts.db import open_database

    name = f"candor_bench_{uuid.uuid4().hex[:8]}"
    admin = None
    if dialect == "postgresql":
        admin = create_engine(args.pg_admin_url, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = args.pg_admin_url.rsplit("/", 1)[0] + f"/{name}"
    else:
        path = candor_home().ensure().root / "bench" / f"{name}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    db = open_database(url)
    try:
        seconds = load(db, args.conversations, args.turns, dialect)
        todo = queries(db, args.conversations).items()
        timings = {label: time_ms(fn)
                   for label, fn in tqdm(todo, desc=f"queries {dialect}", unit="query")}
    finally:
        db.engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    return {"load_seconds": seconds, "queries_ms": timings}


def markdown(report: dict[str, Any]) -> str:
    """Render the results table."""
    dialects = list(report["results"])
    lines = [
        f"# Transcript queries at {report['turns']:,} turns / {report['conversations']:,} "
        "conversations", "",
        f"Median of 5 runs after a warm-up, ms; 50 rows per page. Target: filtered, paginated "
        f"list under {TARGET_MS:.0f} ms on PostgreSQL. Machine: {report['machine']}.", "",
        "| query | " + " | ".join(dialects) + " |",
        "| --- | " + " | ".join("---:" for _ in dialects) + " |",
    ]
    names = list(next(iter(report["results"].values()))["queries_ms"])
    for name in names:
        cells = [f"{report['results'][d]['queries_ms'][name]:.1f}" for d in dialects]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    loads = [f"{report['results'][d]['load_seconds']:.0f} s" for d in dialects]
    lines.append("| bulk load (COPY / executemany) | " + " | ".join(loads) + " |")
    return "\n".join(lines) + "\n\nCommand: `" + report["command"] + "`\n"


def run(args: argparse.Namespace) -> int:
    """Benchmark each dialect, write JSON + markdown, print the table."""
    report: dict[str, Any] = {
        "conversations": args.conversations, "turns": args.conversations * args.turns,
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()}, "
                   f"Python {platform.python_version()}",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": f"candor bench transcripts --conversations {args.conversations} "
                   f"--turns {args.turns} --dialects {args.dialects}",
        "results": {d: bench_dialect(d, args) for d in args.dialects.split(",")},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "transcripts_queries.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (args.out / "transcripts_queries.md").write_text(table)
    print(table)
    return 0
