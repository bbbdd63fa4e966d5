"""Custom actions the compliance rulebook calls (compliance.yml ``enforcement.action``).

Customer-facing text always comes from domain.yml (``response=``), never from code, so it is
approved text with bank facts filled in by Candor's NLG. Each action returns the slots the
transcript writer records (handoff status, complaint category, data-rights request).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.survey import ask_for_rating
from bot.compliance.contract import COMPLIANCE_KEY
from bot.nlg.bank_facts import load_bank_facts

#: Detectors whose hits change what an action says (registry names, as in compliance.yml).
SCAM_MONEY_MOVED = "signal.scam_money_moved.v1"
DATA_RIGHTS_SIGNAL = "signal.data_rights.v2"

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


def detector_hits(message: dict[str, Any], detector: str) -> list[dict[str, Any]]:
    """The hits one detector left in the message's compliance section (names and offsets)."""
    section = message.get(COMPLIANCE_KEY) or {}
    return [h for h in section.get("hits") or [] if h.get("detector") == detector]


class ActionVulnerableCustomer(Action):
    """``vulnerable-customer``: respond with care and queue a person with priority.

    When the customer says a scam has already taken money, the bank's urgent fraud line comes
    before anything else: minutes decide whether a payment can still be stopped or recalled.
    """

    def name(self) -> str:
        return "action_vulnerable_customer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if detector_hits(tracker.latest_message, SCAM_MONEY_MOVED):
            dispatcher.utter_message(response="utter_fraud_urgent")
        dispatcher.utter_message(response="utter_vulnerable_support")
        return [*leave_form(tracker), SlotSet("handoff", "priority")]


def data_rights_kinds(message: dict[str, Any]) -> list[str]:
    """What the customer asked for (access, erasure, ...), from the signal's pattern names."""
    kinds = [str(h.get("pattern_name")) for h in detector_hits(message, DATA_RIGHTS_SIGNAL)]
    return list(dict.fromkeys(kinds)) or ["unspecified"]


class ActionRecordDataRights(Action):
    """``data-rights-request``: record the request for the privacy team; say what happens next.

    The request is recorded through the ``data_rights_request`` slot, which the transcript
    writer turns into a ``data_rights_requests`` row with its due date. Nothing is changed or
    deleted here, and the reply never says it was: the bank must first verify who is asking.
    """

    def name(self) -> str:
        return "action_record_data_rights"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        kinds = data_rights_kinds(tracker.latest_message)
        due_days = int(load_bank_facts()["bank_data_rights_response_days"])
        dispatcher.utter_message(response="utter_data_rights_ack")
        return [SlotSet("data_rights_request", {"kinds": kinds, "due_days": due_days})]


class ActionSubmitDispute(Action):
    """``dispute-intake``: hand the completed dispute to the team and state the timelines."""

    def name(self) -> str:
        return "action_submit_dispute"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_dispute_timelines")
        return [SlotSet(slot, None) for slot in ("dispute_what", "dispute_when", "dispute_amount")]
