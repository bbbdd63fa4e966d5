"""The runtime layer's seams: old class paths are gone, the configured ones load."""

from __future__ import annotations

import importlib

import pytest
import yaml
from rasa.shared.utils.common import class_from_module_path

from bot.paths import PROJECT_ROOT
from bot.runtime.fail_closed import REQUIRED

MOVED = [
    "bot.transcripts.broker", "bot.transcripts.worker", "bot.scoring.auto",
    "bot.scoring.adapter", "bot.services", "bot.supervisor", "bot.rasa_server",
    "bot.fail_closed", "bot.training", "bot.nlu.report", "bot.nlu.evaluation",
    "bot.compliance.pii_scoring", "bot.compliance.coverage", "bot.scoring.evaluate",
    "bot.scoring.hybrid", "bot.scoring.uss", "bot.scoring.training", "bot.transcripts.bulk",
]


@pytest.mark.parametrize("module", MOVED)
def test_the_old_module_paths_are_gone(module: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module)


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.scaleout.yml"])
def test_every_class_path_in_the_endpoints_loads(endpoints: str) -> None:
    config = yaml.safe_load((PROJECT_ROOT / endpoints).read_text())
    paths = [section["type"] for section in config.values()
             if isinstance(section, dict) and "." in str(section.get("type", ""))]
    assert len(paths) >= 3
    for path in paths:
        assert path.startswith(("bot.transcripts.", "bot.runtime.", "bot.nlg.")), path
        class_from_module_path(path)


def test_the_fail_closed_list_names_loadable_classes() -> None:
    for requirement in REQUIRED:
        assert isinstance(class_from_module_path(requirement.expected), type)
