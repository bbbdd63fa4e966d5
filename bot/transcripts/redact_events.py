"""Redaction of Rasa events before anything stores them.

The tracker store and the transcript writer both call :func:`redact_event`, so "nothing raw is
stored" is decided in one place. Only the fields that can carry what a customer typed are
redacted (texts, entity and slot values, metadata); names of intents and actions, ids and
timestamps are left alone, which keeps the cost to one detector pass per text.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.compliance.redaction import redact, redact_value


def _redact_text(container: dict[str, Any], key: str) -> None:
    value = container.get(key)
    if isinstance(value, str) and value:
        container[key] = redact(value).text


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a serialised Rasa event (``Event.as_dict()``) with personal data removed."""
    data = copy.deepcopy(event)
    _redact_text(data, "text")
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict):
        _redact_text(parse_data, "text")
        parse_data["entities"] = redact_value(parse_data.get("entities") or [])
        if isinstance(parse_data.get("metadata"), dict):  # Rasa copies the message metadata here
            parse_data["metadata"] = redact_value(parse_data["metadata"])
    if "entities" in data:
        data["entities"] = redact_value(data["entities"])
    if data.get("event") == "slot" and "value" in data:
        data["value"] = redact_value(data["value"])
    if isinstance(data.get("metadata"), dict):
        data["metadata"] = redact_value(data["metadata"])
    if isinstance(data.get("data"), dict):
        data["data"] = redact_value(data["data"])
    return data
