"""A real socket.io client for Candor's socket.io channel, shared by unit and end-to-end tests.

It is python-socketio's ``Client`` (requests for long-polling, websocket-client for
websockets), so the tests speak the wire protocol a browser widget speaks. Its asyncio client
is not an option: its websocket transport needs aiohttp>=3.11, and Rasa pins aiohttp<3.10.
Each turn is emitted with an acknowledgement: the channel acknowledges after the turn's last
reply (``{"replies": n}``) or with the refusal, so a test knows exactly when a turn is over
instead of waiting for silence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

Message = dict[str, Any]


class Refused(AssertionError):
    """The channel refused a message or request; ``code`` is its E0xx code."""

    def __init__(self, error: Message) -> None:
        super().__init__(f"{error['code']}: {error['message']}")
        self.code: str = error["code"]


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Events arrive on the client's own thread: give them time to be recorded."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the expected socket.io events did not arrive")
        time.sleep(0.01)


@dataclass
class SocketChat:
    """One customer's connection: every event it receives is recorded in arrival order."""

    url: str
    transport: str = "websocket"
    session_id: str | None = None
    replies: list[Message] = field(default_factory=list)
    errors: list[Message] = field(default_factory=list)
    confirmations: list[str] = field(default_factory=list)
    client: socketio.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.append)
        self.client.on("candor_error", lambda body: self.errors.append(body["error"]))
        self.client.on("session_confirm", self.confirmations.append)

    def connect(self, *, request_session: bool = True, timeout: float = 30) -> SocketChat:
        """Connect over exactly one transport, then (by default) request the session."""
        self.client.connect(
            self.url, transports=[self.transport], socketio_path="socket.io", wait_timeout=timeout
        )
        if request_session:
            self.session_id = self.request_session(self.session_id, timeout=timeout)
        return self

    def request_session(self, session_id: Any = None, timeout: float = 30) -> str:
        """``session_request``; returns the confirmed id or raises :class:`Refused`."""
        payload = {"session_id": session_id} if session_id is not None else {}
        ack = self.client.call("session_request", payload, timeout=timeout)
        if "error" in ack:
            raise Refused(ack["error"])
        wait_until(lambda: ack["session_id"] in self.confirmations, timeout)
        return str(ack["session_id"])

    def send(self, payload: Any, timeout: float = 60) -> Message:
        """Emit one ``user_uttered`` payload as is; return the channel's acknowledgement."""
        return dict(self.client.call("user_uttered", payload, timeout=timeout))

    def say(self, text: str, timeout: float = 60, **extra: Any) -> list[Message]:
        """One turn: returns its replies, each checked to carry the AI label."""
        before = len(self.replies)
        ack = self.send({"message": text, "session_id": self.session_id, **extra}, timeout)
        if "error" in ack:
            raise Refused(ack["error"])
        wait_until(lambda: len(self.replies) >= before + ack["replies"], timeout)
        turn = self.replies[before:]
        for reply in turn:
            assert reply.get("metadata", {}).get("ai_generated") is True, reply
        return turn

    def __rshift__(self, text: str) -> list[Message]:
        """``chat >> "hello"``, as with the REST harness (tests/e2e/chat.py)."""
        return self.say(text)

    def close(self) -> None:
        """Disconnect as a browser does: without waiting for the pending long-poll to end.

        python-engineio's server answers a long-poll GET still pending when the client's close
        arrives only at its timeout, and its client waits for that GET (up to 30 s) unless told
        to abort; a browser simply drops the request.
        """
        if self.transport == "polling":
            self.client.eio.disconnect(abort=True)  # the server disconnects every namespace
        else:
            self.client.disconnect()

    def __enter__(self) -> SocketChat:
        return self.connect()

    def __exit__(self, *_: object) -> None:
        self.close()
