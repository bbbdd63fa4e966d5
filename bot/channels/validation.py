"""Checks on what a client sends, shared by the REST and socket.io channels.

A message that is too long, not text, or has an unusable sender id is refused with a clear
error before it reaches Rasa; the error never quotes the message (it may hold personal data).
"""

from __future__ import annotations

import re
from typing import Any

from bot.errors import Errors, HttpError
from bot.settings import load_settings

SENDER_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")


def max_message_chars() -> int:
    """``CANDOR_MAX_MESSAGE_CHARS`` (default 2000): the longest customer message accepted."""
    return load_settings().max_message_chars


class InvalidMessage(HttpError):
    """A refused client message (E020-E023), in the one HTTP error shape."""


def validate_message(sender: Any, text: Any) -> tuple[str, str]:
    """Return ``(sender, text)`` or raise :class:`InvalidMessage`."""
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        raise InvalidMessage.of(Errors.E020)
    if not isinstance(text, str) or not text.strip():
        raise InvalidMessage.of(Errors.E021)
    limit = max_message_chars()
    if len(text) > limit:
        raise InvalidMessage.of(Errors.E022, 413, length=len(text), limit=limit)
    return sender, text
