"""Closed-loop customers for ``candor bench load``: REST webhook and socket.io.

Each client runs one fresh conversation after another (unique sender id, the script from
:func:`~bot.bench.load_stats.conversation_script`), sends one message, waits for the answer,
sends the next: no think time, so the bot's speed sets the pace. Every message becomes a
:class:`~bot.bench.load_stats.Sample`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.bench.load_stats import (
    CONNECTION,
    EMPTY,
    HTTP,
    OK,
    TIMEOUT,
    Sample,
    conversation_script,
)

REST_PATH = "/webhooks/rest/webhook"
#: After a refused connection, a customer's widget waits a little before the next message.
RETRY_PAUSE = 0.5
#: socket.io has no end-of-turn event: a turn is over when no message came for this long.
SOCKETIO_QUIET = 0.25


@dataclass(frozen=True)
class Target:
    """A bot to drive: its name in the report, channel and base URL (``http://host:port``)."""

    bot: str
    channel: str
    base_url: str


@dataclass
class Tally:
    """What a level's clients share: the samples and the number of conversations finished."""

    origin: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    conversations: int = 0
    #: When the last client stopped (the level's wall time; closing connections not included).
    finished: float = 0.0
    #: socket.io disconnects in the background: a polling disconnect waits out the long poll,
    #: which would otherwise idle the client, like a customer who closed the tab.
    closing: list[asyncio.Future[Any]] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.origin


def classify(status: int, body: str) -> Sample:
    """Outcome of an HTTP answer (latency and start filled in by the caller)."""
    if 200 <= status < 300:
        try:
            messages = json.loads(body)
        except ValueError:
            messages = None
        ok = isinstance(messages, list) and any(isinstance(m, dict) and m for m in messages)
        return Sample(0.0, 0.0, OK if ok else EMPTY, status)
    code = None
    try:
        error = json.loads(body).get("error")
        code = error.get("code") if isinstance(error, dict) else None
    except (ValueError, AttributeError):
        pass
    return Sample(0.0, 0.0, HTTP, status, code, traceback="Traceback" in body)


async def rest_message(session: aiohttp.ClientSession, url: str, sender: str, text: str,
                       timeout: float, tally: Tally) -> Sample:
    """POST one message; time it and classify the answer."""
    started = tally.now()
    try:
        async with session.post(url, json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            result = classify(response.status, await response.text())
    except asyncio.TimeoutError:
        result = Sample(0.0, 0.0, TIMEOUT)
    except aiohttp.ClientError as err:  # refused, reset, dropped: which one, for the report
        result = Sample(0.0, 0.0, CONNECTION, code=type(err).__name__)
    return Sample(round(started, 4), round(tally.now() - started, 4), result.outcome,
                  result.status, result.code, result.traceback)


def sender_id(prefix: str, client: int) -> str:
    """A sender id unique per conversation, valid for Candor's channels."""
    return f"{prefix}-{client}-{uuid.uuid4().hex[:16]}"


async def rest_client(session: aiohttp.ClientSession, target: Target, client: int,
                      pool: Sequence[str], rng: random.Random, until: Callable[[], bool],
                      timeout: float, tally: Tally) -> None:
    """One customer after another on the REST webhook until ``until()`` is true."""
    url = target.base_url + REST_PATH
    while not until():
        sender = sender_id(f"load-{target.bot}", client)
        for text in conversation_script(pool, rng):
            if until():
                return
            sample = await rest_message(session, url, sender, text, timeout, tally)
            tally.samples.append(sample)
            if sample.outcome == CONNECTION:
                await asyncio.sleep(RETRY_PAUSE)
        tally.conversations += 1


async def _next_reply(queue: asyncio.Queue[tuple[str, Any]], timeout: float) -> tuple[str, Any]:
    return await asyncio.wait_for(queue.get(), timeout)


async def _socketio_turn(sio: Any, queue: asyncio.Queue[tuple[str, Any]], session_id: str,
                         text: str, timeout: float, tally: Tally) -> Sample:
    """Send one message; latency is the time to the first reply; then wait out the turn."""
    while not queue.empty():
        queue.get_nowait()
    started = tally.now()
    await sio.emit("user_uttered", {"message": text, "session_id": session_id})
    try:
        kind, data = await _next_reply(queue, timeout)
    except asyncio.TimeoutError:
        return Sample(round(started, 4), round(timeout, 4), TIMEOUT)
    latency = round(tally.now() - started, 4)
    with contextlib.suppress(asyncio.TimeoutError):
        while True:  # the rest of the turn's messages
            await _next_reply(queue, SOCKETIO_QUIET)
    if kind == "candor_error":
        error = (data or {}).get("error") or {}
        return Sample(round(started, 4), latency, HTTP, 503, error.get("code"))
    return Sample(round(started, 4), latency, OK)


async def socketio_conversation(target: Target, script: Sequence[str], client: int,
                                until: Callable[[], bool], timeout: float, tally: Tally) -> bool:
    """One conversation over socket.io; False if it could not connect.

    Polling transport: the installed python-engineio's websocket transport needs a newer aiohttp
    than Rasa pins (``aiohttp.ClientWSTimeout``).
    """
    import socketio

    sio = socketio.AsyncClient(reconnection=False)
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    for event in ("bot_uttered", "candor_error", "session_confirm"):
        sio.on(event, (lambda name: lambda data=None: queue.put_nowait((name, data)))(event))
    session_id = sender_id(f"load-{target.bot}-sio", client)
    try:
        await sio.connect(target.base_url, socketio_path="/socket.io",
                          transports=["polling"], wait_timeout=10)
        await sio.emit("session_request", {"session_id": session_id})
        await _next_reply(queue, 10)
    except Exception:  # noqa: BLE001 - refused, timed out, protocol error: a failed connect
        tally.samples.append(Sample(round(tally.now(), 4), 0.0, CONNECTION))
        tally.closing.append(asyncio.ensure_future(sio.disconnect()))
        return False
    try:
        for text in script:
            if until():
                break
            tally.samples.append(await _socketio_turn(sio, queue, session_id, text, timeout, tally))
    finally:
        tally.closing.append(asyncio.ensure_future(sio.disconnect()))
    return True


async def socketio_client(target: Target, client: int, pool: Sequence[str], rng: random.Random,
                          until: Callable[[], bool], timeout: float, tally: Tally) -> None:
    """One socket.io customer after another (a new connection each) until ``until()``."""
    while not until():
        if not await socketio_conversation(target, conversation_script(pool, rng), client, until,
                                           timeout, tally):
            await asyncio.sleep(RETRY_PAUSE)
            continue
        tally.conversations += 1


async def drive(target: Target, concurrency: int, until: Callable[[], bool],
                pool: Sequence[str], seed: int, timeout: float, tally: Tally) -> None:
    """Run ``concurrency`` closed-loop clients until ``until()`` is true."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        clients = []
        for i in range(concurrency):
            rng = random.Random(seed * 1000 + i)
            if target.channel == "socketio":
                clients.append(socketio_client(target, i, pool, rng, until, timeout, tally))
            else:
                clients.append(rest_client(session, target, i, pool, rng, until, timeout, tally))
        await asyncio.gather(*clients)
        tally.finished = tally.now()
        await close(tally)


async def close(tally: Tally, seconds: float = 40.0) -> None:
    """Wait for the background disconnects (cancel what is still open after ``seconds``)."""
    if tally.closing:
        _, pending = await asyncio.wait(tally.closing, timeout=seconds)
        for task in pending:
            task.cancel()
        tally.closing.clear()


def run_level(target: Target, concurrency: int, seconds: float, pool: Sequence[str],
              seed: int, timeout: float) -> tuple[Tally, float]:
    """Drive ``target`` for ``seconds`` (messages in flight then finish); tally and wall time."""
    tally = Tally()
    deadline = seconds

    def until() -> bool:
        return tally.now() >= deadline

    asyncio.run(drive(target, concurrency, until, pool, seed, timeout, tally))
    return tally, tally.finished


def probe(target: Target, pool: Sequence[str], timeout: float) -> str | None:
    """One conversation's greeting; None if answered, else why not (to skip the channel)."""
    tally = Tally()
    script = [conversation_script(pool, random.Random(0))[0]]

    async def once() -> None:
        if target.channel == "socketio":
            await socketio_conversation(target, script, 0, lambda: False, timeout, tally)
            await close(tally)
        else:
            async with aiohttp.ClientSession() as session:
                tally.samples.append(await rest_message(
                    session, target.base_url + REST_PATH, sender_id("probe", 0), script[0],
                    timeout, tally))

    try:
        asyncio.run(once())
    except Exception as err:  # noqa: BLE001 - any failure means: skip this channel, say why
        return f"{target.bot} {target.channel}: {type(err).__name__}: {err}"
    sample = tally.samples[0] if tally.samples else None
    if sample is not None and sample.outcome == OK:
        return None
    what = "nothing" if sample is None else sample.label
    return (f"{target.bot} {target.channel}: no reply to a greeting within {timeout:.0f} s "
            f"({what})")
