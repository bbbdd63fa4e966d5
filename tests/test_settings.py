"""One typed settings object: defaults, parsing, and E012 naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.errors import CandorError
from bot.paths import PROJECT_ROOT
from bot.settings import DEFAULT_RETENTION_DAYS, load_settings


def test_defaults_without_any_variable() -> None:
    s = load_settings({})
    assert (s.rasa_port, s.actions_port, s.console_port) == (5005, 5055, 8000)
    assert s.max_message_chars == 2000 and s.retention_days == DEFAULT_RETENTION_DAYS
    assert s.rulebook == PROJECT_ROOT / "compliance.yml"
    assert s.transcripts_database_url.endswith("var/db/transcripts.sqlite")


def test_values_are_parsed(tmp_path: Path) -> None:
    s = load_settings({"CANDOR_HOME": str(tmp_path), "CANDOR_MAX_MESSAGE_CHARS": "500",
                       "CANDOR_RETENTION_DAYS": "30", "CANDOR_WIDGET_ORIGINS": "https://a.example, https://b.example/",
                       "LOG_LEVEL": "debug", "CANDOR_EXPERIMENT_CHECK_SECONDS": "0",
                       "CANDOR_EXPERIMENT_ALPHA": "0.01"})
    assert s.home.root == tmp_path and s.max_message_chars == 500 and s.retention_days == 30
    assert (s.experiment_check_seconds, s.experiment_alpha, s.experiment_tau) == (0.0, 0.01, 0.05)
    assert s.widget_origins == ("https://a.example", "https://b.example")
    assert s.log_level == "DEBUG"


@pytest.mark.parametrize(("name", "value"), [
    ("CANDOR_MAX_MESSAGE_CHARS", "lots"),
    ("CANDOR_MAX_MESSAGE_CHARS", "0"),
    ("CANDOR_RETENTION_DAYS", "-1"),
    ("CANDOR_RETENTION_DAYS", "a year"),
    ("CANDOR_RASA_PORT", "70000"),
    ("CANDOR_RASA_PUBLIC_URL", "ftp://x"),
    ("LOG_LEVEL", "loud"),
    ("CANDOR_EXPERIMENT_ALPHA", "1.5"),
    ("CANDOR_EXPERIMENT_CHECK_SECONDS", "-5"),
])
def test_a_bad_value_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(CandorError, match=f"E012 {name}=") as err:
        load_settings({name: value})
    assert err.value.code == "E012"


def test_the_cli_refuses_to_start_with_a_bad_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CANDOR_RETENTION_DAYS", "forever")
    assert main(["rules", "report"]) == 2
    assert "E012 CANDOR_RETENTION_DAYS=" in capsys.readouterr().err
