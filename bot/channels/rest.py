"""REST channel (``POST /webhooks/rest/webhook``) that labels every bot message.

Rasa's own REST channel drops message metadata and logs the raw text of a failed message; this
one returns each message as :func:`bot.channels.labels.labelled` builds it, refuses bad input
with a JSON error (:mod:`bot.channels.validation`), and never logs what the customer wrote.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.labels import labelled
from bot.channels.validation import InvalidMessage, validate_message
from bot.errors import Errors, HttpError

logger = logging.getLogger(__name__)


def _unavailable(template: str) -> HTTPResponse:
    """503: the message was not processed, so the client keeps it and may resend it."""
    return response.json(HttpError.of(template, 503).as_json(), status=503)


class LabellingCollector(CollectingOutputChannel):
    """Collects bot messages in the labelled client format."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._persist_message(dict(labelled(recipient_id, message)))


class CandorRestInput(RestInput):
    """Drop-in for Rasa's ``rest`` channel: same URL, labelled replies, validated input."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Routes: ``GET /`` (health) and ``POST /webhook``."""
        webhook = Blueprint("candor_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # sanic raises InvalidUsage on malformed JSON
                body = None
            try:
                if not isinstance(body, dict):
                    raise InvalidMessage.of(Errors.E023)
                sender, text = validate_message(body.get("sender"), body.get("message"))
            except InvalidMessage as err:
                return response.json(err.as_json(), status=err.status)
            metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else None
            collector = LabellingCollector()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel="rest", metadata=metadata)
                )
            except CancelledError:
                logger.error("E024 Reply to sender %s timed out.", sender)
                return _unavailable(Errors.E024)
            except Exception as err:  # report the kind of failure, never the customer's text
                logger.error("E025 Handling a message from %s failed: %r", sender, type(err))
                return _unavailable(Errors.E025)
            if not collector.messages:  # e.g. the action server is down: say so, don't go silent
                logger.error("E026 No reply was produced for sender %s.", sender)
                return _unavailable(Errors.E026)
            return response.json(collector.messages)

        return webhook
