"""The session-start action, driven as Rasa SDK drives it."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session_start import ActionSessionStart


def tracker(events: list[dict[str, Any]]) -> Tracker:
    return Tracker("sender", {}, {}, events, False, None, {}, "action_listen")


def run(events: list[dict[str, Any]], domain: dict[str, Any]) -> tuple[CollectingDispatcher, list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionSessionStart().run(dispatcher, tracker(events), domain))
    return dispatcher, result


def test_the_disclosure_is_the_only_message() -> None:
    dispatcher, _ = run([], {"session_config": {}})
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["response"] == "utter_ai_disclosure"
    assert message["text"] is None  # text comes from domain.yml through the NLG, never inline


def test_session_starts_then_listens() -> None:
    _, events = run([], {"session_config": {}})
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")


def test_slots_are_carried_over_when_configured() -> None:
    old = [{"event": "slot", "name": "language", "value": "en", "timestamp": 1.0}]
    _, events = run(old, {"session_config": {"carry_over_slots_to_new_session": True}})
    assert {"event": "slot", "name": "language", "value": "en", "timestamp": None} in events


def test_slots_are_dropped_when_not_configured() -> None:
    old = [{"event": "slot", "name": "language", "value": "en", "timestamp": 1.0}]
    _, events = run(old, {"session_config": {"carry_over_slots_to_new_session": False}})
    assert not [e for e in events if e["event"] == "slot"]
