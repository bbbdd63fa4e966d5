"""The servers ``candor bench load`` drives: Candor as an operator starts it, and a stock bot.

- :func:`start_candor`: ``candor run`` in a subprocess with a throw-away ``CANDOR_HOME`` and free
  ports; ``--model`` links an existing model in under the name ``candor run`` looks for, so it
  does not train.
- :func:`start_stock`: ``rasa init --no-prompt`` in a folder (trains Rasa's example bot), then
  ``rasa run --enable-api`` there: in-memory tracker store, no action server, the same Rasa.
- :func:`start_services`: for ``--faults``, the three processes started one by one with the argv
  :func:`~bot.runtime.services.product_services` builds (what ``candor run`` starts), so one of
  them can be killed and restarted while the others keep running.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.bench.load_procs import descendants, parent_map
from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.services import Ports, free_port, product_env, product_services
from bot.runtime.supervisor import Service, ServiceSpec, Supervisor, candor_argv, is_healthy
from bot.runtime.training import ensure_model, model_path
from bot.settings import process_env, runtime_env


def free_ports(host: str = "127.0.0.1") -> Ports:
    """Distinct free ports for the gateway, the action server, the console and Rasa itself."""
    ports: set[int] = set()
    while len(ports) < 4:
        ports.add(free_port(host))
    rasa, actions, console, upstream = sorted(ports)
    return Ports(host, rasa, actions, console, upstream)


def port_env(ports: Ports) -> dict[str, str]:
    """The ``CANDOR_*`` variables that put Candor on ``ports``."""
    return {"CANDOR_HOST": ports.host, "CANDOR_RASA_PORT": str(ports.rasa),
            "CANDOR_ACTIONS_PORT": str(ports.actions), "CANDOR_CONSOLE_PORT": str(ports.console),
            "CANDOR_RASA_UPSTREAM_PORT": str(ports.rasa_upstream)}


def link_model(model: Path, home: CandorHome) -> Path:
    """Make ``model`` the one ``candor run`` finds in ``home`` (symlink, else copy)."""
    target = model_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        target.symlink_to(model.resolve())
    except OSError:
        shutil.copyfile(model, target)
    return target


@dataclass
class Stack:
    """A started server process (with its children) and the log it writes."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    health: list[str] = field(default_factory=list)

    def pids(self) -> list[int]:
        """The root process, while it runs (the sampler adds its descendants)."""
        return [self.process.pid] if self.process.poll() is None else []


def _wait(stack: Stack, seconds: float, healthy: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"{stack.name} exited with code {stack.process.returncode}; "
                               f"see {stack.log}")
        if healthy():
            return
        time.sleep(1.0)
    raise RuntimeError(f"{stack.name} was not ready within {seconds:.0f} s; see {stack.log}")


def _popen(argv: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def start_candor(home: CandorHome, ports: Ports, model: Path | None, startup: float) -> Stack:
    """``candor run`` on ``ports`` with state in ``home``; returns once all three are healthy."""
    home.ensure()
    if model is not None:
        link_model(model, home)
    env = runtime_env(home, {**process_env(), **port_env(ports)})
    process = _popen(candor_argv("run"), PROJECT_ROOT, env, home.logs / "candor-run.log")
    health = [ports.url(ports.rasa, "/webhooks/rest/"), ports.url(ports.actions, "/health"),
              ports.url(ports.console, "/health")]
    stack = Stack("candor run", process, home.logs / "candor-run.log", health)
    _wait(stack, startup, lambda: all(is_healthy(u) for u in health))
    return stack


def stock_env(folder: Path) -> dict[str, str]:
    """The stock bot's environment: no telemetry, home and caches inside the work folder."""
    return runtime_env(CandorHome(folder.parent / "stock-home"))


def init_stock(folder: Path, log: Path) -> None:
    """``rasa init --no-prompt`` into ``folder`` unless it already holds a trained model."""
    if list((folder / "models").glob("*.tar.gz")):
        return
    folder.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(folder)]
    with log.open("ab") as out:
        subprocess.run(argv, cwd=folder, env=stock_env(folder), stdout=out,
                       stderr=subprocess.STDOUT, check=True)


def start_stock(folder: Path, host: str, port: int, startup: float) -> Stack:
    """``rasa run --enable-api`` in an initialised stock bot folder."""
    log = folder / "rasa-run.log"
    argv = [sys.executable, "-m", "rasa", "run", "--enable-api", "-i", host, "--port", str(port)]
    process = _popen(argv, folder, stock_env(folder), log)
    health = [f"http://{host}:{port}/webhooks/rest/"]
    stack = Stack("stock rasa run", process, log, health)
    _wait(stack, startup, lambda: is_healthy(health[0]))
    return stack


def stop(stack: Stack, timeout: float = 40.0) -> None:
    """SIGTERM the process (``candor run`` then stops its children), SIGKILL what is left."""
    pids = descendants(stack.process.pid, parent_map())
    if stack.process.poll() is None:
        os.killpg(stack.process.pid, signal.SIGTERM)
        try:
            stack.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(stack.process.pid, signal.SIGKILL)
            stack.process.wait()
    for pid in pids:  # only processes this stack started
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def services_supervisor(home: CandorHome, ports: Ports,
                        extra: Mapping[str, str] | None = None) -> Supervisor:
    """A supervisor with the environment ``candor run`` gives its processes (plus ``extra``).

    Like ``candor run``, it makes the console's secrets for the throw-away home when none are set
    (the console refuses to start without them, E701/E702).
    """
    from bot.settings.console import local_secrets

    base = {**process_env(), **port_env(ports), **(extra or {})}
    base.update(local_secrets(home.root / "secrets" / "console.env", base))
    return Supervisor(product_env(runtime_env(home, base), ports), home.logs, PROJECT_ROOT)


def model_for(home: CandorHome, model: Path | None) -> Path:
    """``model`` linked into ``home``, else the project's model (trained if missing)."""
    home.ensure()
    return link_model(model, home) if model is not None else ensure_model(home)


def start_services(home: CandorHome, ports: Ports,
                   model: Path | None) -> tuple[Supervisor, list[ServiceSpec]]:
    """Start the product's processes one by one (as ``candor run`` does) for fault injection."""
    supervisor = services_supervisor(home, ports)
    specs = product_services(home, ports, model_for(home, model))
    try:
        for spec in specs:
            supervisor.start(spec)
    except Exception:
        supervisor.stop()
        raise
    return supervisor, specs


def running(supervisor: Supervisor, name: str) -> Service:
    """The live (latest) process of the service called ``name``."""
    return [s for s in supervisor.services if s.spec.name == name][-1]


def kill(supervisor: Supervisor, name: str) -> None:
    """``kill -9`` a service's whole process group (its workers too) and reap it."""
    service = running(supervisor, name)
    try:
        os.killpg(service.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    service.process.wait()
