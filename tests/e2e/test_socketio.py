"""The socket.io channel against the real product, with a real socket.io client.

Rasa 3.6's own ``session_request`` handler never joined the session's room (an un-awaited
``enter_room``), so with ``session_persistence: true`` no reply ever reached the client; these
tests would have failed on every transport.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from tests.channels.socketio_client import Refused, SocketChat, wait_until
from tests.conftest import running_product
from tests.e2e.chat import Chat, responses

pytestmark = pytest.mark.slow

TRANSPORTS = ["websocket", "polling"]


@pytest.fixture(scope="module", autouse=True)
def warm(product: Ports) -> None:
    """Warm the product with one REST turn before any socket connects.

    The first turn after start-up holds Rasa's event loop for about 30 s (lazy warm-up), long
    enough for socket.io's ping timeout to drop every connection open meanwhile: a start-up
    problem (issue 13, "Keep the event loop free"), not this module's subject.
    """
    Chat(product) >> "hello"


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Ports]:
    """The product with one Sanic worker, for long-polling.

    Long-polling sends each request of a session separately; with several workers sharing the
    port they land on different processes ("Invalid session"), so the channel refuses polling
    there by design and a deployment that needs it runs one worker (or a sticky proxy).
    """
    home = CandorHome(tmp_path_factory.mktemp("one-worker")).ensure()
    with running_product(home, trained_model, CANDOR_RASA_WORKERS="1") as ports:
        Chat(ports) >> "hello"  # warm, as `warm` does for the default product
        yield ports


def server(request: pytest.FixtureRequest, *transports: str) -> str:
    """The URL to test ``transports`` on: polling runs against the one-worker product."""
    if "polling" not in transports:
        product: Ports = request.getfixturevalue("product")
        return product.url(product.rasa)
    ports: Ports = request.getfixturevalue("one_worker")
    handshake = ports.url(ports.rasa, "/socket.io/?EIO=4&transport=polling")
    urllib.request.urlopen(handshake, timeout=30).close()  # noqa: S310 - loopback only
    return ports.url(ports.rasa)


def test_the_default_product_refuses_polling_by_design(product: Ports) -> None:
    handshake = product.url(product.rasa, "/socket.io/?EIO=4&transport=polling")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(handshake, timeout=30)  # noqa: S310 - loopback only
    assert refused.value.code == 400 and b"Invalid transport" in refused.value.read()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_conversation_over_socketio(request: pytest.FixtureRequest, transport: str) -> None:
    with SocketChat(server(request, transport), transport) as chat:
        assert chat.client.transport() == transport
        replies = chat >> "hello there"  # every reply is checked for metadata.ai_generated
        assert responses(replies) == ["utter_ai_disclosure", "utter_greet"]
        assert "AI" in replies[0]["text"]
        assert replies[0]["metadata"]["compliance_rules"] == ["ai-disclosure"]
        assert {reply["recipient_id"] for reply in replies} == {chat.session_id}
        faq = chat >> "what am I meant to do if somebody steals my card?"
        assert responses(faq)[-1] == "utter_faq/card_lost_stolen"
        assert chat.errors == []


@pytest.mark.parametrize(
    ("first", "then"),
    [("websocket", "websocket"), ("polling", "websocket"), ("websocket", "polling")],
)
def test_reconnecting_with_the_session_id_continues_the_conversation(
    request: pytest.FixtureRequest, first: str, then: str
) -> None:
    url = server(request, first, then)
    with SocketChat(url, first) as chat:
        assert responses(chat >> "hi")[0] == "utter_ai_disclosure"
        session_id = chat.session_id
    with SocketChat(url, then, session_id=session_id) as again:
        assert again.confirmations == [session_id]
        replies = again >> "how do I activate my card"
        assert replies, "no reply after reconnecting"
        # The same conversation: the disclosure was given already and is not repeated.
        assert "utter_ai_disclosure" not in responses(replies)
        assert responses(replies)[-1] == "utter_faq/card_activate"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"message": "a" * 5000}, "E022"),
        ({"message": ""}, "E021"),
        ("hello", "E023"),
        ({"message": "hi", "session_id": "someone-elses-session"}, "E027"),
    ],
)
def test_bad_input_is_refused_on_candor_error(product: Ports, payload: object, code: str) -> None:
    with SocketChat(product.url(product.rasa), "websocket") as chat:
        ack = chat.send(payload)
        assert ack["error"]["code"] == code
        wait_until(lambda: bool(chat.errors))
        assert [error["code"] for error in chat.errors] == [code]
        assert chat.replies == []
        # A refused message does not break the conversation.
        assert responses(chat >> "hi")[0] == "utter_ai_disclosure"


def test_a_message_before_session_request_is_refused(product: Ports) -> None:
    chat = SocketChat(product.url(product.rasa))
    chat.connect(request_session=False)
    try:
        with pytest.raises(Refused) as refused:
            chat >> "hello"
        assert refused.value.code == "E027"
        wait_until(lambda: bool(chat.errors))
        assert chat.replies == []
    finally:
        chat.close()
