"""Where Candor keeps its state.

Every file written at run time lives under one directory, ``CANDOR_HOME`` (``./var`` by default,
resolved by :func:`bot.settings.candor_home`), so an operator can back up, inspect or wipe a
deployment in one place.
"""

from __future__ import annotations

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
