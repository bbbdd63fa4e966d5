"""``candor rules report``: each rule, its regulation, its test coverage and how often it fired."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor rules``."""
    parser = subparsers.add_parser("rules", help="inspect the compliance rulebook")
    which = parser.add_subparsers(dest="rules_command", metavar="COMMAND", required=True)
    report = which.add_parser("report", help="rules, regulations, test coverage, hits")
    report.set_defaults(func=report_rules)


def report_rules(args: argparse.Namespace) -> int:
    """Print every rule with its regulation and how many tests name it."""
    from bot.bench.rule_coverage import test_references
    from bot.compliance.rulebook import load_rulebook, rulebook_path
    from bot.paths import PROJECT_ROOT

    book = load_rulebook()
    tests = test_references([r.id for r in book.rules], PROJECT_ROOT / "tests")
    fired = fired_counts()
    print(f"{rulebook_path()} version {book.version} (sha256 {book.digest[:12]})\n")
    print(f"{'rule':30} {'severity':9} {'tests':>5} {'fired':>7}  regulation")
    for rule in book.rules:
        count = "-" if fired is None else str(fired.get(rule.id, 0))
        regulation = textwrap.shorten(rule.regulation, 70)
        print(f"{rule.id:30} {rule.severity:9} {tests[rule.id]:>5} {count:>7}  {regulation}")
    if fired is None:
        print("\nfired: no transcript database yet (run the bot first)")
    return 0


def fired_counts() -> dict[str, int] | None:
    """Rule hits per rule id from the transcript database, or None when there is none."""
    try:
        from bot.transcripts.repository import rule_hit_counts
    except ImportError:
        return None
    return rule_hit_counts()
