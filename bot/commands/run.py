"""``candor run``: train if needed, start every process, print the URLs; Ctrl-C stops all.

A process that dies is restarted (at most 5 times in 10 minutes each, never after a
configuration failure); while the Rasa server restarts, its gateway answers customers 503 E028.
"""

from __future__ import annotations

import argparse
import signal
import time
from typing import Any

from bot.errors import CandorError


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor run``."""
    parser = subparsers.add_parser("run", help="train if needed and start everything")
    parser.set_defaults(func=run)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Train if needed, start every process, print the URLs; returns when one stops."""
    from bot.runtime.services import Ports, product_services, product_supervisor
    from bot.runtime.supervisor import RestartBudget
    from bot.runtime.training import ensure_model
    from bot.settings import candor_home, export, process_env
    from bot.settings.console import local_secrets

    home = candor_home().ensure()
    made = local_secrets(home.root / "secrets" / "console.env", process_env())
    if made:
        export(made)
        print(f"note: {', '.join(sorted(made))} not set; using local ones kept in "
              f"{home.root / 'secrets' / 'console.env'} (set them from a secret manager in "
              "production)", flush=True)
    ports = Ports.from_env()
    model = ensure_model(home)
    supervisor = product_supervisor(home, ports)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    started = time.monotonic()
    try:
        for spec in product_services(home, ports, model):
            print(f"starting {spec.name} ...", flush=True)
            supervisor.start(spec)
        print(
            f"\nCandor is running ({time.monotonic() - started:.0f}s to start):\n"
            f"  Rasa server (REST)   {ports.url(ports.rasa, '/webhooks/rest/webhook')}\n"
            f"  Rasa server (socket) {ports.url(ports.rasa, '/socket.io/')}\n"
            f"  Action server        {ports.url(ports.actions, '/webhook')}\n"
            f"  Console              {ports.url(ports.console, '/')}\n"
            f"  Logs                 {home.logs}\n"
            "Press Ctrl-C to stop.",
            flush=True,
        )
        budget = RestartBudget()
        while True:
            exited = supervisor.first_exited()
            if exited is None:
                time.sleep(1)
                continue
            code = exited.process.returncode
            if not budget.allows(exited):
                print(f"{exited.spec.name} stopped (exit code {code}); see {exited.log}")
                return 1
            print(f"{exited.spec.name} exited (code {code}); restarting ...", flush=True)
            supervisor.restart(exited)
            print(f"{exited.spec.name} is back", flush=True)
    except CandorError as err:
        print(err)
        return 1
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        supervisor.stop()
