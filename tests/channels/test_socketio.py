"""Candor's socket.io channel on a real Sanic server, driven by a real socket.io client.

The agent is a stand-in (tests/channels/socketio_echo_server.py), so these run without a
model; tests/e2e/test_socketio.py repeats the essentials against the whole product.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio

from bot.channels.socketio import CandorSocketIOInput, LabellingSocketIOOutput
from bot.paths import PROJECT_ROOT
from tests.channels.socketio_client import Refused, SocketChat, wait_until
from tests.conftest import free_port
from tests.transcripts.transcript_services import need

TRANSPORTS = ["polling", "websocket"]


def start_server(log: Path, *args: str, workers: int = 1) -> Iterator[str]:
    """Start the echo server; yield its base URL; stop it."""
    port = free_port()
    argv = ["-m", "tests.channels.socketio_echo_server", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, *argv, *args],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/webhooks/socketio/", timeout=2):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the socket.io test server did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)  # Sanic waits up to 15 s for open long-polls
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The channel as configured in credentials.yml (``session_persistence: true``)."""
    yield from start_server(tmp_path_factory.mktemp("sio") / "server.log")


@pytest.fixture(scope="module")
def server_without_persistence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start_server(tmp_path_factory.mktemp("sio") / "server.log", "--no-persistence")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Two Sanic worker processes sharing emits through Redis, as in the scale-out set-up."""
    need("Redis", "127.0.0.1", 6379)
    log = tmp_path_factory.mktemp("sio") / "server.log"
    yield from start_server(log, "--message-queue", "redis://127.0.0.1:6379/0", workers=2)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_replies_arrive_labelled_on_the_session(server: str, transport: str) -> None:
    with SocketChat(server, transport) as chat:
        assert chat.client.transport() == transport
        replies = chat.say("hello", metadata={"page": "/cards"})
        assert [reply["metadata"]["response"] for reply in replies] == [
            "utter_ai_disclosure",
            "utter_echo",
        ]
        disclosure, echo = replies
        assert disclosure["metadata"]["compliance_rules"] == ["ai-disclosure"]
        assert disclosure["buttons"][0]["payload"] == "/request_human"
        assert {reply["recipient_id"] for reply in replies} == {chat.session_id}
        assert echo["custom"] == {
            "sender": chat.session_id,
            "text": "hello",
            "metadata": {"page": "/cards"},
        }
        assert chat.errors == []


def test_a_generated_session_id_is_confirmed(server: str) -> None:
    with SocketChat(server) as chat:
        assert chat.session_id is not None
        assert len(chat.session_id) == 32 and int(chat.session_id, 16) >= 0
        assert chat.confirmations == [chat.session_id]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_reconnecting_with_the_same_session_id_gets_the_replies(
    server: str, transport: str
) -> None:
    with SocketChat(server, transport) as first:
        first.say("hello")
        session_id = first.session_id
    with SocketChat(server, transport, session_id=session_id) as again:
        assert again.confirmations == [session_id]
        replies = again.say("still there?")
        assert replies[-1]["custom"]["sender"] == session_id


def test_every_connection_on_a_session_sees_its_replies_but_only_its_own_errors(
    server: str,
) -> None:
    with SocketChat(server, "websocket") as tab1:
        with SocketChat(server, "polling", session_id=tab1.session_id) as tab2:
            replies = tab1.say("hello from tab 1")
            wait_until(lambda: len(tab2.replies) == len(replies), 10)
            assert tab2.replies == replies
            with pytest.raises(Refused):
                tab2.say("")
            wait_until(lambda: bool(tab2.errors))
            assert [error["code"] for error in tab2.errors] == ["E021"]
            assert tab1.errors == []


def test_a_new_session_request_leaves_the_previous_session(server: str) -> None:
    with SocketChat(server) as mover, SocketChat(server) as other:
        old = mover.session_id
        mover.session_id = mover.request_session("moved-on-session")
        with SocketChat(server, session_id=old) as stayer:
            stayer.say("who hears this?")
        time.sleep(0.3)
        assert mover.replies == [] and other.replies == []
        replies = mover.say("and this?")
        assert replies[-1]["custom"]["sender"] == "moved-on-session"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("just a string", "E023"),
        (["a", "list"], "E023"),
        ({}, "E021"),
        ({"message": "   "}, "E021"),
        ({"message": 42}, "E021"),
        ({"message": "x" * 2001}, "E022"),
        ({"message": "raise"}, "E025"),  # the agent raised
        ({"message": "silence"}, "E026"),  # the agent produced no reply
    ],
)
def test_bad_input_and_failures_are_refused_on_candor_error(
    server: str, payload: Any, code: str
) -> None:
    with SocketChat(server, "polling") as chat:
        ack = chat.send(payload)
        assert ack["error"]["code"] == code
        wait_until(lambda: bool(chat.errors), 10)
        assert [error["code"] for error in chat.errors] == [code]
        assert chat.replies == []
        if isinstance(payload, dict) and isinstance(payload.get("message"), str):
            assert payload["message"] not in str(chat.errors)  # never quoted back


def test_a_message_needs_the_confirmed_session(server: str) -> None:
    with SocketChat(server) as owner:
        intruder = SocketChat(server)
        intruder.connect(request_session=False)
        try:  # no session_request on this connection: not even with the owner's id
            for body in ({"message": "hi"}, {"message": "hi", "session_id": owner.session_id}):
                assert (intruder.send(body))["error"]["code"] == "E027"
            intruder.request_session("intruder-session")
            ack = intruder.send({"message": "hi", "session_id": owner.session_id})
            assert ack["error"]["code"] == "E027"
            assert (intruder.send({"message": "hi"}))["replies"] == 2  # its own
        finally:
            intruder.close()
        time.sleep(0.3)
        assert owner.replies == []


@pytest.mark.parametrize("session_id", ["a b", "<script>", "x" * 129, 42])
def test_an_invalid_session_id_is_refused(server: str, session_id: Any) -> None:
    chat = SocketChat(server)
    chat.connect(request_session=False)
    try:
        with pytest.raises(Refused) as refused:
            chat.request_session(session_id)
        assert refused.value.code == "E020"
        wait_until(lambda: bool(chat.errors), 10)
        assert chat.confirmations == []
    finally:
        chat.close()


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [('{"page": "/loans"}', {"page": "/loans"}), ("not json", None), ([1, 2], None)],
)
def test_metadata_is_passed_on_only_as_an_object(
    server: str, metadata: Any, expected: dict[str, Any] | None
) -> None:
    with SocketChat(server) as chat:
        replies = chat.say("hello", metadata=metadata)
        assert replies[-1]["custom"]["metadata"] == expected


def test_without_session_persistence_the_connection_is_the_conversation(
    server_without_persistence: str,
) -> None:
    chat = SocketChat(server_without_persistence)
    chat.connect(request_session=False)
    try:
        replies = chat.say("hello")
        assert replies[-1]["custom"]["sender"] == chat.client.get_sid()
    finally:
        chat.close()


def test_messages_sent_outside_a_turn_are_labelled_too() -> None:
    # Rasa uses get_output_channel() for external events (e.g. /conversations/{id}/trigger_intent).
    channel = CandorSocketIOInput(session_persistence=True)

    async def noop(_: Any) -> None:
        return None

    channel.blueprint(noop)
    output = channel.get_output_channel()
    assert isinstance(output, LabellingSocketIOOutput)
    assert isinstance(channel.sio, socketio.AsyncServer)


def test_with_several_workers_polling_is_refused_at_the_handshake(two_workers: str) -> None:
    # Polling would fail at random ("Invalid session" from the other worker); refuse it cleanly.
    url = f"{two_workers}/socket.io/?EIO=4&transport=polling"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310
    assert refused.value.code == 400
    assert b"Invalid transport" in refused.value.read()  # tests/e2e/test_socketio.py relies on it
    with pytest.raises(socketio.exceptions.ConnectionError):
        SocketChat(two_workers, "polling").connect()


def test_with_several_workers_every_tab_of_a_session_gets_the_replies(two_workers: str) -> None:
    # Connections land on either worker; through the message queue each tab sees every reply.
    for _ in range(6):
        with (
            SocketChat(two_workers) as tab1,
            SocketChat(two_workers, session_id=tab1.session_id) as tab2,
        ):
            replies = tab1.say("hello")
            wait_until(lambda: len(tab2.replies) == len(replies), 10)  # noqa: B023
            assert tab2.replies == replies
            assert tab2.say("from the other tab")[-1]["custom"]["sender"] == tab1.session_id
