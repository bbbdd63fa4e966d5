"""Where Candor keeps its state.

Every file written at run time lives under one directory, ``CANDOR_HOME`` (``./var`` by default),
so an operator can back up, inspect or wipe a deployment in one place. Libraries that would
otherwise write to ``~`` (Rasa's telemetry config and training cache, TensorFlow/Keras,
matplotlib, tldextract, Hugging Face) are pointed inside it by :func:`runtime_env`; ``HOME``
itself is moved too, because Rasa builds its global config path from ``~`` at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CandorHome:
    """The layout of the runtime directory."""

    root: Path

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def db(self) -> Path:
        return self.root / "db"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def tracker_db(self) -> Path:
        return self.db / "tracker.sqlite"

    def ensure(self) -> CandorHome:
        """Create the directories (idempotent) and return self."""
        for folder in (self.models, self.logs, self.db, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def candor_home(env: os._Environ[str] | dict[str, str] | None = None) -> CandorHome:
    """Resolve ``CANDOR_HOME`` (relative paths are taken from the project root)."""
    env = os.environ if env is None else env
    raw = Path(env.get("CANDOR_HOME") or "var")
    root = raw if raw.is_absolute() else PROJECT_ROOT / raw
    return CandorHome(root.resolve())


def runtime_env(home: CandorHome, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for Candor's child processes: state under ``home``, no telemetry, offline."""
    env = dict(os.environ if base is None else base)
    cache = home.cache
    env.update(
        {
            "CANDOR_HOME": str(home.root),
            "HOME": str(cache / "home"),
            "KERAS_HOME": str(cache / "keras"),
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_CACHE_DIRECTORY": str(cache / "rasa"),
            "XDG_CONFIG_HOME": str(cache / "config"),
            "XDG_CACHE_HOME": str(cache),
            "MPLCONFIGDIR": str(cache / "matplotlib"),
            "TLDEXTRACT_CACHE": str(cache / "tldextract"),
            "HF_HOME": str(cache / "huggingface"),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env
