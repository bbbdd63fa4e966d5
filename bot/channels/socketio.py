"""socket.io channel whose bot messages carry the AI label, for the website widget.

Rasa's ``SocketIOInput`` builds its output channel inside its event handlers, so this class
keeps Rasa's blueprint (server, health route, connect, disconnect) and replaces two handlers:

* ``session_request``: Rasa 3.6 calls ``sio.enter_room(...)`` without awaiting it. With the
  pinned python-socketio (5.x) that is a coroutine, so the socket never joins its session's room
  and, with ``session_persistence: true``, every reply is emitted to a room nobody is in. Here
  the join is awaited, the session id is validated like a REST ``sender``, and the confirmed id
  is stored in the connection's socket.io session, so one connection speaks for one
  conversation.
* the user-message event: input is validated (:mod:`bot.channels.validation`), replies go out
  through :func:`labelled`, and every refusal or failure reaches the sending connection only,
  on the ``candor_error`` event, with the REST channel's codes (E020-E023, E025, E026) and
  E027 for a message on a session the connection has not been confirmed for.

A client that emits with an acknowledgement callback also gets, once the turn is over, either
``{"replies": n}`` (all ``n`` replies of the turn were emitted before it) or the refusal
``{"error": {"code": ..., "message": ...}}``: a definite end of turn, which socket.io's events
alone do not give (the widget's "typing" indicator, tests). ``session_request`` acknowledges
with ``{"session_id": ...}``.

When Rasa runs several Sanic workers (``SANIC_WORKERS``), each holds its own socket.io state:
the channel then serves websockets only and can share emits through a message queue (see
:meth:`CandorSocketIOInput.share_across_processes`).

A session id is a bearer secret: whoever presents it receives that conversation's replies
(that is what lets a customer reconnect). Generated ids are 128-bit random; clients must keep
them as private as a session cookie.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic
from socketio import AsyncRedisManager, AsyncServer

from bot.channels.labels import labelled
from bot.channels.validation import InvalidMessage, validate_message
from bot.errors import Errors

logger = logging.getLogger(__name__)

#: The event on which a connection is told that its message or request was refused.
ERROR_EVENT = "candor_error"

#: Key in the connection's socket.io session holding its confirmed conversation id.
SESSION_KEY = "candor_session_id"

#: What a handler returns to a client that asked for an acknowledgement (see the module doc).
Ack = Mapping[str, Any]

NOT_CONFIRMED = InvalidMessage.of(Errors.E027)
NOT_AN_OBJECT = InvalidMessage.of(Errors.E023)
FAILED = InvalidMessage.of(Errors.E025, 503)
NO_REPLY = InvalidMessage.of(Errors.E026, 503)


class LabellingSocketIOOutput(SocketIOOutput):
    """Emits each bot message whole, in the labelled client format, and counts them."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent = 0

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._send_message(recipient_id, dict(labelled(recipient_id, message)))
        self.sent += 1


def _metadata(value: Any) -> dict[str, Any] | None:
    """Message metadata as Rasa accepts it (an object or a JSON-encoded object), else none."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _check_session_id(value: Any) -> None:
    """A session id becomes the conversation's sender id: the REST `sender` rules apply (E020)."""
    validate_message(value, "-")  # the text is a placeholder: only the sender is checked here


class CandorSocketIOInput(SocketIOInput):
    """Drop-in for Rasa's ``socketio`` channel with working sessions, labels and validation."""

    #: ``message_queue`` in credentials.yml: a ``redis://`` URL through which all workers and
    #: replicas deliver each other's emits. Unset: emits reach this process's connections only.
    message_queue: str | None = None

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Rasa's credentials plus ``message_queue``."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, CandorSocketIOInput)
        channel.message_queue = (credentials or {}).get("message_queue") or None
        return channel

    def share_across_processes(self, sio: AsyncServer, webhook: Blueprint) -> None:
        """Keep the channel correct when Rasa runs several Sanic worker processes.

        Long-polling spreads one connection over several TCP connections, and the kernel hands
        each to any worker: a worker that did not open the connection answers "Invalid session"
        and the client drops. So with several workers only websockets (one TCP connection, one
        worker) are served, and polling is refused at the handshake instead of failing at
        random. A reply is emitted by the worker that received the message; another connection
        of the same session (a second tab) on another worker gets it only through
        ``message_queue``.
        """
        if self.message_queue:
            manager = AsyncRedisManager(self.message_queue, channel="candor-socketio")
            # Built before Sanic forks, its random host id would be every worker's, and each
            # worker drops queue messages carrying its own id: a new id in every child.
            os.register_at_fork(
                after_in_child=lambda: setattr(manager, "host_id", uuid.uuid4().hex)
            )
            manager.set_server(sio)
            sio.manager = manager

        @webhook.listener("main_process_start")
        async def websockets_only_with_several_workers(app: Sanic, _: Any) -> None:
            workers = app.state.workers  # what app.run() was given; the workers fork after this
            if workers <= 1:
                return
            sio.eio.transports = ["websocket"]
            logger.warning(
                "socket.io serves websockets only: %d Sanic workers cannot share long-polling "
                "connections (clients must use transports: ['websocket']).",
                workers,
            )
            if not self.message_queue:
                logger.warning(
                    "socket.io has no message_queue: with %d workers, a second connection to a "
                    "session may be on another worker and miss its replies.",
                    workers,
                )

    def get_output_channel(self) -> OutputChannel | None:
        """Labelled output for messages Rasa sends outside a user turn (e.g. external events)."""
        if self.sio is None:
            return super().get_output_channel()  # Rasa's warning; returns None
        return LabellingSocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with the ``session_request`` and user-message handlers replaced."""
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        self.share_across_processes(sio, webhook)
        namespace = self.namespace

        async def refuse(sid: str, err: InvalidMessage) -> Ack:
            await sio.emit(ERROR_EVENT, err.as_json(), room=sid, namespace=namespace)
            return err.as_json()

        async def confirmed_session(sid: str) -> str | None:
            session = await sio.get_session(sid, namespace=namespace)
            return session.get(SESSION_KEY)

        async def session_request(sid: str, data: Any = None) -> Ack:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested or uuid.uuid4().hex
            try:
                _check_session_id(session_id)
            except InvalidMessage as err:
                return await refuse(sid, err)
            if self.session_persistence:
                previous = await confirmed_session(sid)
                if previous and previous != session_id:
                    await sio.leave_room(sid, previous, namespace=namespace)
                await sio.enter_room(sid, session_id, namespace=namespace)
                async with sio.session(sid, namespace=namespace) as session:
                    session[SESSION_KEY] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)
            logger.debug("Socket %s confirmed for a session.", sid)
            return {"session_id": session_id}

        async def handle_message(sid: str, data: Any = None) -> Ack:
            if not isinstance(data, dict):
                return await refuse(sid, NOT_AN_OBJECT)
            sender: Any = sid
            if self.session_persistence:
                sender = await confirmed_session(sid)
                claimed = data.get("session_id")
                if sender is None or (claimed is not None and claimed != sender):
                    return await refuse(sid, NOT_CONFIRMED)
            try:
                sender, text = validate_message(sender, data.get("message"))
            except InvalidMessage as err:
                return await refuse(sid, err)
            output = LabellingSocketIOOutput(sio, self.bot_message_evt)
            message = UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
            )
            try:
                await on_new_message(message)
            except Exception as err:  # the kind of failure only, never the customer's text
                logger.error("E025 Handling a message from %s failed: %r", sender, type(err))
                return await refuse(sid, FAILED)
            if not output.sent:  # e.g. the action server is down: say so, don't go silent
                logger.error("E026 No reply was produced for sender %s.", sender)
                return await refuse(sid, NO_REPLY)
            return {"replies": output.sent}

        sio.on("session_request", handler=session_request, namespace=namespace)
        sio.on(self.user_message_evt, handler=handle_message, namespace=namespace)
        return webhook
