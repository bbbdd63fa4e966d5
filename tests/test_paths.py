from __future__ import annotations

from pathlib import Path

from bot.paths import PROJECT_ROOT
from bot.settings import candor_home, runtime_env


def test_default_home_is_var_in_the_project() -> None:
    assert candor_home({}).root == PROJECT_ROOT / "var"


def test_candor_home_overrides(tmp_path: Path) -> None:
    assert candor_home({"CANDOR_HOME": str(tmp_path)}).root == tmp_path


def test_relative_home_is_taken_from_the_project_root() -> None:
    assert candor_home({"CANDOR_HOME": "state"}).root == PROJECT_ROOT / "state"


def test_child_processes_keep_their_caches_inside_home(tmp_path: Path) -> None:
    home = candor_home({"CANDOR_HOME": str(tmp_path)})
    env = runtime_env(home, base={"PATH": "/bin"})
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["HF_HUB_OFFLINE"] == "1"
    for key in ("HOME", "KERAS_HOME", "RASA_CACHE_DIRECTORY", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
                "MPLCONFIGDIR", "HF_HOME"):
        assert Path(env[key]).is_relative_to(tmp_path), key
