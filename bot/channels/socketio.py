"""socket.io channel whose bot messages carry the AI label, for the website widget.

Rasa's ``SocketIOInput`` builds its output channel inside the message handler, so this class
keeps Rasa's blueprint (connect, session_request, disconnect) and replaces only the
user-message handler: input is validated and replies go out through :func:`labelled`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.labels import labelled
from bot.channels.validation import InvalidMessage, validate_message

logger = logging.getLogger(__name__)


class LabellingSocketIOOutput(SocketIOOutput):
    """Emits each bot message whole, in the labelled client format."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._send_message(recipient_id, dict(labelled(recipient_id, message)))


class CandorSocketIOInput(SocketIOInput):
    """Drop-in for Rasa's ``socketio`` channel with labelled replies and validated input."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint with the user-message handler replaced."""
        webhook = super().blueprint(on_new_message)
        sio = self.sio

        async def handle_message(sid: str, data: Any) -> None:
            output = LabellingSocketIOOutput(sio, self.bot_message_evt)
            data = data if isinstance(data, dict) else {}
            sender = data.get("session_id") if self.session_persistence else sid
            try:
                sender, text = validate_message(sender, data.get("message"))
            except InvalidMessage as err:
                await sio.emit("candor_error", err.as_json(), room=sid)
                return
            metadata = data.get(self.metadata_key)
            message = UserMessage(
                text,
                output,
                sender,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else None,
            )
            try:
                await on_new_message(message)
            except Exception as err:  # the kind of failure only, never the customer's text
                logger.error("E025 Handling a message from %s failed: %r", sender, type(err))
                await sio.emit(
                    "candor_error",
                    InvalidMessage("E025", "The assistant could not answer; resend.", 503).as_json(),
                    room=sid,
                )

        sio.on(self.user_message_evt, handler=handle_message, namespace=self.namespace)
        return webhook
