"""The process supervisor behind `candor run` and the end-to-end fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.errors import CandorError
from bot.runtime.supervisor import ServiceSpec, Supervisor
from tests.conftest import free_port


def http_server(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_start_waits_until_healthy_and_stop_ends_the_process(tmp_path: Path) -> None:
    port = free_port()
    supervisor = Supervisor({}, tmp_path, tmp_path)
    service = supervisor.start(ServiceSpec("web", http_server(port), f"http://127.0.0.1:{port}/"))
    assert service.process.poll() is None
    supervisor.stop()
    assert service.process.poll() is not None


def test_a_process_that_dies_is_reported_with_its_log(tmp_path: Path) -> None:
    supervisor = Supervisor({}, tmp_path, tmp_path)
    spec = ServiceSpec("broken", [sys.executable, "-c", "raise SystemExit(7)"], "http://127.0.0.1:9/")
    with pytest.raises(CandorError, match=r"E005 broken exited with code 7; see .*broken\.log"):
        supervisor.start(spec)


def test_a_taken_port_is_refused_instead_of_mistaken_for_our_server(tmp_path: Path) -> None:
    port = free_port()
    first = Supervisor({}, tmp_path, tmp_path)
    first.start(ServiceSpec("web", http_server(port), f"http://127.0.0.1:{port}/"))
    try:
        with pytest.raises(CandorError, match="E007 Cannot start again"):
            Supervisor({}, tmp_path, tmp_path).start(
                ServiceSpec("again", http_server(port), f"http://127.0.0.1:{port}/")
            )
    finally:
        first.stop()


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    spec = ServiceSpec("silent", [sys.executable, "-c", "import time; time.sleep(30)"],
                       f"http://127.0.0.1:{free_port()}/", startup_seconds=1.5)
    supervisor = Supervisor({}, tmp_path, tmp_path)
    try:
        with pytest.raises(CandorError, match="E004 silent did not become healthy"):
            supervisor.start(spec)
    finally:
        supervisor.stop()
