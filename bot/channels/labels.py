"""The outgoing message contract: every bot message is labelled as AI-generated.

Both of Candor's channels (REST and socket.io) build what they send with :func:`labelled`,
so the label cannot be forgotten by whatever produced the message: a domain response, the
ResponseSelector, a custom action or a fallback. The README documents this contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from bot.compliance.contract import BotMessageMetadata

#: Parts of a Rasa bot message that are passed on to the client as they are.
CONTENT_KEYS = ("text", "buttons", "quick_replies", "image", "attachment", "custom", "elements")


class OutgoingMessage(TypedDict, total=False):
    """A bot message as the REST webhook and the socket.io channel deliver it."""

    recipient_id: str
    text: str
    buttons: list[dict[str, Any]]
    image: str
    attachment: Any
    custom: dict[str, Any]
    metadata: BotMessageMetadata


def labelled(recipient_id: str, message: Mapping[str, Any]) -> OutgoingMessage:
    """Build the client-facing message from a Rasa bot message (``BotUttered.message()``)."""
    out: dict[str, Any] = {"recipient_id": recipient_id}
    out.update({key: message[key] for key in CONTENT_KEYS if message.get(key) is not None})
    out["metadata"] = BotMessageMetadata(
        ai_generated=True,
        compliance_rules=list(message.get("compliance_rules") or []),
        response=message.get("utter_action"),
        response_version=message.get("response_version"),
        variant=message.get("variant"),
    )
    return out  # type: ignore[return-value]
