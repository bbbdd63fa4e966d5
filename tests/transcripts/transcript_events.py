"""Builders of Rasa broker events (``Event.as_dict()`` + ``sender_id``) for the tests."""

from __future__ import annotations

import itertools
from typing import Any

_clock = itertools.count()


def _ts(base: float) -> float:
    return base + next(_clock) * 0.001


def user(sender: str, text: str, intent: str = "faq", confidence: float = 0.93,
         at: float = 1_700_000_000.0) -> dict[str, Any]:
    return {"sender_id": sender, "event": "user", "timestamp": _ts(at), "text": text,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "entities": []},
            "input_channel": "rest", "metadata": {"model_id": "model-1"}}


def bot(sender: str, text: str, response: str = "utter_faq", rules: tuple[str, ...] = (),
        at: float = 1_700_000_000.0) -> dict[str, Any]:
    meta: dict[str, Any] = {"utter_action": response, "model_id": "model-1"}
    if rules:
        meta["compliance_rules"] = list(rules)
    return {"sender_id": sender, "event": "bot", "timestamp": _ts(at), "text": text,
            "data": {}, "metadata": meta}


def action(sender: str, name: str, at: float = 1_700_000_000.0) -> dict[str, Any]:
    return {"sender_id": sender, "event": "action", "timestamp": _ts(at), "name": name,
            "policy": "RulePolicy", "confidence": 1.0}


def slot(sender: str, name: str, value: Any, at: float = 1_700_000_000.0) -> dict[str, Any]:
    return {"sender_id": sender, "event": "slot", "timestamp": _ts(at), "name": name,
            "value": value}


def session_start(sender: str, at: float = 1_700_000_000.0) -> list[dict[str, Any]]:
    return [action(sender, "action_session_start", at),
            {"sender_id": sender, "event": "session_started", "timestamp": _ts(at)},
            action(sender, "action_listen", at)]


def conversation(sender: str, turns: int = 3, at: float = 1_700_000_000.0,
                 goodbye: bool = False) -> list[dict[str, Any]]:
    """A session with ``turns`` question/answer pairs (the first answer carries a rule)."""
    events = session_start(sender, at)
    for n in range(turns):
        events.append(user(sender, f"question {n} about fees", at=at))
        events.append(action(sender, "utter_faq", at=at))
        events.append(bot(sender, f"answer {n}", rules=("rate-disclaimer",) if n == 0 else (),
                          at=at))
        events.append(action(sender, "action_listen", at=at))
    if goodbye:
        events.append(user(sender, "bye", intent="goodbye", at=at))
        events.append(bot(sender, "Goodbye", response="utter_goodbye", at=at))
    return events
