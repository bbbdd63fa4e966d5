"""Custom actions the compliance rulebook calls (compliance.yml ``enforcement.action``).

Customer-facing text always comes from domain.yml (``response=``), never from code, so it is
approved text with bank facts filled in by Candor's NLG. Each action returns the slots the
transcript writer records (handoff status, complaint category).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.survey import ask_for_rating

#: Complaint categories, first match wins; keywords are whole-word, case-insensitive.
COMPLAINT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fraud_security", ("fraud", "scam", "stolen", "hacked", "phishing", "unauthori[sz]ed")),
    ("fees_charges", ("fee", "fees", "charge", "charged", "charges", "interest", "rip off")),
    ("cards", ("card", "cards", "pin", "atm", "contactless")),
    ("payments_transfers", ("payment", "transfer", "direct debit", "standing order", "refund")),
    ("digital", ("app", "online", "website", "login", "log in", "password")),
    ("lending", ("loan", "mortgage", "overdraft", "credit")),
    ("staff_service", ("staff", "branch", "call", "phone", "waited", "rude", "service", "answer")),
)


def complaint_category(text: str) -> str:
    """The category of a complaint, from its wording (``other`` when nothing matches)."""
    for category, words in COMPLAINT_CATEGORIES:
        if re.search(rf"\b(?:{'|'.join(words)})\b", text, re.IGNORECASE):
            return category
    return "other"


def leave_form(tracker: Tracker) -> list[EventType]:
    """Events that stop an active form, so a handoff is not followed by the next question."""
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


class ActionHandoff(Action):
    """``human-handoff``: tell the customer how they will reach a person and record it."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_handoff")
        status = "priority" if tracker.get_slot("handoff") == "priority" else "requested"
        # The end-of-conversation survey, except for a customer in distress (priority).
        survey = await ask_for_rating(dispatcher, tracker) if status == "requested" else []
        return [*leave_form(tracker), SlotSet("handoff", status), *survey]


class ActionRecordComplaint(Action):
    """``complaint``: acknowledge, record the category, explain the process, offer a person."""

    def name(self) -> str:
        return "action_record_complaint"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        category = complaint_category(tracker.latest_message.get("text") or "")
        dispatcher.utter_message(response="utter_complaint_ack")
        if tracker.get_slot("handoff") is None:
            dispatcher.utter_message(response="utter_offer_human")
        return [SlotSet("complaint_category", category)]


class ActionVulnerableCustomer(Action):
    """``vulnerable-customer``: respond with care and queue a person with priority."""

    def name(self) -> str:
        return "action_vulnerable_customer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_vulnerable_support")
        return [*leave_form(tracker), SlotSet("handoff", "priority")]


class ActionSubmitDispute(Action):
    """``dispute-intake``: hand the completed dispute to the team and state the timelines."""

    def name(self) -> str:
        return "action_submit_dispute"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_dispute_timelines")
        return [SlotSet(slot, None) for slot in ("dispute_what", "dispute_when", "dispute_amount")]
