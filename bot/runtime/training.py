"""Train a Rasa model only when the project changed.

The model file is named after a fingerprint of everything training reads (config.yml,
domain.yml, data/, and the code of custom NLU components and policies) plus the Rasa version,
so an unchanged project starts without retraining and a changed one never serves a stale model.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bot.errors import CandorError, Errors
from bot.paths import PROJECT_ROOT, CandorHome
from bot.settings import runtime_env

#: What training reads, relative to the project root (files, or folders searched recursively).
TRAINING_INPUTS: tuple[str, ...] = (
    "config.yml", "domain.yml", "data", "bot/nlu", "policies", "compliance.yml",
)
MODEL_PREFIX = "candor-"


def _input_files(root: Path) -> Iterable[Path]:
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix in {".yml", ".yaml", ".py", ".md", ".json"}
            )


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of the training inputs' paths and contents and of the Rasa version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"rasa=={version('rasa')}".encode())
    for path in _input_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(home: CandorHome, root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current project state lives (it may not exist yet)."""
    return home.models / f"{MODEL_PREFIX}{fingerprint(root)}.tar.gz"


def ensure_model(home: CandorHome, root: Path = PROJECT_ROOT, force: bool = False) -> Path:
    """Return the model for the current project, training it first when missing."""
    target = model_path(home, root)
    if target.exists() and not force:
        print(f"model up to date: {target}")
        return target
    home.ensure()
    print(f"training {target.name} (config.yml, domain.yml and data/ changed or no model yet)")
    started = time.monotonic()
    argv = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(root / "config.yml"), "--domain", str(root / "domain.yml"),
        "--data", str(root / "data"), "--out", str(home.models),
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]
    result = subprocess.run(argv, cwd=root, env=runtime_env(home), check=False)
    if result.returncode != 0 or not target.exists():
        raise CandorError(Errors.E006.format(code=result.returncode))
    print(f"trained in {time.monotonic() - started:.0f}s: {target}")
    return target
