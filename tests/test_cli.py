from __future__ import annotations

import subprocess
import sys

import pytest

from bot.cli import build_parser


def test_every_command_module_registers() -> None:
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"train", "run", "serve", "bench"} <= set(commands)


def test_console_script_help_runs_without_heavy_imports() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "train" in result.stdout and "run" in result.stdout


def test_unknown_command_fails() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fly"])
