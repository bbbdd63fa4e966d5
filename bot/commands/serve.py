"""``candor serve rasa|gateway|actions|console``: run one of Candor's processes in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.settings import DEFAULT_ACTIONS_PORT, DEFAULT_CONSOLE_PORT, DEFAULT_RASA_PORT


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``candor serve rasa|gateway|actions|console``."""
    parser = subparsers.add_parser("serve", help="run one process (used by `candor run`)")
    which = parser.add_subparsers(dest="process", metavar="PROCESS", required=True)

    rasa = which.add_parser("rasa", help="the Rasa server, with Candor's start-up checks")
    rasa.add_argument("--model", type=Path, required=True)
    rasa.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    rasa.add_argument("--credentials", type=Path, default=Path("credentials.yml"))
    rasa.add_argument("--log-file", type=Path)
    rasa.add_argument("--cors", help="allowed origins for the widget, e.g. http://localhost:8000")
    rasa.set_defaults(func=serve_rasa)

    gateway = which.add_parser(
        "gateway", help="the Rasa server's public port: relays to it, answers 503 while it is down")
    gateway.add_argument("--upstream-port", type=int, required=True,
                         help="where the Rasa server listens (same host)")
    gateway.add_argument("--cors", action="append", default=[],
                         help="an origin allowed to read the 503 (the widget's); repeatable")
    gateway.set_defaults(func=serve_gateway)

    actions = which.add_parser("actions", help="the action server (Rasa SDK)")
    actions.set_defaults(func=serve_actions)

    console = which.add_parser("console", help="the console web app")
    console.set_defaults(func=serve_console)

    ports = ((rasa, DEFAULT_RASA_PORT), (gateway, DEFAULT_RASA_PORT), (actions, DEFAULT_ACTIONS_PORT),
             (console, DEFAULT_CONSOLE_PORT))
    for sub, default_port in ports:
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=default_port)


def serve_rasa(args: argparse.Namespace) -> int:
    """The Rasa server with the fail-closed checks (E002 when the model is missing)."""
    from bot.errors import Errors
    from bot.runtime.rasa_server import serve
    from bot.settings import load_settings

    if not args.model.exists():
        print(Errors.E002.format(models=args.model))
        return 2
    return serve(
        model=args.model, port=args.port, host=args.host, endpoints_file=args.endpoints,
        credentials_file=args.credentials, cors=args.cors, log_file=args.log_file,
        auth_token=load_settings().rasa_token,
    )


def serve_gateway(args: argparse.Namespace) -> int:
    """The gateway in front of the Rasa server (see :mod:`bot.runtime.gateway`)."""
    import asyncio
    import logging

    from bot.runtime.gateway import Gateway, serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(serve(args.host, args.port,
                          Gateway(args.host, args.upstream_port, tuple(args.cors))))
    except KeyboardInterrupt:
        pass
    return 0


def serve_actions(args: argparse.Namespace) -> int:
    """The Rasa SDK action server, logging through the redacting filter."""
    from rasa_sdk.endpoint import run

    from bot.compliance.log_redaction import install_log_redaction
    from bot.settings import export

    install_log_redaction()
    export({"SANIC_HOST": args.host})  # rasa_sdk binds 0.0.0.0 unless told otherwise
    run("actions", port=args.port, cors_origins=None)
    return 0


def serve_console(args: argparse.Namespace) -> int:
    """The console (uvicorn), on its own port, never on the public bot endpoint."""
    import uvicorn

    from bot.web.app import create_app

    # ws="none": the console serves no websockets, and uvicorn's auto-detected websockets
    # implementation needs a newer `websockets` than Rasa pins (ImportError at start-up).
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info", ws="none")
    return 0
