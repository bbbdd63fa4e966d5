"""The processes that make up Candor on one machine, and where they listen.

Ports come from the environment (``CANDOR_RASA_PORT``, ``CANDOR_ACTIONS_PORT``,
``CANDOR_CONSOLE_PORT``, host ``CANDOR_HOST``) so several copies, such as the tests', can run
side by side. Customers reach the Rasa server through the gateway on ``CANDOR_RASA_PORT``
(:mod:`bot.runtime.gateway`); Rasa itself listens on ``CANDOR_RASA_UPSTREAM_PORT``, by default
a free port chosen at start.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.paths import PROJECT_ROOT, CandorHome
from bot.runtime.supervisor import ServiceSpec, Supervisor, candor_argv
from bot.settings import (
    DEFAULT_ACTIONS_PORT,
    DEFAULT_CONSOLE_PORT,
    DEFAULT_HOST,
    DEFAULT_RASA_PORT,
    load_settings,
    runtime_env,
)


@dataclass(frozen=True)
class Ports:
    """Where each process listens."""

    host: str = DEFAULT_HOST
    rasa: int = DEFAULT_RASA_PORT
    actions: int = DEFAULT_ACTIONS_PORT
    console: int = DEFAULT_CONSOLE_PORT
    #: Where the Rasa server itself listens, behind the gateway on ``rasa`` (0: a free port).
    rasa_upstream: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Ports:
        settings = load_settings(env)
        return cls(settings.host, settings.rasa_port, settings.actions_port, settings.console_port,
                   settings.rasa_upstream_port)

    def url(self, port: int, path: str = "") -> str:
        return f"http://{self.host}:{port}{path}"


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def action_url(ports: Ports) -> str:
    """The action server's webhook, as Rasa's endpoints.yml reads it (``CANDOR_ACTION_URL``)."""
    return ports.url(ports.actions, "/webhook")


def product_env(base: Mapping[str, str], ports: Ports) -> dict[str, str]:
    """Environment shared by the product's processes."""
    env = dict(base)
    env["CANDOR_ACTION_URL"] = action_url(ports)
    env.setdefault("CANDOR_RASA_TOKEN", secrets.token_urlsafe(24))
    # Where browsers reach Rasa: the console renders it into the widget's data-server-url.
    env.setdefault("CANDOR_RASA_PUBLIC_URL", ports.url(ports.rasa))
    return env


def product_supervisor(home: CandorHome, ports: Ports) -> Supervisor:
    """A supervisor for the product's processes: state under ``home``, logs in its logs/."""
    return Supervisor(product_env(runtime_env(home), ports), home.logs, PROJECT_ROOT)


def product_services(
    home: CandorHome, ports: Ports, model: Path, root: Path = PROJECT_ROOT
) -> list[ServiceSpec]:
    """The processes of ``candor run``, in start order.

    Action server, Rasa (which calls it), the transcript follower, Rasa's gateway, console.
    """
    upstream = ports.rasa_upstream or free_port(ports.host)
    follower = free_port(ports.host)
    return [
        ServiceSpec(
            "actions",
            candor_argv("serve", "actions", "--host", ports.host, "--port", str(ports.actions)),
            ports.url(ports.actions, "/health"),
        ),
        ServiceSpec(
            "rasa",
            candor_argv(
                "serve", "rasa", "--model", str(model), "--host", ports.host,
                "--port", str(upstream), "--endpoints", str(root / "endpoints.yml"),
                "--credentials", str(root / "credentials.yml"),
                "--log-file", str(home.logs / "rasa-server.log"),
                "--cors", ports.url(ports.console),
            ),
            ports.url(upstream, "/webhooks/rest/"),
            # Loading the model, then each worker's warm-up parse (rasa_server): minutes on a
            # busy 2-core machine.
            startup_seconds=600.0,
        ),
        # Applies the tracker store's events to the transcript database, at a lower CPU
        # priority than the Rasa workers (bot.runtime.follower); after Rasa, which migrates.
        ServiceSpec(
            "transcripts",
            candor_argv("transcripts", "follow", "--host", ports.host, "--port", str(follower)),
            ports.url(follower, "/health"),
        ),
        ServiceSpec(
            "gateway",
            candor_argv("serve", "gateway", "--host", ports.host, "--port", str(ports.rasa),
                        "--upstream-port", str(upstream), "--cors", ports.url(ports.console)),
            ports.url(ports.rasa, "/webhooks/rest/"),
        ),
        ServiceSpec(
            "console",
            candor_argv("serve", "console", "--host", ports.host, "--port", str(ports.console)),
            ports.url(ports.console, "/health"),
        ),
    ]
