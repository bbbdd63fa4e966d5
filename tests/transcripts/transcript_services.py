"""Reaching the local PostgreSQL and RabbitMQ: skip with a reason when absent, fail under CI."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_ADMIN_URL = os.environ.get("CANDOR_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("CANDOR_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")


def reachable(host: str, port: int) -> bool:
    """True when something accepts TCP connections there."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def need(service: str, host: str, port: int) -> None:
    """Skip (locally) or fail (under CI) when ``service`` is not running."""
    if reachable(host, port):
        return
    message = f"{service} is not running on {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: service tests must run)")
    pytest.skip(message)


def unique_name(prefix: str) -> str:
    """A name no parallel test run uses (database, queue, exchange)."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@contextmanager
def postgres_database(prefix: str = "candor_test") -> Iterator[str]:
    """Create a throw-away PostgreSQL database, yield its URL, drop it afterwards."""
    from sqlalchemy import create_engine, text

    need("PostgreSQL", "127.0.0.1", 5432)
    name = unique_name(prefix)
    admin = create_engine(PG_ADMIN_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
