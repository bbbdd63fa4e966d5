"""The promotion pointer: one file decides which artefact scores, and it fails closed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import CandorError
from bot.scoring.active_model import (
    activate,
    load_active_model,
    pointer_path,
    read_activation,
    use_shipped,
)
from bot.scoring.model import load_model, save_model

SHIPPED = load_model()


def promoted(models: Path) -> Path:
    """A saved artefact with a new version, promoted in ``models``."""
    artefact = models / "csat-surveys-test.json"
    model = replace(SHIPPED, version="csat-surveys-test", weights=tuple(-w for w in SHIPPED.weights))
    save_model(model, artefact)
    activate(artefact, model, SHIPPED.version, {"promote": True}, "2026-12-05T04:00:00+00:00",
             models)
    return artefact


def test_without_a_promotion_the_shipped_model_scores(tmp_path: Path) -> None:
    assert read_activation(tmp_path) is None
    assert load_active_model(tmp_path) == SHIPPED


def test_a_promotion_points_every_scorer_at_the_artefact(tmp_path: Path) -> None:
    artefact = promoted(tmp_path)
    model = load_active_model(tmp_path)
    assert model.version == "csat-surveys-test" and model.weights[0] == -SHIPPED.weights[0]
    activation = read_activation(tmp_path)
    assert activation is not None
    assert activation.replaced == SHIPPED.version and activation.artefact == str(artefact)
    assert not pointer_path(tmp_path).with_suffix(".tmp").exists()


def test_an_artefact_changed_after_promotion_is_refused(tmp_path: Path) -> None:
    artefact = promoted(tmp_path)
    data = json.loads(artefact.read_text())
    data["weights"][0] = 9.0
    artefact.write_text(json.dumps(data))
    with pytest.raises(CandorError, match="E414 .*SHA-256 differs"):
        load_active_model(tmp_path)


def test_a_missing_artefact_is_refused(tmp_path: Path) -> None:
    promoted(tmp_path).unlink()
    with pytest.raises(CandorError, match="E414 .*is missing"):
        load_active_model(tmp_path)


def test_a_broken_pointer_is_refused(tmp_path: Path) -> None:
    pointer_path(tmp_path).write_text("{not json")
    with pytest.raises(CandorError, match="E414"):
        load_active_model(tmp_path)


def test_going_back_to_the_shipped_model(tmp_path: Path) -> None:
    promoted(tmp_path)
    assert use_shipped(tmp_path) is True
    assert load_active_model(tmp_path) == SHIPPED
    assert use_shipped(tmp_path) is False
