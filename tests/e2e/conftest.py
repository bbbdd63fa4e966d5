"""Fixtures of the end-to-end tests that read what the running product recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from bot.settings import runtime_env
from bot.transcripts.db import Database, database_url, open_database


@pytest.fixture(scope="module")
def db(product: Ports, product_home: CandorHome) -> Iterator[Database]:
    """The product's own transcript database."""
    database = open_database(database_url(runtime_env(product_home)))
    yield database
    database.engine.dispose()
