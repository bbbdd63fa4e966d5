"""`rasa data validate` over the real project files."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.paths import PROJECT_ROOT, CandorHome, runtime_env


@pytest.mark.slow
def test_rasa_data_validate_passes(test_home: CandorHome) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--config", "config.yml", "--domain", "domain.yml", "--data", "data"],
        cwd=PROJECT_ROOT, env=runtime_env(test_home), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
