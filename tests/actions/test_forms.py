"""Intake-form validation and submission, driven as Rasa SDK drives them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.form_answers import (
    parse_adult,
    parse_card_type,
    parse_loss,
    parse_product,
    parse_yes_no,
)
from actions.forms import (
    ActionSubmitAccountOpening,
    ActionSubmitLostCard,
    ValidateAccountOpeningForm,
    ValidateDisputeForm,
    ValidateLostCardForm,
    ineligibility,
)

DOMAIN: dict[str, Any] = {
    "forms": {
        "lost_card_form": {"required_slots": list(ValidateLostCardForm.parsers)},
        "account_opening_form": {"required_slots": list(ValidateAccountOpeningForm.parsers)},
        "dispute_form": {"required_slots": list(ValidateDisputeForm.parsers)},
    },
}
CARD_NUMBER = "4111 1111 1111 1111"


def tracker(text: str, intent: str = "faq", slots: dict[str, Any] | None = None,
            requested: str | None = None, candidate: tuple[str, Any] | None = None,
            pii: bool = False) -> Tracker:
    """A tracker as the form hands it to its validation action (slot candidate last)."""
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9},
               "compliance": {"hits": [{"detector": "pii.card_number.v1"}] if pii else []}}
    events: list[dict[str, Any]] = [{"event": "user", "text": text, "parse_data": message}]
    values = {**(slots or {}), "requested_slot": requested}
    if candidate:
        events.append({"event": "slot", "name": candidate[0], "value": candidate[1]})
        values[candidate[0]] = candidate[1]
    return Tracker("s", values, message, events, False, None, {"name": "form"}, "action_listen")


def run(action: Action, t: Tracker) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, DOMAIN))
    assert all(m["text"] is None for m in dispatcher.messages)  # approved text only
    return [m["response"] for m in dispatcher.messages], events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


# fmt: off
@pytest.mark.parametrize(("parser", "text", "expected"), [
    (parse_loss, "stolen", "stolen"),
    (parse_loss, "my wallet got nicked on the tube", "stolen"),
    (parse_loss, "I think I dropped it", "lost"),
    (parse_loss, "no idea tbh", "lost"),
    (parse_loss, f"it's {CARD_NUMBER}", None),
    (parse_card_type, "Credit card", "credit"),
    (parse_card_type, "my debit one", "debit"),
    (parse_card_type, "both cards", "debit and credit"),
    (parse_card_type, "the allowance card", None),
    (parse_yes_no, True, True),
    (parse_yes_no, "/deny", False),
    (parse_yes_no, "yeah, two of them", True),
    (parse_yes_no, "nope", False),
    (parse_yes_no, "not sure", None),
    (parse_yes_no, "I'm not sure", None),
    (parse_yes_no, "yes, two I don't know", True),
    (parse_yes_no, "what do you mean", None),
    (parse_product, "a checking account", "current"),
    (parse_product, "a joint savings account with my husband", "joint"),
    (parse_product, "an account for a child", "minor"),
    (parse_product, "savings", "savings"),
    (parse_product, "the best one", None),
    (parse_adult, "I'm 17", False),
    (parse_adult, "42", True),
    (parse_adult, "yes", True),
    (parse_adult, "born in 1990", None),
])
# fmt: on
def test_answers_are_reduced_to_known_values(parser: Any, text: Any, expected: Any) -> None:
    assert parser(text) == expected


def test_a_valid_answer_is_kept_as_its_value() -> None:
    t = tracker("it was stolen", "report_lost_card", requested="lost_card_kind",
                candidate=("lost_card_kind", "it was stolen"))
    responses, events = run(ValidateLostCardForm(), t)
    assert responses == []
    assert slot_events(events) == {"lost_card_kind": "stolen"}


def test_a_card_number_is_neither_kept_nor_answered_and_the_question_comes_again() -> None:
    text = f"my card number is {CARD_NUMBER}"
    t = tracker(text, "faq", requested="lost_card_type", candidate=("lost_card_type", text),
                pii=True)
    responses, events = run(ValidateLostCardForm(), t)
    assert responses == ["utter_form_not_understood"]
    assert slot_events(events) == {"lost_card_type": None}
    assert CARD_NUMBER not in str(events)


@pytest.mark.parametrize("intent", ["faq", "stop", "ask_personal_advice", "open_account"])
def test_another_request_ends_the_form_so_the_policies_answer_it(intent: str) -> None:
    text = "which account should I pick to invest my money"
    t = tracker(text, intent, slots={"lost_card_kind": "lost"}, requested="lost_card_type",
                candidate=("lost_card_type", text))
    responses, events = run(ValidateLostCardForm(), t)
    assert responses == []
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert events[-1]["event"] == "action_execution_rejected"
    assert events[-1]["name"] == "lost_card_form"
    assert slot_events(events)["lost_card_kind"] is None  # a new start asks again


def test_an_answer_classified_as_another_request_is_still_an_answer() -> None:
    t = tracker("debit card", "faq", requested="lost_card_type",
                candidate=("lost_card_type", "debit card"))
    _, events = run(ValidateLostCardForm(), t)
    assert slot_events(events) == {"lost_card_type": "debit"}


def test_the_first_message_fills_what_it_already_says() -> None:
    t = tracker("someone stole my credit card", "report_lost_card")
    _, events = run(ValidateLostCardForm(), t)
    assert slot_events(events) == {"lost_card_kind": "stolen", "lost_card_type": "credit"}


def test_an_account_for_a_child_asks_about_the_guardian_not_the_age() -> None:
    t = tracker("for my kid", "open_account", requested="account_product",
                candidate=("account_product", "for my kid"))
    _, events = run(ValidateAccountOpeningForm(), t)
    assert slot_events(events) == {"account_product": "minor", "requested_slot": "account_guardian"}
    t = tracker("a savings account", "open_account", requested="account_product",
                candidate=("account_product", "a savings account"))
    _, events = run(ValidateAccountOpeningForm(), t)
    assert slot_events(events)["requested_slot"] == "account_adult"


def test_a_disqualifying_no_ends_the_questions() -> None:
    t = tracker("no", "deny", slots={"account_product": "minor"}, requested="account_guardian",
                candidate=("account_guardian", False))
    _, events = run(ValidateAccountOpeningForm(), t)
    assert slot_events(events) == {"account_guardian": False, "requested_slot": None}


@pytest.mark.parametrize(("slots", "reason"), [
    ({"account_product": "current", "account_adult": True, "account_resident": True,
      "account_has_id": True}, None),
    ({"account_product": "minor", "account_guardian": False}, "utter_account_not_eligible_guardian"),
    ({"account_product": "savings", "account_adult": False}, "utter_account_not_eligible_age"),
    ({"account_product": "joint", "account_adult": True, "account_resident": False},
     "utter_account_not_eligible_residency"),
    ({"account_product": "current", "account_adult": True, "account_resident": True,
      "account_has_id": False}, "utter_account_not_eligible_documents"),
])
def test_eligibility(slots: dict[str, Any], reason: str | None) -> None:
    assert ineligibility(slots) == reason


def test_eligible_customers_get_the_product_and_its_requirements_from_bank_facts() -> None:
    slots = {"account_product": "joint", "account_adult": True, "account_resident": True,
             "account_has_id": True}
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSubmitAccountOpening().run(dispatcher, tracker("yes", "affirm", slots), {}))
    [message] = dispatcher.messages
    assert message["response"] == "utter_account_eligible"
    assert message["account_product_name"] == "Joint Checking account"  # bank.yml
    assert "holder" in message["account_requirements"]
    assert all(value is None for value in slot_events(events).values())


def test_ineligible_customers_are_offered_a_person() -> None:
    slots = {"account_product": "minor", "account_guardian": False}
    responses, _ = run(ActionSubmitAccountOpening(), tracker("no", "deny", slots))
    assert responses == ["utter_account_not_eligible_guardian", "utter_offer_human"]


@pytest.mark.parametrize(("kind", "unrecognised", "expected"), [
    ("lost", False, ["utter_lost_card_block", "utter_lost_card_replacement"]),
    ("stolen", True, ["utter_lost_card_block", "utter_lost_card_police",
                      "utter_lost_card_dispute", "utter_lost_card_replacement"]),
])
def test_lost_card_advice(kind: str, unrecognised: bool, expected: list[str]) -> None:
    slots = {"lost_card_kind": kind, "lost_card_type": "debit", "lost_card_unrecognised": unrecognised}
    responses, events = run(ActionSubmitLostCard(), tracker("no", "deny", slots))
    assert responses == expected
    assert slot_events(events) == dict.fromkeys(ValidateLostCardForm.parsers)


def test_stop_leaves_the_dispute_form() -> None:
    t = tracker("stop", "stop", slots={"dispute_what": "a coffee shop"},
                requested="dispute_when", candidate=("dispute_when", "stop"))
    _, events = run(ValidateDisputeForm(), t)
    assert events[-1] == {"event": "action_execution_rejected", "name": "dispute_form",
                          "policy": None, "confidence": None, "timestamp": None}
    assert slot_events(events)["dispute_what"] is None


def test_any_other_dispute_answer_is_kept_even_if_it_reads_as_a_question() -> None:
    text = "the corner shop, is that enough?"
    t = tracker(text, "faq", requested="dispute_what", candidate=("dispute_what", text))
    _, events = run(ValidateDisputeForm(), t)
    assert slot_events(events) == {"dispute_what": text}
