"""Redaction of Rasa events before anything stores them: detect once, apply everywhere.

The tracker store and the transcript writer (and the RabbitMQ broker) all call
:func:`redact_event`, so "nothing raw is stored" is decided in one place. What it costs depends
on where the text came from:

- a customer message the NLU pipeline checked: its ``parse_data["compliance"]["pii_spans"]``
  are applied by offset, no detector runs (``text`` and ``parse_data.text`` are one string);
  the values are also remembered in memory (:mod:`bot.compliance.known_values`) for the rest
  of the turn;
- a customer message that never passed the detectors (no section, a failed one, or text that
  differs from the parsed one): the full detector set, NER included;
- a bot message: rendered from approved templates whose placeholders are bank facts and
  normalised slot values, so the values found this turn plus the pattern detectors;
- slot values (form answers), entities and customer message metadata: the full detector set
  (rare and short, and they may hold anything the customer typed);
- the metadata of Rasa's other events (model and assistant ids): found values plus patterns.

A redacted user or bot event is marked (``compliance.redacted`` / ``metadata.candor_redacted``)
so the next stage does not pay again. Names of intents and actions, ids and timestamps are left
alone.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.compliance.contract import COMPLIANCE_KEY
from bot.compliance.known_values import KNOWN
from bot.compliance.redaction import (
    pii_spans,
    redact,
    redact_known_and_patterns,
    redact_spans,
    redact_value,
)

BOT_MARK = "candor_redacted"


def _customer_text(text: str, parse_data: dict[str, Any]) -> str:
    """The redacted customer message, from the pipeline's spans when they fit this text."""
    section = parse_data.get(COMPLIANCE_KEY)
    if (isinstance(section, dict) and "error" not in section
            and isinstance(section.get("pii_spans"), list) and parse_data.get("text") == text):
        try:
            return redact_spans(text, section["pii_spans"])
        except (KeyError, TypeError, ValueError):
            pass  # spans that do not fit this text: detect again rather than trust them
    result = redact(text)  # never checked: the full detector set, once
    KNOWN.remember(text, pii_spans(result.hits))
    return result.text


def _redact_user(data: dict[str, Any]) -> None:
    parse_data = data.get("parse_data")
    parse_data = parse_data if isinstance(parse_data, dict) else {}
    section = parse_data.get(COMPLIANCE_KEY)
    if isinstance(section, dict) and section.get("redacted"):
        return
    text = data.get("text")
    if isinstance(text, str) and text:
        clean = _customer_text(text, parse_data)
        data["text"] = clean
        if parse_data.get("text") == text:
            parse_data["text"] = clean
    if isinstance(parse_data.get("text"), str) and parse_data["text"] != data.get("text"):
        parse_data["text"] = redact(parse_data["text"]).text
    parse_data["entities"] = redact_value(parse_data.get("entities") or [])
    if isinstance(parse_data.get("metadata"), dict):  # Rasa copies the message metadata here
        parse_data["metadata"] = redact_value(parse_data["metadata"])
    if isinstance(data.get("metadata"), dict):
        data["metadata"] = redact_value(data["metadata"])
    if isinstance(section, dict):
        section["redacted"] = True
    elif parse_data:
        parse_data[COMPLIANCE_KEY] = {"redacted": True}


def _redact_bot(data: dict[str, Any]) -> None:
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and metadata.get(BOT_MARK):
        return
    if isinstance(data.get("text"), str):
        data["text"] = redact_known_and_patterns(data["text"])
    if isinstance(data.get("data"), dict):
        data["data"] = redact_value(data["data"], redact_known_and_patterns)
    metadata = (redact_value(metadata, redact_known_and_patterns)
                if isinstance(metadata, dict) else {})
    metadata[BOT_MARK] = True
    data["metadata"] = metadata


def redact_event(event: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a serialised Rasa event (``Event.as_dict()``) with personal data removed."""
    data = copy.deepcopy(event)
    kind = data.get("event")
    if kind == "user":
        _redact_user(data)
    elif kind == "bot":
        _redact_bot(data)
    else:
        if isinstance(data.get("text"), str) and data["text"]:
            data["text"] = redact(data["text"]).text
        # Rasa's own bookkeeping (model id, assistant id, policy names): no customer input, so
        # the values found this turn and the patterns, not NER on every action event.
        if isinstance(data.get("metadata"), dict):
            data["metadata"] = redact_value(data["metadata"], redact_known_and_patterns)
        if isinstance(data.get("data"), dict):
            data["data"] = redact_value(data["data"], redact_known_and_patterns)
    if "entities" in data:
        data["entities"] = redact_value(data["entities"])
    if kind == "slot" and "value" in data:
        data["value"] = redact_value(data["value"])
    return data
