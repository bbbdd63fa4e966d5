"""Start the Rasa server with Candor's start-up checks.

Rasa's ``serve_application`` accepts extra Sanic listeners; Candor adds one that runs after the
agent is loaded and stops the server (exit code 3) when :func:`bot.runtime.fail_closed.violations`
finds a component that is not Candor's. Logs (level ``LOG_LEVEL``, default INFO, as for Rasa's
CLI) go through the redacting log filter.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

EXIT_UNSAFE = 3


def serve(
    model: Path,
    port: int,
    endpoints_file: Path,
    credentials_file: Path,
    host: str = "127.0.0.1",
    cors: str | None = None,
    auth_token: str | None = None,
    log_file: Path | None = None,
) -> int:
    """Run the Rasa server until it is stopped; return the process exit code."""
    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot.compliance.log_redaction import install_log_redaction
    from bot.runtime.fail_closed import violations
    from bot.settings import load_settings

    # Rasa's CLI configures its loggers; without that, structlog prints every debug event
    # (with the customer's raw text) straight to stdout, past the redacting log filter.
    level = logging.getLevelName(load_settings().log_level)
    configure_logging_and_warnings(level)
    configure_structlog(level)
    install_log_redaction()
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    problems: list[str] = []

    async def check_agent(app: Any, _loop: Any) -> None:
        problems.extend(violations(app.ctx.agent, str(endpoints_file)))
        for problem in problems:
            logger.critical(problem)
        if problems:
            app.stop()

    serve_application(
        model_path=str(model),
        interface=host,
        port=port,
        credentials=str(credentials_file),
        endpoints=endpoints,
        cors=cors,
        auth_token=auth_token,
        enable_api=True,
        log_file=str(log_file) if log_file else None,
        server_listeners=[(check_agent, "after_server_start")],
    )
    return EXIT_UNSAFE if problems else 0
