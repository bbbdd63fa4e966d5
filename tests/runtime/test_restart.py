"""``candor run`` restarts a process that died, but not a misconfigured one, and not for ever."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.runtime.supervisor import RestartBudget, Service, ServiceSpec, Supervisor


def exited(code: int, name: str = "rasa") -> Service:
    process = subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])
    process.wait()
    return Service(ServiceSpec(name, [], "http://127.0.0.1:1/"), process, Path("/dev/null"))


def test_a_crash_is_restarted_up_to_the_limit_within_the_window() -> None:
    budget = RestartBudget(limit=2, window=60.0)
    crash = exited(1)
    assert budget.allows(crash, now=0.0) and budget.allows(crash, now=1.0)
    assert not budget.allows(crash, now=2.0)  # a restart loop
    assert budget.allows(exited(1, "actions"), now=2.0)  # counted per service
    assert budget.allows(crash, now=61.5)  # the window has moved on


def test_a_configuration_failure_is_not_restarted() -> None:
    budget = RestartBudget()
    assert not budget.allows(exited(3))  # fail closed: not Candor's redacting components
    assert not budget.allows(exited(2))  # no model


def test_restart_starts_the_same_spec_again(tmp_path: Path) -> None:
    script = tmp_path / "serve.py"
    script.write_text("import http.server, sys\n"
                      "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), "
                      "http.server.SimpleHTTPRequestHandler).serve_forever()\n")
    from bot.runtime.services import free_port

    port = free_port()
    spec = ServiceSpec("web", [sys.executable, str(script), str(port)],
                       f"http://127.0.0.1:{port}/", startup_seconds=30)
    supervisor = Supervisor({}, tmp_path / "logs", tmp_path)
    try:
        first = supervisor.start(spec)
        first.process.kill()
        first.process.wait()
        second = supervisor.restart(first)
        assert second.process.poll() is None and second.process.pid != first.process.pid
        assert supervisor.services == [second]
    finally:
        supervisor.stop()
