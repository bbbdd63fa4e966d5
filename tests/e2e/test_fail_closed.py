"""Rasa silently falls back to an in-memory tracker store, or to no event broker, when a class
cannot be loaded; Candor's Rasa server must refuse to serve instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import CandorError
from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.services import product_supervisor
from bot.runtime.supervisor import ServiceSpec, candor_argv
from tests.conftest import free_ports

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("class_name", "misspelt", "problem"),
    [
        ("RedactingSQLTrackerStore", "RedactingSQLTrackerStor",
         "the tracker store Rasa created is InMemoryTrackerStore"),
        ("FollowedTrackerBroker", "FollowedTrackerBrokr",
         "the event broker Rasa created is NoneType"),
    ],
)
def test_a_misspelt_class_stops_the_server(
    tmp_path: Path, trained_model: Path, class_name: str, misspelt: str, problem: str
) -> None:
    endpoints = tmp_path / "endpoints.yml"
    configured = (PROJECT_ROOT / "endpoints.yml").read_text()
    assert class_name in configured  # else nothing is misspelt and the server just starts
    endpoints.write_text(configured.replace(class_name, misspelt))
    ports = free_ports()
    home = CandorHome(tmp_path / "home").ensure()
    supervisor = product_supervisor(home, ports)
    spec = ServiceSpec(
        "rasa",
        candor_argv("serve", "rasa", "--model", str(trained_model), "--port", str(ports.rasa),
                    "--endpoints", str(endpoints), "--credentials",
                    str(PROJECT_ROOT / "credentials.yml")),
        ports.url(ports.rasa, "/webhooks/rest/"),
        startup_seconds=300,
    )
    try:  # it may answer for an instant before the after-start check stops it; the check
        # runs once the model is loaded, which takes minutes on a busy 2-core CI machine
        code = supervisor.start(spec).process.wait(timeout=spec.startup_seconds)
    except CandorError as err:
        code = int(re.search(r"E005 rasa exited with code (-?\d+)", str(err))[1])  # type: ignore[index]
    finally:
        supervisor.stop()
    assert code == 3
    log = (home.logs / "rasa.log").read_text()
    assert f"E003 Refusing to serve: {problem}" in log
