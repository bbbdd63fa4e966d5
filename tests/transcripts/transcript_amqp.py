"""Small RabbitMQ helpers for the worker and scale-out tests (aio-pika, as Rasa uses)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tests.transcripts.transcript_services import AMQP_URL


async def _declare(exchange: str, queue: str) -> Any:
    import aio_pika

    connection = await aio_pika.connect_robust(AMQP_URL)
    channel = await connection.channel()
    ex = await channel.declare_exchange(exchange, aio_pika.ExchangeType.FANOUT)
    q = await channel.declare_queue(queue, durable=True)
    await q.bind(ex, "")
    return connection, ex, q, channel


def publish(exchange: str, queue: str, events: Iterable[dict[str, Any]]) -> None:
    """Publish persistent JSON events as Rasa's Pika broker does."""
    import aio_pika

    async def run() -> None:
        connection, ex, _, _ = await _declare(exchange, queue)
        async with connection:
            for event in events:
                await ex.publish(aio_pika.Message(json.dumps(event).encode(),
                                 delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")

    asyncio.run(run())


def queue_depth(exchange: str, queue: str) -> int:
    """Messages waiting (not counting unacknowledged ones)."""

    async def run() -> int:
        connection, _, _, channel = await _declare(exchange, queue)
        async with connection:
            result = await channel.declare_queue(queue, durable=True, passive=True)
            return int(result.declaration_result.message_count or 0)

    return asyncio.run(run())


def delete(exchange: str, queue: str) -> None:
    """Remove the test's queue and exchange."""

    async def run() -> None:
        connection, ex, q, _ = await _declare(exchange, queue)
        async with connection:
            await q.delete(if_unused=False, if_empty=False)
            await ex.delete()

    asyncio.run(run())


def start_worker(argv: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """``candor transcripts worker`` in its own process group."""
    with log.open("ab") as out:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    """Kill the worker's whole group (SIGKILL: a crash, no clean shutdown)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def wait_for(condition: Callable[[], bool], seconds: float, what: str,
             process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``condition`` until true or fail with ``what`` (at once if ``process`` died)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process exited ({process.returncode}) before {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")
