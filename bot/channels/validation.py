"""Checks on what a client sends, shared by the REST and socket.io channels.

A message that is too long, not text, or has an unusable sender id is refused with a clear
error before it reaches Rasa; the error never quotes the message (it may hold personal data).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

SENDER_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")


def max_message_chars() -> int:
    """``CANDOR_MAX_MESSAGE_CHARS`` (default 2000): the longest customer message accepted."""
    return int(os.environ.get("CANDOR_MAX_MESSAGE_CHARS", "2000"))


@dataclass(frozen=True)
class InvalidMessage(Exception):
    """A refused client message: an error code, a short explanation and an HTTP status."""

    code: str
    reason: str
    status: int = 400

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"code": self.code, "message": self.reason}}


def validate_message(sender: Any, text: Any) -> tuple[str, str]:
    """Return ``(sender, text)`` or raise :class:`InvalidMessage`."""
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        raise InvalidMessage(
            "E020", "`sender` must be 1-128 characters of letters, digits, '_', '.', ':' or '-'."
        )
    if not isinstance(text, str) or not text.strip():
        raise InvalidMessage("E021", "`message` must be a non-empty string.")
    limit = max_message_chars()
    if len(text) > limit:
        raise InvalidMessage(
            "E022", f"`message` is {len(text)} characters; the limit is {limit}.", status=413
        )
    return sender, text
