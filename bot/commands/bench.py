"""``candor bench ...``: benchmarks whose results are committed under bench/results/.

Each benchmark is a module under ``bot/bench/`` exposing ``register(subparsers)``, declared once
in :data:`BENCH_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

BENCH_MODULES: tuple[str, ...] = (
    "bot.bench.guardrails",
    "bot.bench.signals",
    "bot.bench.rule_thresholds",
    "bot.bench.topic_coverage",
    "bot.bench.nlu",
    "bot.bench.fallback",
    "bot.bench.transcripts",
    "bot.bench.console",
    "bot.bench.load",
)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor bench`` and one sub-command per benchmark module."""
    parser = subparsers.add_parser("bench", help="run a benchmark and write its results")
    benches = parser.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    for name in BENCH_MODULES:
        importlib.import_module(name).register(benches)
