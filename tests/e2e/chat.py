"""A small client for the REST webhook, used by the end-to-end tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.runtime.services import Ports


def post_json(url: str, body: Any, timeout: float = 60) -> tuple[int, Any]:
    """POST a JSON body (or raw bytes); return (status, decoded JSON)."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@dataclass
class Chat:
    """One customer's conversation over ``POST /webhooks/rest/webhook``."""

    ports: Ports
    sender: str = field(default_factory=lambda: f"test-{uuid.uuid4().hex[:12]}")
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.ports.url(self.ports.rasa, "/webhooks/rest/webhook")

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send one message and return the bot's replies (every one must be AI-labelled)."""
        status, replies = post_json(self.url, {"sender": self.sender, "message": text})
        assert status == 200, replies
        for reply in replies:
            assert reply.get("metadata", {}).get("ai_generated") is True, reply
        self.history.extend(replies)
        return list(replies)

    def __rshift__(self, text: str) -> list[dict[str, Any]]:
        """``chat >> "hello"``: the harness style of STYLE.md practice 14."""
        return self.say(text)


def responses(replies: list[dict[str, Any]]) -> list[str | None]:
    """Names of the domain responses behind the replies."""
    return [reply["metadata"].get("response") for reply in replies]
