"""Pure projection of one (redacted) Rasa event onto the transcript record.

No I/O here (STYLE.md practice 11): :func:`project` takes the event and what the writer knows
about the conversation so far, and returns what to store. The writer does the storing, which
is why the same logic serves the in-process SQLite writer and the RabbitMQ worker.

Event identity (:func:`event_key`) is a hash of the sender id and the *redacted* event in
canonical JSON: Rasa 3.6 events carry no id, but their float timestamp, type and content
identify them, and a redelivered message hashes the same. Hashing the redacted form keeps raw
personal data out of the key (a hash of a card number can be brute-forced).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, TypedDict

HANDOFF_SLOT = "handoff"
COMPLAINT_SLOT = "complaint_category"
DATA_RIGHTS_SLOT = "data_rights_request"
SURVEY_SLOT = "csat_survey"
RESOLVING_INTENTS = frozenset({"goodbye"})
#: The bot closing the conversation (also when the customer said there is nothing else).
RESOLVING_RESPONSES = frozenset({"utter_goodbye"})
_NAMESPACE = uuid.UUID("6f1c1f5e-2f59-4f43-9a55-6b1f8a0c2a11")


def utc(ts: float) -> datetime:
    """Rasa's epoch-seconds timestamp as an aware UTC datetime (a turn's ``sent_at``)."""
    return datetime.fromtimestamp(ts, timezone.utc)


class BrokerEvent(TypedDict, total=False):
    """A Rasa event as the tracker store streams it (``Event.as_dict()`` + ``sender_id``)."""

    sender_id: str
    event: str
    timestamp: float
    text: str | None
    name: str | None
    value: Any
    parse_data: dict[str, Any]
    input_channel: str | None
    metadata: dict[str, Any]


@dataclass(frozen=True)
class ConversationState:
    """What the projection needs to remember between events of one conversation."""

    last_action: str | None = None
    last_user_at: float | None = None
    outcome: str = "open"
    has_turns: bool = False


@dataclass(frozen=True)
class TurnRow:
    """A turn to insert (text already redacted)."""

    actor: str
    text: str | None
    sent_at: float
    intent: str | None = None
    confidence: float | None = None
    action: str | None = None
    response: str | None = None
    variant: str | None = None
    response_version: int | None = None
    ai_label: bool = False
    latency_ms: float | None = None
    detectors: str | None = None


@dataclass(frozen=True)
class DataRightsRow:
    """A data-rights request to record: what was asked and how many days the bank promised."""

    kinds: str
    due_days: int


def data_rights_row(value: Any) -> DataRightsRow | None:
    """The slot value ``{"kinds": [...], "due_days": 30}`` as a row, or None if malformed."""
    if not isinstance(value, dict):
        return None
    kinds = [str(k) for k in value.get("kinds") or () if k]
    try:
        due_days = int(value["due_days"])
    except (KeyError, TypeError, ValueError):
        return None
    return DataRightsRow(",".join(kinds)[:128] or "unspecified", due_days) if due_days > 0 else None


@dataclass(frozen=True)
class Projection:
    """Everything one event changes."""

    state: ConversationState
    turn: TurnRow | None = None
    rule_ids: tuple[str, ...] = ()
    handoff: str | None = None
    complaint: str | None = None
    data_rights: DataRightsRow | None = None
    new_session: bool = False
    ended: bool = False
    survey: bool = False
    channel: str | None = None
    model_version: str | None = None
    rulebook_version: str | None = None


def event_key(sender_id: str, event: dict[str, Any]) -> str:
    """Stable identity of a (redacted) event: 64 hex characters."""
    body = {k: v for k, v in event.items() if k != "sender_id"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{sender_id}\x00{canonical}".encode()).hexdigest()


def conversation_key(sender_id: str, first_event_key: str) -> str:
    """Deterministic conversation id, so a replayed first event recreates the same id."""
    return uuid.uuid5(_NAMESPACE, f"{sender_id}|{first_event_key}").hex


def _meta(event: dict[str, Any]) -> dict[str, Any]:
    meta = event.get("metadata")
    return meta if isinstance(meta, dict) else {}


def detector_types(parse_data: dict[str, Any]) -> str | None:
    """The detectors that fired on a message, comma-separated: names only, never a value."""
    section = parse_data.get("compliance")
    hits = section.get("hits") if isinstance(section, dict) else None
    names = sorted({str(h["detector"]) for h in hits or () if isinstance(h, dict)
                    and h.get("detector")})
    return ",".join(names)[:255] or None


def detector_names(column: str | None) -> tuple[str, ...]:
    """A stored ``detectors`` column (see :func:`detector_types`) back as names."""
    return tuple(x for x in (column or "").split(",") if x)


def _user(event: dict[str, Any], state: ConversationState, ts: float) -> Projection:
    parse_data = event.get("parse_data") or {}
    intent = parse_data.get("intent") or {}
    name = intent.get("name")
    confidence = intent.get("confidence")
    turn = TurnRow(
        actor="user", text=event.get("text"), sent_at=ts, intent=name,
        confidence=float(confidence) if confidence is not None else None,
        detectors=detector_types(parse_data),
    )
    resolves = name in RESOLVING_INTENTS and state.outcome == "open"
    new_state = replace(
        state, last_user_at=ts, has_turns=True, outcome="resolved" if resolves else state.outcome
    )
    return Projection(new_state, turn=turn, ended=resolves, channel=event.get("input_channel"))


def _version(value: Any) -> int | None:
    """The response version a bot message names (an int in the NLG's metadata), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bot(event: dict[str, Any], state: ConversationState, ts: float) -> Projection:
    meta = _meta(event)
    rules = tuple(dict.fromkeys(str(r) for r in meta.get("compliance_rules") or ()))
    latency = (ts - state.last_user_at) * 1000.0 if state.last_user_at is not None else None
    response = meta.get("utter_action") or meta.get("response")
    turn = TurnRow(
        actor="bot", text=event.get("text"), sent_at=ts, action=state.last_action,
        response=response,
        variant=meta.get("variant") or meta.get("response_variant"),
        response_version=_version(meta.get("response_version")),
        ai_label=bool(meta.get("ai_generated", True)),
        latency_ms=round(latency, 3) if latency is not None else None,
    )
    resolves = response in RESOLVING_RESPONSES and state.outcome == "open"
    new_state = replace(state, has_turns=True, outcome="resolved" if resolves else state.outcome)
    return Projection(new_state, turn=turn, rule_ids=rules, ended=resolves)


def _slot(event: dict[str, Any], state: ConversationState) -> Projection:
    name, value = event.get("name"), event.get("value")
    if name == HANDOFF_SLOT and value:
        return Projection(replace(state, outcome="handed_off"), handoff=str(value), ended=True)
    if name == COMPLAINT_SLOT and value:
        return Projection(state, complaint=str(value))
    if name == DATA_RIGHTS_SLOT and value:
        return Projection(state, data_rights=data_rights_row(value))
    if name == SURVEY_SLOT and value:
        return Projection(state, survey=True)
    return Projection(state)


def project(event: dict[str, Any], state: ConversationState) -> Projection:
    """Return what ``event`` adds to a conversation in ``state``."""
    kind = event.get("event")
    ts = float(event.get("timestamp") or 0.0)
    meta = _meta(event)
    if kind == "user":
        result = _user(event, state, ts)
    elif kind == "bot":
        result = _bot(event, state, ts)
    elif kind == "slot":
        result = _slot(event, state)
    elif kind == "action" and event.get("name") not in (None, "action_listen"):
        result = Projection(replace(state, last_action=event.get("name")))
    elif kind == "session_started":
        result = Projection(state, new_session=True)
    else:
        result = Projection(state)
    return replace(
        result,
        model_version=meta.get("model_id") or None,
        rulebook_version=meta.get("rulebook_version") or None,
    )
