"""The action endpoint's timeout and breaker, against real sockets (hung, refused, erroring)."""

from __future__ import annotations

import asyncio
import time

import pytest
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.runtime.action_endpoint import ActionServerUnreachable, BoundedActionEndpoint
from bot.runtime.services import free_port


async def hung(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accept and never answer (an action server stuck starting up)."""
    await asyncio.sleep(60)


async def failing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer 500 (the action raised): the server is up."""
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}")
    await writer.drain()
    writer.close()


def endpoint(port: int, timeout: float = 0.5, cooldown: float = 2.0) -> BoundedActionEndpoint:
    config = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="t", headers={"X": "1"})
    return BoundedActionEndpoint.wrapping(config, timeout, cooldown)


async def timed_call(ep: BoundedActionEndpoint) -> float:
    started = time.monotonic()
    with pytest.raises(ActionServerUnreachable, match="E029"):
        await ep.request(json={"next_action": "action_session_start"}, method="post",
                         timeout=300)  # what Rasa passes: five minutes
    return time.monotonic() - started


def test_a_hung_action_server_fails_the_call_after_the_timeout_then_at_once() -> None:
    async def run() -> None:
        port = free_port()
        server = await asyncio.start_server(hung, "127.0.0.1", port)
        try:
            ep = endpoint(port)
            assert 0.4 < await timed_call(ep) < 2.0
            assert await timed_call(ep) < 0.1  # breaker open: no second wait
        finally:
            server.close()
    asyncio.run(run())


def test_a_stopped_action_server_fails_the_call_at_once_and_is_used_as_soon_as_it_is_back() -> None:
    async def run() -> None:
        port = free_port()  # nothing listens
        ep = endpoint(port, cooldown=60.0)
        assert await timed_call(ep) < 1.0
        server = await asyncio.start_server(failing, "127.0.0.1", port)
        try:  # closed again: the call reaches the server, whose HTTP error is Rasa's business
            with pytest.raises(ClientResponseError):
                await ep.request(json={}, method="post", timeout=300)
        finally:
            server.close()
    asyncio.run(run())


def test_wrapping_keeps_the_configured_url_token_and_headers() -> None:
    ep = endpoint(5055)
    assert ep.url == "http://127.0.0.1:5055/webhook" and ep.token == "t"
    assert ep.headers == {"X": "1"} and ep.timeout == 0.5


def test_rasa_handles_a_hung_action_server_as_a_failed_action_within_the_timeout() -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.exceptions import RasaException

    async def run() -> float:
        port = free_port()
        server = await asyncio.start_server(hung, "127.0.0.1", port)
        try:
            action = RemoteAction("action_session_start", endpoint(port))
            started = time.monotonic()
            with pytest.raises(RasaException, match="Couldn't connect"):  # Rasa's own handling
                await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}),
                                 DialogueStateTracker("s1", []), Domain.empty())
            return time.monotonic() - started
        finally:
            server.close()
    assert asyncio.run(run()) < 2.0  # not Rasa's five minutes
