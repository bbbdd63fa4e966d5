"""Multi-turn intake forms: a lost or stolen card, and opening an account.

Slots are filled from the customer's own words (``from_text``, plus ``affirm``/``deny`` for
yes/no questions) and the validators here reduce each answer to one of a few known values, so
nothing the customer typed, such as a card number, is kept or repeated. A message that answers
nothing and is another request (a question, "stop", another form) ends the form with a manual
rejection, so the policies answer that request as if no form had been active. The dispute form
(submitted by :mod:`actions.guardrails`) keeps free-text answers, so only "stop" leaves it.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_answers import (
    parse_adult,
    parse_card_type,
    parse_loss,
    parse_product,
    parse_yes_no,
)
from bot.compliance.contract import COMPLIANCE_KEY
from bot.nlg.bank_facts import load_bank_facts

REQUESTED_SLOT = "requested_slot"

#: Intents that, when the message answers nothing, mean the customer wants something else.
LEAVING_INTENTS = frozenset({
    "stop", "faq", "goodbye", "out_of_scope", "bot_challenge", "ask_personal_advice",
    "request_account_data", "complain", "report_lost_card", "open_account",
})

Parser = Callable[[Any], Any]


def has_personal_data(message: dict[str, Any]) -> bool:
    """True when the compliance detector found personal data in the message."""
    hits = (message.get(COMPLIANCE_KEY) or {}).get("hits") or []
    return any(str(hit.get("detector", "")).startswith("pii.") for hit in hits)


class IntakeFormValidation(FormValidationAction):
    """Validation shared by the intake forms: known values only, and a way out of the form.

    Subclasses name their form's trigger intent and map each slot to a parser; an answer the
    parser can't read is cleared (so the form asks again) after ``utter_form_not_understood``.
    """

    trigger_intent: str = ""
    parsers: dict[str, Parser] = {}

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the SDK registers only the concrete validators."""

    def leaves_form(self, tracker: Tracker, slot: str) -> bool:
        """True when the message is another request rather than an answer to ``slot``."""
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if intent not in LEAVING_INTENTS - {self.trigger_intent} or has_personal_data(message):
            return False
        return self.parsers[slot](message.get("text")) is None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        slot = tracker.get_slot(REQUESTED_SLOT)
        if slot in self.parsers and self.leaves_form(tracker, slot):
            return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None),
                    *[SlotSet(name, None) for name in self.parsers],
                    ActionExecutionRejected(self.form_name())]
        return await super().run(dispatcher, tracker, domain)

    def check(self, slot: str, value: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
        """The parsed value of ``slot``, or ``None`` and a short "didn't catch that"."""
        parsed = self.parsers[slot](value)
        if parsed is None:
            dispatcher.utter_message(response="utter_form_not_understood")
        return {slot: parsed}


class ValidateLostCardForm(IntakeFormValidation):
    """``lost_card_form``: lost or stolen, which card, any payments the customer doesn't know."""

    trigger_intent = "report_lost_card"
    parsers = {
        "lost_card_kind": parse_loss,
        "lost_card_type": parse_card_type,
        "lost_card_unrecognised": parse_yes_no,
    }

    def name(self) -> str:
        return "validate_lost_card_form"

    async def extract_lost_card_kind(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """At activation, what the first message already said ("someone stole my card")."""
        return prefill(tracker, "lost_card_kind", parse_loss)

    async def extract_lost_card_type(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        """At activation, which card the first message named ("I lost my credit card")."""
        return prefill(tracker, "lost_card_type", parse_card_type)

    def validate_lost_card_kind(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("lost_card_kind", value, dispatcher)

    def validate_lost_card_type(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("lost_card_type", value, dispatcher)

    def validate_lost_card_unrecognised(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("lost_card_unrecognised", value, dispatcher)


class ValidateDisputeForm(IntakeFormValidation):
    """``dispute_form``: what, when, how much, in the customer's words (redacted at rest).

    Any text can be a merchant's name or a date, so a question is taken as the answer; only a
    clear "stop" or "cancel" leaves the form.
    """

    parsers = {"dispute_what": str, "dispute_when": str, "dispute_amount": str}

    def name(self) -> str:
        return "validate_dispute_form"

    def leaves_form(self, tracker: Tracker, slot: str) -> bool:
        """Only the ``stop`` intent, and never on a message carrying personal data."""
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        return intent.get("name") == "stop" and not has_personal_data(message)


def prefill(tracker: Tracker, slot: str, parser: Parser) -> dict[str, Any]:
    """``{slot: value}`` from the message that started the form, when it clearly says it."""
    if tracker.get_slot(REQUESTED_SLOT) is not None or tracker.get_slot(slot) is not None:
        return {}
    value = parser(tracker.latest_message.get("text"))
    return {slot: value} if value is not None else {}


class ActionSubmitLostCard(Action):
    """Block advice, the dispute route when there are unknown payments, and the replacement.

    The rule that runs this hands off to a person next (``action_handoff``), who orders the
    replacement card.
    """

    def name(self) -> str:
        return "action_submit_lost_card"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_lost_card_block")
        if tracker.get_slot("lost_card_kind") == "stolen":
            dispatcher.utter_message(response="utter_lost_card_police")
        if tracker.get_slot("lost_card_unrecognised"):
            dispatcher.utter_message(response="utter_lost_card_dispute")
        dispatcher.utter_message(response="utter_lost_card_replacement")
        return [SlotSet(slot, None) for slot in ValidateLostCardForm.parsers]


class ValidateAccountOpeningForm(IntakeFormValidation):
    """``account_opening_form``: which product, then the eligibility questions for it."""

    trigger_intent = "open_account"
    parsers = {
        "account_product": parse_product,
        "account_adult": parse_adult,
        "account_guardian": parse_yes_no,
        "account_resident": parse_yes_no,
        "account_has_id": parse_yes_no,
    }

    def name(self) -> str:
        return "validate_account_opening_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """The questions still to ask for this product and these answers.

        A child's account asks about the guardian, not the age; a "no" that rules out applying
        online ends the questions, as the answer no longer depends on the rest.
        """
        minor = tracker.get_slot("account_product") == "minor"
        skip = "account_adult" if minor else "account_guardian"
        slots = [slot for slot in domain_slots if slot != skip]
        for index, slot in enumerate(slots):
            if tracker.get_slot(slot) is False:
                return slots[: index + 1]
        return slots

    async def extract_account_product(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        """At activation, the product the first message named ("open a joint account")."""
        return prefill(tracker, "account_product", parse_product)

    def validate_account_product(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("account_product", value, dispatcher)

    def validate_account_adult(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("account_adult", value, dispatcher)

    def validate_account_guardian(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("account_guardian", value, dispatcher)

    def validate_account_resident(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("account_resident", value, dispatcher)

    def validate_account_has_id(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self.check("account_has_id", value, dispatcher)


def ineligibility(slots: dict[str, Any]) -> str | None:
    """Why the customer can't apply online (the response that says so), or ``None``."""
    if slots.get("account_product") == "minor" and slots.get("account_guardian") is False:
        return "utter_account_not_eligible_guardian"
    if slots.get("account_product") != "minor" and slots.get("account_adult") is False:
        return "utter_account_not_eligible_age"
    if slots.get("account_resident") is False:
        return "utter_account_not_eligible_residency"
    if slots.get("account_has_id") is False:
        return "utter_account_not_eligible_documents"
    return None


class ActionSubmitAccountOpening(Action):
    """Tell the customer whether they can apply online, with what, and how; else who can help.

    Product names and documents come from bank.yml (``account_opening``), passed to the
    response as values, so the approved wording stays in domain.yml.
    """

    def name(self) -> str:
        return "action_submit_account_opening"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        slots = {slot: tracker.get_slot(slot) for slot in ValidateAccountOpeningForm.parsers}
        reason = ineligibility(slots)
        if reason:
            dispatcher.utter_message(response=reason)
            dispatcher.utter_message(response="utter_offer_human")
        else:
            facts = load_bank_facts()
            product = slots["account_product"] or "current"
            dispatcher.utter_message(
                response="utter_account_eligible",
                account_product_name=facts[f"bank_account_opening_products_{product}"],
                account_requirements=facts[f"bank_account_opening_requirements_{product}"],
            )
        return [SlotSet(slot, None) for slot in slots]
