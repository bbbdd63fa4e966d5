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
    ActionRecordDataRights,
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


def hit(detector: str, pattern: str) -> dict[str, Any]:
    return {"detector": detector, "entity_type": "X", "pattern_name": pattern, "start": 0,
            "end": 1, "score": 0.9}


def tracker_with_hits(text: str, *hits: dict[str, Any]) -> Tracker:
    message = {"text": text, "intent": {}, "compliance": {"hits": list(hits)}}
    return Tracker("s", {}, message, [], False, None, {}, "action_listen")


def test_a_scam_with_money_gone_gets_the_urgent_fraud_line_first() -> None:
    text = "I sent £2,000 to a man pretending to be from your fraud team"
    responses, events = run(ActionVulnerableCustomer(), tracker_with_hits(
        text, hit("signal.vulnerability.v4", "scam"), hit("signal.scam_money_moved.v1", "scam_money_moved")))
    assert responses == ["utter_fraud_urgent", "utter_vulnerable_support"]
    assert {"event": "slot", "name": "handoff", "value": "priority", "timestamp": None} in events


def test_a_scam_before_money_moved_gets_care_without_the_fraud_line() -> None:
    responses, _ = run(ActionVulnerableCustomer(), tracker_with_hits(
        "a caller wants me to move my savings", hit("signal.vulnerability.v4", "scam_steered")))
    assert responses == ["utter_vulnerable_support"]


def test_a_data_rights_request_is_recorded_with_its_kinds_and_due_days() -> None:
    responses, events = run(ActionRecordDataRights(), tracker_with_hits(
        "delete my data and stop emailing me", hit("signal.data_rights.v2", "erasure"),
        hit("signal.data_rights.v2", "objection"), hit("signal.data_rights.v2", "erasure")))
    assert responses == ["utter_data_rights_ack"]
    [slot] = events
    assert slot["name"] == "data_rights_request"
    assert slot["value"] == {"kinds": ["erasure", "objection"], "due_days": 30}


def test_a_data_rights_request_found_by_the_intent_alone_is_unspecified() -> None:
    _, events = run(ActionRecordDataRights(), tracker_with_hits("data request pls"))
    assert events[0]["value"]["kinds"] == ["unspecified"]


def test_the_data_rights_reply_promises_a_date_and_never_a_done_deletion() -> None:
    import yaml

    from bot.nlg.bank_facts import load_bank_facts
    from bot.paths import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    text = domain["responses"]["utter_data_rights_ack"][0]["text"]
    assert "{bank_data_rights_response_days} days" in text
    assert "Nothing has been changed or deleted yet" in text
    for claim in ("has been deleted", "have deleted", "we deleted", "was deleted", "erased your"):
        assert claim not in text.lower()
    assert load_bank_facts()["bank_data_rights_response_days"].isdigit()
    assert "{bank_fraud_urgent_phone}" in domain["responses"]["utter_fraud_urgent"][0]["text"]
