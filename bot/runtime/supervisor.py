"""Start Candor's processes, wait until each is healthy, and stop them all together.

Used by ``candor run`` and by the end-to-end test fixtures, so the tests start the product the
way an operator does. Each process logs to ``$CANDOR_HOME/logs/<name>.log``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CandorError, Errors


@dataclass(frozen=True)
class ServiceSpec:
    """How to start one process and how to tell it is ready."""

    name: str
    argv: Sequence[str]
    health_url: str
    startup_seconds: float = 120.0


@dataclass
class Service:
    """A started process."""

    spec: ServiceSpec
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Supervisor:
    """Owns a group of processes: starts them in order, stops them in reverse."""

    env: dict[str, str]
    log_dir: Path
    cwd: Path
    services: list[Service] = field(default_factory=list)

    def start(self, spec: ServiceSpec) -> Service:
        """Start ``spec`` and block until its health URL answers (or raise E004/E005)."""
        if is_healthy(spec.health_url):  # something else already answers there
            raise CandorError(Errors.E007.format(name=spec.name, url=spec.health_url))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_dir / f"{spec.name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                list(spec.argv), cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        service = Service(spec, process, log)
        self.services.append(service)
        self._wait_healthy(service)
        return service

    def _wait_healthy(self, service: Service) -> None:
        deadline = time.monotonic() + service.spec.startup_seconds
        while time.monotonic() < deadline:
            code = service.process.poll()
            if code is not None:
                raise CandorError(Errors.E005.format(name=service.spec.name, code=code, log=service.log))
            if is_healthy(service.spec.health_url):
                return
            time.sleep(0.5)
        raise CandorError(
            Errors.E004.format(
                name=service.spec.name, url=service.spec.health_url,
                seconds=service.spec.startup_seconds, log=service.log,
            )
        )

    def first_exited(self) -> Service | None:
        """A service that has stopped on its own, if any."""
        return next((s for s in self.services if s.process.poll() is not None), None)

    def restart(self, service: Service) -> Service:
        """Start an exited ``service`` again (same argv and ports), blocking until healthy."""
        self.services.remove(service)
        return self.start(service.spec)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM every process group (newest first), SIGKILL what outlives ``timeout``."""
        for service in reversed(self.services):
            _signal_group(service.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for service in reversed(self.services):
            try:
                service.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(service.process, signal.SIGKILL)
                service.process.wait()
        self.services.clear()


#: Exit codes that mean "misconfigured", which a restart cannot fix: the model is missing (2),
#: or a component is not Candor's redacting one (3, fail closed).
NOT_RESTARTED = frozenset({2, 3})


@dataclass
class RestartBudget:
    """At most ``limit`` restarts of one service within ``window`` seconds (no restart loop)."""

    limit: int = 5
    window: float = 600.0
    _times: dict[str, list[float]] = field(default_factory=dict)

    def allows(self, service: Service, now: float | None = None) -> bool:
        """Whether ``service`` (exited) may be restarted now; counts the restart if so."""
        if service.process.returncode in NOT_RESTARTED:
            return False
        now = time.monotonic() if now is None else now
        recent = [t for t in self._times.get(service.spec.name, []) if now - t < self.window]
        if len(recent) >= self.limit:
            return False
        self._times[service.spec.name] = [*recent, now]
        return True


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass


def is_healthy(url: str) -> bool:
    """True when ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def candor_argv(*args: str) -> list[str]:
    """Run a ``candor`` sub-command with this interpreter (works without the venv on PATH)."""
    return [sys.executable, "-m", "bot.cli", *args]
