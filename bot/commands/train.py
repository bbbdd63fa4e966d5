"""``candor train``: train a model unless one matches the project's current fingerprint."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor train``."""
    parser = subparsers.add_parser("train", help="train a model if the project changed")
    parser.add_argument("--force", action="store_true", help="train even if a model matches")
    parser.set_defaults(func=train)


def train(args: argparse.Namespace) -> int:
    """Train unless a model matching config, domain and data exists (``--force``: always)."""
    from bot.runtime.training import ensure_model
    from bot.settings import candor_home

    ensure_model(candor_home().ensure(), force=args.force)
    return 0
