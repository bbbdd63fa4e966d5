"""Start the Rasa server with Candor's start-up checks.

Rasa's ``serve_application`` accepts extra Sanic listeners; Candor adds one that runs after the
agent is loaded and stops the server (exit code 3) when :func:`bot.runtime.fail_closed.violations`
finds a component that is not Candor's. Logs (level ``LOG_LEVEL``, default INFO, as for Rasa's
CLI) go through the redacting log filter.

Both cores: with a lock store shared between processes (SQLite by default, Redis when scaled
out) Sanic forks ``CANDOR_RASA_WORKERS`` workers. The transcript database is migrated once
before the fork; a worker that finds an unsafe component stops them all (exit code 3), and a
worker dies with its parent, so ``kill -9`` of the server leaves no orphan serving the port.

Each worker parses one message before it serves (``warm_up``), so a (re)started server's first
customers do not wait for TensorFlow to build its graphs; the gateway forwards to it only once
its health check answers, which is after that. Then everything loaded so far is frozen out
of the garbage collector's view (:func:`freeze_loaded_objects`).
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

EXIT_UNSAFE = 3
#: Parsed once by each worker at start-up (no conversation, nothing stored).
WARM_UP_MESSAGE = "hello, how do I activate my new card?"
GIL_SWITCH_SECONDS = 0.0005  # see serve(): Python's default is 0.005


def freeze_loaded_objects() -> None:
    """Keep the loaded model out of every later full garbage collection.

    A worker holds millions of long-lived objects (Rasa, TensorFlow, spaCy, the model). Each
    full collection walked all of them with the interpreter lock held: 0.43-0.49 s during which
    every conversation on that worker waited, about once a minute under load, which set the
    99th-percentile latency. Frozen, they are never walked again; later collections cover only
    what was created since (30-37 ms at most in the same load run). Nothing frozen is freed
    afterwards, which suits objects that live as long as the process anyway.
    """
    gc.collect()
    gc.freeze()


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
    from bot.runtime import action_results, event_classes, graph_runner
    from bot.runtime.action_endpoint import BoundedActionEndpoint
    from bot.runtime.fail_closed import violations
    from bot.settings import export, load_settings

    # Rasa's CLI configures its loggers; without that, structlog prints every debug event
    # (with the customer's raw text) straight to stdout, past the redacting log filter.
    level = logging.getLevelName(load_settings().log_level)
    configure_logging_and_warnings(level)
    configure_structlog(level)
    install_log_redaction()
    action_results.install()  # before the fork: every worker checks answers the cheap way
    graph_runner.install()  # and runs its model's graph without dask's scheduler
    event_classes.install()  # and finds stored events' classes by table
    endpoints = AvailableEndpoints.read_endpoints(str(endpoints_file))
    settings = load_settings()
    if endpoints.action is not None:  # seconds, not Rasa's five minutes; see action_endpoint
        endpoints.action = BoundedActionEndpoint.wrapping(endpoints.action,
                                                          settings.action_timeout_seconds)
    workers = settings.rasa_workers
    export({"SANIC_WORKERS": str(workers)})  # Rasa honours it only with a shared lock store
    migrate_before_fork(endpoints)
    unsafe = multiprocessing.get_context("fork").Value("i", 0)  # shared with forked workers

    async def die_with_parent(app: Any, _loop: Any) -> None:
        if os.getpid() != parent:  # a forked worker: never outlive a killed server
            _parent_death_signal(signal.SIGTERM)

    async def check_agent(app: Any, _loop: Any) -> None:
        problems = violations(app.ctx.agent, str(endpoints_file))
        for problem in problems:
            logger.critical(problem)
        if problems:
            unsafe.value = 1
            if os.getpid() != parent:
                # Sanic's main process stops every worker on SIGTERM; sent once this listener
                # has returned, because a stop requested during a listener is lost.
                asyncio.get_running_loop().call_later(0.1, os.kill, parent, signal.SIGTERM)
            else:
                app.stop()

    async def warm_up(app: Any, _loop: Any) -> None:
        # The first parse in a worker builds TensorFlow's graphs for the encoders: tens of
        # seconds on a busy machine. Done here, it holds the worker's event loop before any
        # customer's message (the health check, and so the gateway, waits), not during one.
        if unsafe.value:  # stopping: a SIGTERM that arrives during a listener is lost
            return
        await app.ctx.agent.parse_message(WARM_UP_MESSAGE)
        freeze_loaded_objects()

    parent = os.getpid()
    # The transcript writer and CSAT threads share each worker's interpreter lock with the
    # event loop, which gives it up at every encoder run, database call and socket write;
    # Python's default 5 ms before a waiting thread may take the lock back let a busy writer
    # stall every conversation on the loop (a convoy). Inherited by the forked workers.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)

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
        server_listeners=[(die_with_parent, "before_server_start"),
                          (check_agent, "after_server_start"),
                          (warm_up, "after_server_start")],
    )
    return EXIT_UNSAFE if unsafe.value else 0


#: Brokers whose transcript database is the local default, which the NLG reads responses from.
LOCAL_BROKERS = (".TranscriptEventBroker", ".FollowedTrackerBroker")


def migrate_before_fork(endpoints: Any) -> None:
    """Create or upgrade the transcript database once, before Sanic forks its workers."""
    from bot.transcripts.db import database_url, open_database

    broker = getattr(endpoints, "event_broker", None)
    if broker is not None and str(broker.type).endswith(LOCAL_BROKERS):
        # Disposed at once: forked workers open their own connections, never the parent's.
        open_database(broker.url or database_url()).engine.dispose()


def _parent_death_signal(sig: int) -> None:
    """Linux ``prctl(PR_SET_PDEATHSIG)``: the kernel sends ``sig`` when the parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        logger.warning("prctl is unavailable: a worker may outlive a killed Rasa server")
