"""``candor bench console`` on a small data set: every page answers, the report is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.bench.console import PAGES, percentile
from bot.cli import main


def test_percentile_is_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 21)]
    assert percentile(samples, 0.95) == 19.0
    assert percentile(samples, 0.5) == 10.0
    assert percentile([3.0], 0.95) == 3.0


def test_a_small_run_writes_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path / "home"))
    assert main(["bench", "console", "--conversations", "300", "--dialects", "sqlite",
                 "--runs", "2", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "console_list.json").read_text())
    assert set(report["results"]["sqlite"]["pages_ms"]) == set(PAGES)
    assert "worst p95" in (tmp_path / "console_list.md").read_text()
