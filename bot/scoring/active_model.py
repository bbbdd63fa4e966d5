"""Which CSAT artefact scores conversations: the shipped one, or one a bank promoted.

A promotion writes ``csat-active.json`` in ``CANDOR_HOME/models``: the artefact's path, its
SHA-256, the held-out check that let it in and the version it replaced. Every scorer (the
automatic one in each process and ``candor csat score|explain|calibrate``) resolves the model
through :func:`load_active_model`, so one file decides. The pointer is replaced atomically, and
a pointer whose artefact is missing or altered fails closed (E414) instead of silently scoring
with something nobody checked.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.errors import CandorError, Errors
from bot.scoring.model import DEFAULT_MODEL_PATH, CsatModel, load_model
from bot.settings import candor_home

ACTIVE_FILE = "csat-active.json"
POINTER_FORMAT = "candor-csat-active"


@dataclass(frozen=True)
class Activation:
    """A promoted artefact and the evidence it was promoted on."""

    version: str
    artefact: str
    sha256: str
    activated_at: str
    replaced: str
    check: dict[str, Any]


def pointer_path(models_dir: Path | None = None) -> Path:
    """``CANDOR_HOME/models/csat-active.json`` (or in ``models_dir``)."""
    return (models_dir or candor_home().models) / ACTIVE_FILE


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_activation(models_dir: Path | None = None) -> Activation | None:
    """The current promotion, or None when the shipped artefact is in use; E414 if unreadable."""
    path = pointer_path(models_dir)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format", None) != POINTER_FORMAT:
            raise ValueError(f"not a {POINTER_FORMAT} file")
        return Activation(**data)
    except (ValueError, TypeError) as e:
        raise CandorError(Errors.E414.format(path=path, problem=e)) from None


def load_active_model(models_dir: Path | None = None) -> CsatModel:
    """The promoted artefact after checking it is the one promoted, else the shipped one."""
    activation = read_activation(models_dir)
    if activation is None:
        return load_model(DEFAULT_MODEL_PATH)
    artefact, pointer = Path(activation.artefact), pointer_path(models_dir)
    if not artefact.exists():
        raise CandorError(Errors.E414.format(path=pointer, problem=f"{artefact} is missing"))
    if file_sha256(artefact) != activation.sha256:
        raise CandorError(Errors.E414.format(
            path=pointer, problem=f"{artefact} changed after it was promoted (SHA-256 differs)"))
    model = load_model(artefact)
    if model.version != activation.version:
        raise CandorError(Errors.E414.format(
            path=pointer, problem=f"{artefact} holds {model.version}, not {activation.version}"))
    return model


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # readers see the old pointer or the new one, never half of either


def activate(artefact: Path, model: CsatModel, replaced: str, check: dict[str, Any],
             activated_at: str, models_dir: Path | None = None) -> Activation:
    """Point every scorer at ``artefact`` (already saved); returns what was recorded."""
    activation = Activation(version=model.version, artefact=str(artefact.resolve()),
                            sha256=file_sha256(artefact), activated_at=activated_at,
                            replaced=replaced, check=check)
    text = json.dumps({"format": POINTER_FORMAT, **asdict(activation)}, indent=2, sort_keys=True)
    _write_atomically(pointer_path(models_dir), text + "\n")
    return activation


def use_shipped(models_dir: Path | None = None) -> bool:
    """Go back to the shipped artefact; False when it was already in use."""
    path = pointer_path(models_dir)
    if not path.exists():
        return False
    path.unlink()
    return True
