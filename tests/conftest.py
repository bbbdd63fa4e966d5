"""Shared fixtures: the test runtime directory, a trained model and the running product.

The end-to-end fixtures start the product exactly as ``candor run`` does (same supervisor,
same service definitions), on free ports, against a model trained from the current project.
The model is cached under ``var/test/models`` by fingerprint, so only a changed project
retrains.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.services import Ports, product_services, product_supervisor

IN_CI = bool(os.environ.get("CI"))
#: The console's secrets in the end-to-end product (it refuses to start without them).
E2E_CONSOLE_SECRET = "e2e-console-secret-" * 3
E2E_AUDIT_KEY = "e2e-audit-key-" * 4


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports() -> Ports:
    """Ports for one copy of the product."""
    return Ports(rasa=free_port(), actions=free_port(), console=free_port())


@pytest.fixture(scope="session")
def test_home() -> CandorHome:
    """Runtime directory shared by the test session (models are reused across runs)."""
    return CandorHome(PROJECT_ROOT / "var" / "test").ensure()


@pytest.fixture(scope="session")
def trained_model(test_home: CandorHome) -> Path:
    """The model for the current project, trained on first use.

    ``CANDOR_TEST_MODEL`` points at an existing model instead (for quick local iteration; never
    set in CI, where the model always matches the project).
    """
    from bot.runtime.training import ensure_model

    override = os.environ.get("CANDOR_TEST_MODEL")
    if override and not IN_CI:
        return Path(override)
    return ensure_model(test_home)


@pytest.fixture(scope="session")
def product_home(tmp_path_factory: pytest.TempPathFactory, test_home: CandorHome) -> CandorHome:
    """A fresh CANDOR_HOME for the running product (databases, logs) of this session."""
    return CandorHome(tmp_path_factory.mktemp("candor-home")).ensure()


@contextmanager
def running_product(home: CandorHome, model: Path, **env: str) -> Iterator[Ports]:
    """Action server, Rasa server and console on free ports, as ``candor run`` starts them."""
    ports = free_ports()
    supervisor = product_supervisor(home, ports)
    # The console refuses to start without its secrets (E701/E702).
    supervisor.env["CANDOR_CONSOLE_SECRET"] = E2E_CONSOLE_SECRET
    supervisor.env["CANDOR_AUDIT_KEY"] = E2E_AUDIT_KEY
    supervisor.env.update(env)
    try:
        for spec in product_services(home, ports, model):
            supervisor.start(spec)
        yield ports
    finally:
        supervisor.stop()


@pytest.fixture(scope="session")
def product(product_home: CandorHome, trained_model: Path) -> Iterator[Ports]:
    """The product for the end-to-end tests (default settings: several Rasa workers)."""
    # Conversations silent for 3 s are CSAT-scored, so tests/e2e/test_survey.py sees it happen.
    with running_product(product_home, trained_model, CANDOR_CSAT_IDLE_MINUTES="0.05") as ports:
        yield ports
