"""The ``candor`` command.

Sub-commands live in ``bot/commands/``, one module each, and are declared once in
:data:`COMMAND_MODULES`; each module exposes ``register(subparsers)``. Heavy imports (Rasa,
TensorFlow) happen inside the command functions so ``candor --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands.train",
    "bot.commands.run",
    "bot.commands.serve",
    "bot.commands.bench",
    "bot.commands.csat",
    "bot.commands.rules",
    "bot.commands.transcripts",
    "bot.commands.users",
    "bot.commands.audit",
)


def build_parser() -> argparse.ArgumentParser:
    """Assemble the parser from every registered command module."""
    parser = argparse.ArgumentParser(
        prog="candor", description="Candor: a compliance-aware banking chatbot on Rasa 3.6."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``candor`` console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
