"""Fixtures for the CSAT tests: registry isolation and the USS fixture path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import registry


@pytest.fixture(autouse=True)
def _isolated_registries() -> Iterator[None]:
    """Tests may register temporary features; the tables are restored afterwards."""
    import bot.scoring.features  # noqa: F401  (registers the built-in extractors)

    snapshots = [(r, r.snapshot()) for r in registry.ALL]
    yield
    for reg, snapshot in snapshots:
        reg.restore(snapshot)
