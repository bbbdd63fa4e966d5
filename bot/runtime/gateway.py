"""The Rasa server's public port: a byte relay that answers 503 (E028) while Rasa is down.

``kill -9`` of the Rasa server (or its crash) would otherwise leave customers with refused
connections until the supervisor has restarted it, which takes a minute or more (the model
loads). ``candor serve gateway`` listens on ``CANDOR_RASA_PORT`` and relays every connection
byte for byte to the Rasa server on its upstream port, so REST, socket.io polling and websockets
pass unchanged and cost one loopback hop. It answers by itself only when Rasa cannot:

- the upstream is down: the request is read and answered with the JSON error ``503 E028``
  (``Retry-After``, CORS for the widget's origin), as Candor's channels answer;
- the upstream dies while a request waits for its answer: the same 503, not a reset.

"Down" is what a health probe (``GET /webhooks/rest/`` every second) and refused connections
say. A restarted Rasa server binds its port a minute or more before its workers have loaded
the model; connections made then would wait in the listen queue, so the gateway forwards again
only once the probe has had a 200. A probe that is merely slow (a busy server) changes nothing.

A websocket (after ``101 Switching Protocols``) or a half-sent answer is just closed: the
socket.io client reconnects. This is the least machinery that keeps the documented contract
("503: keep the message and resend") through a restart; in the scale-out set-up the load
balancer in front of the replicas does the same job.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.errors import Errors, HttpError

logger = logging.getLogger(__name__)

CHUNK = 65536
#: Longest request head and body the gateway reads before answering 503 by itself.
MAX_HEAD = 65536
MAX_BODY = 1 << 20
READ_SECONDS = 5.0
CONNECT_SECONDS = 2.0
RETRY_AFTER_SECONDS = 5
PROBE_EVERY_SECONDS = 1.0
PROBE_SECONDS = 10.0
HEALTH_PATH = "/webhooks/rest/"

_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)\s*$", re.IGNORECASE | re.MULTILINE)
_ORIGIN = re.compile(rb"^origin:\s*(\S+)\s*$", re.IGNORECASE | re.MULTILINE)


def unavailable_response(origin: str | None, allowed: Iterable[str]) -> bytes:
    """The complete HTTP/1.1 503 E028 answer, with CORS headers for an allowed origin."""
    body = json.dumps(HttpError.of(Errors.E028, 503).as_json()).encode()
    headers = [
        "HTTP/1.1 503 Service Unavailable",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        f"Retry-After: {RETRY_AFTER_SECONDS}",
        "Connection: close",
    ]
    if origin is not None and (origin in allowed or "*" in allowed):
        headers += [f"Access-Control-Allow-Origin: {origin}", "Vary: Origin"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def request_origin(head: bytes) -> str | None:
    """The ``Origin`` header of a request head, if any."""
    match = _ORIGIN.search(head)
    return match.group(1).decode("latin-1") if match else None


@dataclass
class Exchange:
    """What has crossed one relayed connection: is a request waiting for its answer?"""

    waiting: bool = False
    upgraded: bool = False
    origin: str | None = None

    def from_client(self, chunk: bytes) -> None:
        """A request (or part of one) went upstream."""
        if not self.upgraded:
            self.waiting = True
            self.origin = request_origin(chunk) or self.origin

    def from_upstream(self, chunk: bytes) -> None:
        """An answer (or part of one) came back."""
        if not self.upgraded and chunk.startswith(b"HTTP/1.1 101"):
            self.upgraded = True  # a websocket from here on: frames, not requests
        self.waiting = False


@dataclass
class Gateway:
    """Relays ``host:port`` to ``upstream_host:upstream_port``; see the module docstring."""

    upstream_host: str
    upstream_port: int
    cors: tuple[str, ...] = ()
    #: Whether Rasa is taken to be up: set by :meth:`watch` and by refused connections.
    healthy: bool = False

    async def watch(self) -> None:
        """Probe the upstream's health every second, for ever."""
        while True:
            state = await self.probe()
            if state is not None and state != self.healthy:
                self.healthy = state
                logger.info(f"Rasa at {self.upstream_host}:{self.upstream_port} is "
                            f"{'up: relaying' if state else 'down: answering 503 E028'}")
            await asyncio.sleep(PROBE_EVERY_SECONDS)

    async def probe(self) -> bool | None:
        """True: answered 200; False: refused, reset or another status; None: no answer yet."""
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.upstream_host, self.upstream_port), CONNECT_SECONDS)
        except (OSError, asyncio.TimeoutError):
            return False
        try:
            writer.write(f"GET {HEALTH_PATH} HTTP/1.1\r\nHost: {self.upstream_host}\r\n"
                         "Connection: close\r\n\r\n".encode())
            status = await asyncio.wait_for(reader.readline(), PROBE_SECONDS)
            return status.split(b" ", 2)[1:2] == [b"200"] if status else False
        except asyncio.TimeoutError:
            return None
        except OSError:
            return False
        finally:
            writer.close()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection."""
        try:
            if not self.healthy:
                await self._refuse(reader, writer)
                return
            try:
                up_reader, up_writer = await asyncio.wait_for(
                    asyncio.open_connection(self.upstream_host, self.upstream_port),
                    CONNECT_SECONDS)
            except (OSError, asyncio.TimeoutError):
                self.healthy = False  # the probe says when it is back
                await self._refuse(reader, writer)
                return
            await self._relay(reader, writer, up_reader, up_writer)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):
            pass  # the client went away, or sent no request
        finally:
            writer.close()

    async def _refuse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read the request (so closing does not reset the answer away), then answer 503."""
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_SECONDS)
        length = _CONTENT_LENGTH.search(head)
        if length and int(length.group(1)) <= MAX_BODY:
            await asyncio.wait_for(reader.readexactly(int(length.group(1))), READ_SECONDS)
        writer.write(unavailable_response(request_origin(head), self.cors))
        await writer.drain()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter) -> None:
        exchange = Exchange()
        upstream = asyncio.create_task(_pump(reader, up_writer, exchange.from_client))
        downstream = asyncio.create_task(_pump(up_reader, writer, exchange.from_upstream))
        try:
            await asyncio.wait({upstream, downstream}, return_when=asyncio.FIRST_COMPLETED)
            if upstream.done() and not downstream.done():
                # The client closed its side: tell Rasa (as a direct connection would), and
                # pass on whatever it still answers.
                if up_writer.can_write_eof():
                    up_writer.write_eof()
                await downstream
            if exchange.waiting and not exchange.upgraded:
                logger.error("E028 The Rasa server went away while a request waited; "
                             "answered 503.")
                writer.write(unavailable_response(exchange.origin, self.cors))
                await writer.drain()
        finally:
            for task in (upstream, downstream):
                task.cancel()
            up_writer.close()


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter,
                seen: Callable[[bytes], None]) -> None:
    """Copy ``source`` to ``sink`` until end of stream, telling ``seen`` of every chunk."""
    try:
        while chunk := await source.read(CHUNK):
            seen(chunk)
            sink.write(chunk)
            await sink.drain()
    except OSError:
        return


async def serve(host: str, port: int, gateway: Gateway) -> None:
    """Listen on ``host:port`` until cancelled."""
    server = await asyncio.start_server(gateway.handle, host, port, limit=MAX_HEAD,
                                        reuse_address=True, backlog=1024)
    logger.info(f"gateway on {host}:{port} -> Rasa at "
                f"{gateway.upstream_host}:{gateway.upstream_port}")
    watcher = asyncio.create_task(gateway.watch())
    try:
        async with server:
            await server.serve_forever()
    finally:
        watcher.cancel()
