"""``candor bench console``: the console's first page of every filter, at 1,000,000 turns.

Bulk-loads synthetic transcripts (:mod:`bot.bench.bulk_load`, not through Rasa) into a fresh
database of each dialect, adds the records the console filters on (complaints, handoffs,
disputes, survey answers, rare words for full-text search), then requests each filtered list
page through the real console app (session check, query, capped count, template) and reports
p50 / p95 over ``--runs`` requests after a warm-up. Target from the issue: the first page of
any filtered list under 300 ms p95 on SQLite and on PostgreSQL.
Results: ``bench/results/console_list.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.paths import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "bench" / "results"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_MS = 300.0
PAGES = {
    "no filter": "",
    "last 30 days": "from=2025-12-01&to=2025-12-31",
    "complaint": "complaint=1",
    "dispute (rare)": "dispute=1",
    "vulnerable customer": "vulnerable=1",
    "handoff": "handoff=1",
    "outcome abandoned": "outcome=abandoned",
    "intent complain": "intent=complain",
    "FAQ topic": "topic=card_pin",
    "rule no-personal-advice": "rule_id=no-personal-advice",
    "survey rating 1": "rating=1",
    "predicted CSAT low": "band=low",
    "channel socketio (none)": "channel=socketio",
    "text 'chargeback' (rare)": "text=chargeback",
    "text 'synthetic answer' (common)": "text=synthetic+answer",
    "90 days + complaint + text": "from=2025-10-01&to=2025-12-31&complaint=1&text=question",
}
ENRICH = (
    "INSERT INTO handoffs (conversation_pk, status, created_at) "
    "SELECT id, 'queued', started_at FROM conversations WHERE outcome = 'handed_off'",
    "INSERT INTO complaints (conversation_pk, category, created_at) "
    "SELECT DISTINCT h.conversation_pk, 'fees', c.started_at FROM rule_hits h "
    "JOIN conversations c ON c.id = h.conversation_pk WHERE h.rule_id = 'complaint'",
    "INSERT INTO surveys (conversation_pk, rating, source, created_at) "
    "SELECT id, (id % 5) + 1, 'widget', started_at FROM conversations WHERE id % 10 = 0",
    "INSERT INTO rule_hits (conversation_pk, turn_id, rule_id) "
    "SELECT conversation_pk, id, 'dispute-intake' FROM turns WHERE id % 3001 = 2",
    "UPDATE turns SET text = 'I want a chargeback for this payment' "
    "WHERE id % 1999 = 1 AND actor = 'user'",
    "UPDATE turns SET response = 'utter_faq/card_pin' WHERE id % 7 = 2 AND actor = 'bot'",
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench console``."""
    p = subparsers.add_parser("console", help="console list pages at 1M turns (p95)")
    p.add_argument("--conversations", type=int, default=100_000)
    p.add_argument("--turns", type=int, default=10, help="turns per conversation")
    p.add_argument("--dialects", default="sqlite,postgresql")
    p.add_argument("--runs", type=int, default=20, help="requests per page (after a warm-up)")
    p.add_argument("--pg-admin-url", default=PG_ADMIN, help="where to create the bench DB")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    p.set_defaults(func=run)


def enrich(db: Any) -> None:
    """Add the records the bulk generator does not make, then refresh planner statistics."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        for statement in ENRICH:
            conn.execute(text(statement))
        conn.execute(text("ANALYZE"))


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 that was really observed)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def measure(url: str, runs: int) -> dict[str, dict[str, float]]:
    """Request each page ``runs`` times through the console app; p50 / p95 in ms."""
    from starlette.testclient import TestClient

    from bot.settings.console import AuditKeys, ConsoleSecurity
    from bot.transcripts.db import database
    from bot.web.accounts import add_user
    from bot.web.app import ConsoleSettings, create_app

    security = ConsoleSecurity(b"bench-console-secret" * 3, AuditKeys(b"bench-audit-key" * 3))
    add_user(database(url), security, "bench", "bench password 1", ["compliance"], "bench")
    app = create_app(ConsoleSettings(transcripts_url=url, warm_up_redaction=False), security)
    results: dict[str, dict[str, float]] = {}
    with TestClient(app, follow_redirects=False) as client:
        from bot.web.sessions import LOGIN_COOKIE, csrf_token, unsign

        client.get("/login")
        nonce = unsign(security.secret, client.cookies[LOGIN_COOKIE].strip('"'))
        client.post("/login", data={"username": "bench", "password": "bench password 1",
                                    "csrf": csrf_token(security.secret, str(nonce))})
        for label, query in PAGES.items():
            path = f"/conversations?{query}"
            assert client.get(path).status_code == 200, path
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
            results[label] = {"p50": round(statistics.median(samples), 1),
                              "p95": round(percentile(samples, 0.95), 1)}
    return results


def bench_dialect(dialect: str, args: argparse.Namespace) -> dict[str, Any]:
    """Create, load, enrich, measure and drop one database."""
    from bot.bench.transcripts import load
    from bot.transcripts.db import open_database

    url, drop = scratch_database(dialect, args.pg_admin_url)
    db = open_database(url)
    try:
        seconds = load(db, args.conversations, args.turns, dialect)
        enrich(db)
        pages = measure(url, args.runs)
    finally:
        db.engine.dispose()
        drop()
    return {"load_seconds": seconds, "pages_ms": pages}


def scratch_database(dialect: str, admin_url: str) -> tuple[str, Any]:
    """A new empty database URL and the function that removes it."""
    import uuid

    from sqlalchemy import create_engine, text

    from bot.settings import candor_home

    name = f"candor_bench_{uuid.uuid4().hex[:8]}"
    if dialect == "postgresql":
        admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))

        def drop_pg() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        return admin_url.rsplit("/", 1)[0] + f"/{name}", drop_pg
    path = candor_home().ensure().root / "bench" / f"{name}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)

    def drop_sqlite() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    return f"sqlite:///{path}", drop_sqlite


def markdown(report: dict[str, Any]) -> str:
    """Render the results table (p95 / p50 per dialect)."""
    dialects = list(report["results"])
    lines = [
        f"# Console list pages at {report['turns']:,} turns / {report['conversations']:,} "
        "conversations", "",
        f"First page (50 rows, capped count, rendered) through the console app, "
        f"{report['runs']} requests after a warm-up; ms as p95 (p50). Target: p95 under "
        f"{TARGET_MS:.0f} ms on both databases. Machine: {report['machine']}. Every "
        "conversation has a predicted CSAT score and every third also an older model "
        "version's, which the CSAT band filter skips.", "",
        "| filter | " + " | ".join(dialects) + " |",
        "| --- | " + " | ".join("---:" for _ in dialects) + " |",
    ]
    for label in PAGES:
        cells = [f"{report['results'][d]['pages_ms'][label]['p95']:.0f} "
                 f"({report['results'][d]['pages_ms'][label]['p50']:.0f})" for d in dialects]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    worst = {d: max(v["p95"] for v in report["results"][d]["pages_ms"].values())
             for d in dialects}
    lines.append("| **worst p95** | " + " | ".join(f"**{worst[d]:.0f}**" for d in dialects)
                 + " |")
    return "\n".join(lines) + "\n\nCommand: `" + report["command"] + "`\n"


def run(args: argparse.Namespace) -> int:
    """Benchmark each dialect, write JSON + markdown, print the table."""
    report: dict[str, Any] = {
        "conversations": args.conversations, "turns": args.conversations * args.turns,
        "runs": args.runs,
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()}, "
                   f"Python {platform.python_version()}, 2 shared cores",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": f"candor bench console --conversations {args.conversations} "
                   f"--turns {args.turns} --dialects {args.dialects} --runs {args.runs}",
        "results": {d: bench_dialect(d, args) for d in args.dialects.split(",")},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "console_list.json").write_text(json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    (args.out / "console_list.md").write_text(table)
    print(table)
    return 0
