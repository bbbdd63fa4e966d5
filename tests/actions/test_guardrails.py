"""Rule actions, driven as Rasa SDK drives them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guardrails import (
    ActionHandoff,
    ActionRecordComplaint,
    ActionSubmitDispute,
    ActionVulnerableCustomer,
    complaint_category,
)


def tracker(text: str = "", slots: dict[str, Any] | None = None, loop: str | None = None) -> Tracker:
    return Tracker("s", slots or {}, {"text": text, "intent": {}}, [], False, None,
                   {"name": loop} if loop else {}, "action_listen")


def run(action: Action, t: Tracker) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    assert all(m["text"] is None for m in dispatcher.messages)  # approved text only
    return [m["response"] for m in dispatcher.messages], events


@pytest.mark.parametrize(("text", "category"), [
    ("you charged me a fee twice", "fees_charges"),
    ("the app keeps crashing when I log in", "digital"),
    ("someone stole money, it was fraud", "fraud_security"),
    ("the staff in the branch were rude", "staff_service"),
    ("I am unhappy", "other"),
])
def test_complaint_categories(text: str, category: str) -> None:
    assert complaint_category(text) == category


def test_complaint_is_acknowledged_recorded_and_a_person_offered() -> None:
    responses, events = run(ActionRecordComplaint(), tracker("your fees are a rip off"))
    assert responses == ["utter_complaint_ack", "utter_offer_human"]
    assert {"event": "slot", "name": "complaint_category", "value": "fees_charges",
            "timestamp": None} in events


def test_no_second_offer_when_a_handoff_is_under_way() -> None:
    responses, _ = run(ActionRecordComplaint(), tracker("bad", {"handoff": "requested"}))
    assert responses == ["utter_complaint_ack"]


def test_handoff_is_recorded_and_stops_an_active_form() -> None:
    # Survey already answered: the rating request after a handoff is tested in test_survey.py.
    responses, events = run(ActionHandoff(), tracker(slots={"csat_survey": "done"},
                                                     loop="dispute_form"))
    assert responses == ["utter_handoff"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert events[-1]["name"] == "handoff" and events[-1]["value"] == "requested"


def test_a_priority_handoff_stays_priority() -> None:
    _, events = run(ActionHandoff(), tracker(slots={"handoff": "priority"}))
    assert events[-1]["value"] == "priority"


def test_vulnerable_customer_gets_care_and_a_priority_handoff() -> None:
    responses, events = run(ActionVulnerableCustomer(), tracker())
    assert responses == ["utter_vulnerable_support"]
    assert events[-1]["name"] == "handoff" and events[-1]["value"] == "priority"


def test_submitted_dispute_states_timelines_and_clears_its_slots() -> None:
    responses, events = run(ActionSubmitDispute(), tracker())
    assert responses == ["utter_dispute_timelines"]
    assert {e["name"] for e in events} == {"dispute_what", "dispute_when", "dispute_amount"}
