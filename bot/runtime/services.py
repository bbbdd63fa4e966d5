"""The processes that make up Candor on one machine, and where they listen.

Ports come from the environment (``CANDOR_RASA_PORT``, ``CANDOR_ACTIONS_PORT``,
``CANDOR_CONSOLE_PORT``, host ``CANDOR_HOST``) so several copies, such as the tests', can run
side by side.
"""

from __future__ import annotations

import secrets
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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Ports:
        settings = load_settings(env)
        return cls(settings.host, settings.rasa_port, settings.actions_port, settings.console_port)

    def url(self, port: int, path: str = "") -> str:
        return f"http://{self.host}:{port}{path}"


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
    """Action server, then Rasa (which calls it), then the console, in start order."""
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
                "--port", str(ports.rasa), "--endpoints", str(root / "endpoints.yml"),
                "--credentials", str(root / "credentials.yml"),
                "--log-file", str(home.logs / "rasa-server.log"),
                "--cors", ports.url(ports.console),
            ),
            ports.url(ports.rasa, "/webhooks/rest/"),
            startup_seconds=300.0,
        ),
        ServiceSpec(
            "console",
            candor_argv("serve", "console", "--host", ports.host, "--port", str(ports.console)),
            ports.url(ports.console, "/health"),
        ),
    ]
