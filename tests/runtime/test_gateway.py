"""The gateway in front of the Rasa server, on real sockets: relay, and 503 E028 when Rasa is not there.

The upstream here is a small real HTTP server (asyncio streams) that can answer, answer and
upgrade, or die in the middle of a request, as a killed Rasa server does.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp

from bot.runtime.gateway import Gateway, serve
from bot.runtime.services import free_port

Behaviour = Callable[[bytes, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
ORIGIN = "http://127.0.0.1:8000"
HEALTHY = b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"ok\"}"


def rasa_like(behaviour: Behaviour) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter],
                                                Awaitable[None]]:
    """A server that passes the gateway's health probe and treats other requests its way."""
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if head.startswith(b"GET /webhooks/rest/ "):
            writer.write(HEALTHY)
            await writer.drain()
            writer.close()
        else:
            await behaviour(head, reader, writer)
    return handle


async def answering(head: bytes, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
    """Answer every request on the connection with its body echoed (keep-alive)."""
    while True:
        length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length")), b"0"))
        body = await reader.readexactly(length)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            break
    writer.close()


async def dying(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Go away without answering the request (``kill -9`` mid-turn)."""
    await asyncio.sleep(0.05)
    writer.transport.abort()


async def upgrading(head: bytes, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
    """Switch protocols, send one frame's worth of bytes, then go away."""
    writer.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\n\r\n")
    await writer.drain()
    await reader.read(10)  # a frame from the client
    writer.transport.abort()


@asynccontextmanager
async def gateway(upstream: Behaviour | None) -> AsyncIterator[str]:
    """A gateway on a free port in front of ``upstream`` (None: nothing listens there)."""
    up_port, port = free_port(), free_port()
    server = (await asyncio.start_server(rasa_like(upstream), "127.0.0.1", up_port)
              if upstream else None)
    relay = Gateway("127.0.0.1", up_port, (ORIGIN,))
    task = asyncio.create_task(serve("127.0.0.1", port, relay))
    for _ in range(50):
        await asyncio.sleep(0.05)
        if relay.healthy or upstream is None:
            break
    assert relay.healthy == (upstream is not None)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        task.cancel()
        if server:
            server.close()


async def post(url: str) -> tuple[int, dict, dict]:
    async with aiohttp.ClientSession() as session, session.post(
            url + "/webhooks/rest/webhook", json={"sender": "s1", "message": "hello"},
            headers={"Origin": ORIGIN}, timeout=aiohttp.ClientTimeout(total=10)) as response:
        return response.status, json.loads(await response.text()), dict(response.headers)


def test_requests_and_answers_pass_through_unchanged() -> None:
    async def run() -> None:
        async with gateway(answering) as url:
            status, body, _ = await post(url)
            assert (status, body) == (200, {"sender": "s1", "message": "hello"})
    asyncio.run(run())


def test_with_rasa_down_customers_get_503_e028_at_once_readable_by_the_widget() -> None:
    async def run() -> None:
        async with gateway(None) as url:
            started = time.monotonic()
            status, body, headers = await post(url)
            assert time.monotonic() - started < 3.0
            assert status == 503 and body["error"]["code"] == "E028"
            assert "Traceback" not in json.dumps(body)
            assert headers["Access-Control-Allow-Origin"] == ORIGIN
            assert headers["Retry-After"] == "5"
    asyncio.run(run())


def test_rasa_dying_while_a_request_waits_gives_503_e028_not_a_reset() -> None:
    async def run() -> None:
        async with gateway(dying) as url:
            status, body, _ = await post(url)
            assert status == 503 and body["error"]["code"] == "E028"
    asyncio.run(run())


def test_a_websocket_is_closed_not_answered_with_http_after_the_upgrade() -> None:
    async def run() -> None:
        async with gateway(upgrading) as url:
            port = int(url.rsplit(":", 1)[1])
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET /socket.io/?transport=websocket HTTP/1.1\r\nHost: x\r\n"
                         b"Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 101")
            writer.write(b"\x81\x02hi")
            await writer.drain()
            rest = await asyncio.wait_for(reader.read(), 5)
            assert b"503" not in rest  # closed, no HTTP answer inside a websocket
            writer.close()
    asyncio.run(run())


def test_a_rasa_server_that_is_starting_gets_no_requests_until_its_probe_answers() -> None:
    async def run() -> None:
        up_port = free_port()
        # Port bound, nothing accepted yet: a restarted Rasa server loading its model.
        listening = socket.create_server(("127.0.0.1", up_port))
        relay = Gateway("127.0.0.1", up_port, (ORIGIN,))
        assert await relay.probe() is None  # no answer yet: state unchanged
        port = free_port()
        task = asyncio.create_task(serve("127.0.0.1", port, relay))
        await asyncio.sleep(0.2)
        try:
            started = time.monotonic()
            status, body, _ = await post(f"http://127.0.0.1:{port}")
            assert (status, body["error"]["code"]) == (503, "E028")
            assert time.monotonic() - started < 3.0  # not queued behind the model load
        finally:
            task.cancel()
            listening.close()
    asyncio.run(run())
