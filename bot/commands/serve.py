"""``candor serve rasa|actions|console``: run one of Candor's processes in the foreground."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser("serve", help="run one process (used by `candor run`)")
    which = parser.add_subparsers(dest="process", metavar="PROCESS", required=True)

    rasa = which.add_parser("rasa", help="the Rasa server, with Candor's start-up checks")
    rasa.add_argument("--model", type=Path, required=True)
    rasa.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    rasa.add_argument("--credentials", type=Path, default=Path("credentials.yml"))
    rasa.add_argument("--log-file", type=Path)
    rasa.add_argument("--cors", help="allowed origins for the widget, e.g. http://localhost:8000")
    rasa.set_defaults(func=serve_rasa)

    actions = which.add_parser("actions", help="the action server (Rasa SDK)")
    actions.set_defaults(func=serve_actions)

    console = which.add_parser("console", help="the console web app")
    console.set_defaults(func=serve_console)

    for sub, default_port in ((rasa, 5005), (actions, 5055), (console, 8000)):
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=default_port)


def serve_rasa(args: argparse.Namespace) -> int:
    from bot.rasa_server import serve

    return serve(
        model=args.model, port=args.port, host=args.host, endpoints_file=args.endpoints,
        credentials_file=args.credentials, cors=args.cors, log_file=args.log_file,
        auth_token=os.environ.get("CANDOR_RASA_TOKEN"),
    )


def serve_actions(args: argparse.Namespace) -> int:
    from rasa_sdk.endpoint import run

    from bot.compliance.log_redaction import install_log_redaction

    install_log_redaction()
    os.environ["SANIC_HOST"] = args.host  # rasa_sdk binds 0.0.0.0 unless told otherwise
    run("actions", port=args.port, cors_origins=None)
    return 0


def serve_console(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.web.app import create_app

    # ws="none": the console serves no websockets, and uvicorn's auto-detected websockets
    # implementation needs a newer `websockets` than Rasa pins (ImportError at start-up).
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info", ws="none")
    return 0
