from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.training import fingerprint, model_path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the training inputs to change freely."""
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    return tmp_path


def test_fingerprint_is_stable_for_an_unchanged_project(project: Path) -> None:
    assert fingerprint(project) == fingerprint(project)


@pytest.mark.parametrize("changed", ["config.yml", "domain.yml", "data/rules.yml"])
def test_fingerprint_changes_with_any_training_input(project: Path, changed: str) -> None:
    before = fingerprint(project)
    with (project / changed).open("a") as handle:
        handle.write("\n# edited\n")
    assert fingerprint(project) != before


def test_a_new_data_file_changes_the_fingerprint(project: Path) -> None:
    before = fingerprint(project)
    (project / "data" / "nlu" / "extra.yml").write_text('version: "3.1"\n')
    assert fingerprint(project) != before


def test_files_outside_the_inputs_do_not_matter(project: Path) -> None:
    before = fingerprint(project)
    (project / "README.md").write_text("docs")
    assert fingerprint(project) == before


def test_model_is_named_after_the_fingerprint(project: Path, tmp_path: Path) -> None:
    home = CandorHome(tmp_path / "home")
    assert model_path(home, project) == home.models / f"candor-{fingerprint(project)}.tar.gz"
