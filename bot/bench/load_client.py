"""Closed-loop customers for ``candor bench load``: REST webhook and socket.io.

Each client runs one fresh conversation after another (unique sender id, the script from
:func:`~bot.bench.load_stats.conversation_script`), sends one message, waits for the answer,
sends the next: no think time, so the bot's speed sets the pace. Every message becomes a
:class:`~bot.bench.load_stats.Sample`.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
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
#: After a refused connection or a 503, a customer's widget waits a little before the next
#: message (the real widget backs off from 1 s; the gateway's 503 says ``Retry-After: 5``).
RETRY_PAUSE = 0.5


@dataclass(frozen=True)
class Target:
    """A bot to drive: its name in the report, channel and base URL (``http://host:port``)."""

    bot: str
    channel: str
    base_url: str
    #: socket.io only: ``websocket`` (what the widget uses, and all Candor serves with several
    #: Sanic workers) or ``polling``.
    transport: str = "websocket"


@dataclass
class Tally:
    """What a level's clients share: the samples and the number of conversations finished."""

    origin: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    conversations: int = 0
    #: When the last client stopped (the level's wall time; closing connections not included).
    finished: float = 0.0
    #: socket.io disconnects in the background, like a customer who closed the tab: a polling
    #: disconnect waits out the long poll, which would otherwise idle the client.
    closing: list[threading.Thread] = field(default_factory=list)

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
            if sample.outcome == CONNECTION or sample.status == 503:
                await asyncio.sleep(RETRY_PAUSE)
        tally.conversations += 1


#: Refusals a socket.io acknowledgement can carry that mean "not processed, resend" (REST's 503).
SERVER_SIDE_CODES = frozenset({"E024", "E025", "E026"})


def classify_ack(ack: Any, received: int) -> Sample:
    """Outcome of a socket.io turn from its acknowledgement and the replies that arrived.

    Candor's channel acknowledges a ``user_uttered`` at the end of the turn with
    ``{"replies": n}`` or ``{"error": {"code": ...}}``; the customer only sees what arrived as
    ``bot_uttered``, so a turn without a reply is ``empty`` whatever the acknowledgement says.
    """
    error = ack.get("error") if isinstance(ack, dict) else None
    if isinstance(error, dict):
        code = error.get("code")
        return Sample(0.0, 0.0, HTTP, 503 if code in SERVER_SIDE_CODES else 400, code)
    return Sample(0.0, 0.0, OK if received else EMPTY)


def _disconnect_later(sio: Any, tally: Tally) -> None:
    thread = threading.Thread(target=sio.disconnect, daemon=True, name="sio-disconnect")
    thread.start()
    tally.closing.append(thread)


def socketio_conversation(target: Target, script: Sequence[str], client: int,
                          until: Callable[[], bool], timeout: float, tally: Tally,
                          transport: str = "websocket") -> bool:
    """One conversation over socket.io, blocking (run in a thread); False if it could not connect.

    python-socketio's synchronous client: the asyncio client's websocket transport needs a newer
    aiohttp than Rasa pins. The end of a turn is the channel's acknowledgement; a server that
    sends none (``None``) is judged by the replies that arrived before :func:`socketio.Client.call`
    returned or timed out.
    """
    import socketio

    sio = socketio.Client(reconnection=False)
    replies: list[Any] = []
    sio.on("bot_uttered", replies.append)
    session_id = sender_id(f"load-{target.bot}-sio", client)
    try:
        sio.connect(target.base_url, transports=[transport], socketio_path="socket.io",
                    wait_timeout=10)
        sio.call("session_request", {"session_id": session_id}, timeout=10)
    except Exception as err:  # noqa: BLE001 - refused, timed out, protocol error: a failed connect
        tally.samples.append(Sample(round(tally.now(), 4), 0.0, CONNECTION,
                                    code=type(err).__name__))
        _disconnect_later(sio, tally)
        return False
    try:
        for text in script:
            if until():
                break
            before, started = len(replies), tally.now()
            try:
                ack = sio.call("user_uttered", {"message": text, "session_id": session_id},
                               timeout=timeout)
                result = classify_ack(ack, len(replies) - before)
            except socketio.exceptions.TimeoutError:
                result = Sample(0.0, 0.0, TIMEOUT if len(replies) == before else OK)
            except Exception as err:  # noqa: BLE001 - the connection dropped mid-turn
                result = Sample(0.0, 0.0, CONNECTION, code=type(err).__name__)
            tally.samples.append(Sample(round(started, 4), round(tally.now() - started, 4),
                                        result.outcome, result.status, result.code))
    finally:
        _disconnect_later(sio, tally)
    return True


async def socketio_client(target: Target, client: int, pool: Sequence[str], rng: random.Random,
                          until: Callable[[], bool], timeout: float, tally: Tally,
                          executor: ThreadPoolExecutor, transport: str) -> None:
    """One socket.io customer after another (a new connection each) until ``until()``."""
    loop = asyncio.get_running_loop()
    while not until():
        script = conversation_script(pool, rng)
        done = await loop.run_in_executor(executor, socketio_conversation, target, script, client,
                                          until, timeout, tally, transport)
        if done:
            tally.conversations += 1
        else:
            await asyncio.sleep(RETRY_PAUSE)


async def drive(target: Target, concurrency: int, until: Callable[[], bool],
                pool: Sequence[str], seed: int, timeout: float, tally: Tally) -> None:
    """Run ``concurrency`` closed-loop clients until ``until()`` is true."""
    # A new connection per message: a reused keep-alive connection the server has just closed
    # would fail on the client's side and count against the bot.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sio-client")
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            clients = []
            for i in range(concurrency):
                rng = random.Random(seed * 1000 + i)
                if target.channel == "socketio":
                    clients.append(socketio_client(target, i, pool, rng, until, timeout, tally,
                                                   executor, target.transport))
                else:
                    clients.append(rest_client(session, target, i, pool, rng, until, timeout,
                                               tally))
            await asyncio.gather(*clients)
            tally.finished = tally.now()
    finally:
        executor.shutdown(wait=True)
    await asyncio.to_thread(close, tally)


def close(tally: Tally, seconds: float = 5.0) -> None:
    """Wait (at most ``seconds`` in all) for the background socket.io disconnects."""
    deadline = time.monotonic() + seconds
    for thread in tally.closing:
        thread.join(max(0.0, deadline - time.monotonic()))
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
            await asyncio.to_thread(socketio_conversation, target, script, 0, lambda: False,
                                    timeout, tally, target.transport)
            await asyncio.to_thread(close, tally)
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
