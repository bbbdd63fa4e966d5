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

from bot.errors import CandorError, Errors
from bot.settings import validate_environment

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
    "bot.commands.review",
    "bot.commands.studio",
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
    """Entry point of the ``candor`` console script; returns the process exit code.

    Python and every ``CANDOR_*`` setting are checked before any command runs, so a bad value
    stops a process at start-up with a code (E001, E012) instead of failing mid-conversation.
    """
    args = build_parser().parse_args(argv)
    try:
        if sys.version_info[:2] != (3, 10):
            raise CandorError(Errors.E001.format(version=sys.version.split()[0]))
        validate_environment()
    except CandorError as err:
        print(err, file=sys.stderr)
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
