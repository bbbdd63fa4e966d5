"""Answers the requests of a message that the turn's first answer left open.

A message can hold more than one request: :class:`bot.nlu.multi_intent.MultiIntentDetector`
lists the others as ``additional_intents``. And when a compliance rule takes over a turn (a
complaint, an advice request), the customer's actual question is still unanswered. The guard
policy runs this action once in such turns, after the first answer. FAQ topics are answered
with their approved response; an intent that starts a flow (a form) starts it last, so its
question is the last thing the customer reads; inside a form, the form's question is repeated.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.fallback import topic_title
from bot.compliance.contract import ADDITIONAL_INTENTS_KEY

FAQ_ACTION = "utter_faq"

# Intents whose answer is a flow rather than a response: the action that starts it (as in
# data/rules.yml).
FLOW_STARTERS: dict[str, str] = {
    "report_lost_card": "lost_card_form",
    "open_account": "account_opening_form",
}


def main_request(parse_data: dict[str, Any]) -> dict[str, Any]:
    """The message's main request in the shape of an ``additional_intents`` entry."""
    intent = (parse_data.get("intent") or {}).get("name")
    selection = (parse_data.get("response_selector") or {}).get(str(intent)) or {}
    key = (selection.get("response") or {}).get("intent_response_key")
    return {"intent": intent, "response_key": key}


def open_requests(parse_data: dict[str, Any], actions_this_turn: list[str]) -> list[dict[str, Any]]:
    """Requests still unanswered: the main one unless its answer ran, then the others."""
    main = main_request(parse_data)
    answered = FAQ_ACTION in actions_this_turn or FLOW_STARTERS.get(str(main["intent"])) in (
        actions_this_turn
    )
    others = [r for r in parse_data.get(ADDITIONAL_INTENTS_KEY) or [] if isinstance(r, dict)]
    return others if answered else [main, *others]


def actions_this_turn(tracker: Tracker) -> list[str]:
    """Names of the actions run since the latest customer message."""
    names: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action":
            names.append(str(event.get("name")))
    return names


def open_question(tracker: Tracker, domain: DomainDict) -> str | None:
    """The response that asks the active form's current question, if a form is waiting."""
    form = (tracker.active_loop or {}).get("name")
    slot = tracker.get_slot("requested_slot")
    if not form or not slot:
        return None
    responses = domain.get("responses") or {}
    for name in (f"utter_ask_{form}_{slot}", f"utter_ask_{slot}"):
        if name in responses:
            return name
    return None


class ActionAnswerAlso(Action):
    """Answer each open FAQ request; start at most one flow, and only outside a form."""

    def name(self) -> str:
        return "action_answer_also"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        responses = domain.get("responses") or {}
        answered = False
        flow: str | None = None
        main = main_request(tracker.latest_message)
        for request in open_requests(tracker.latest_message, actions_this_turn(tracker)):
            key = request.get("response_key")
            if key and f"utter_{key}" in responses:
                # The message's own question, left open by a rule, is not something "also" asked.
                lead = "utter_your_question" if request == main else "utter_also_asked"
                dispatcher.utter_message(response=lead, topic=topic_title(key))
                dispatcher.utter_message(response=f"utter_{key}")
                answered = True
            elif flow is None and request.get("intent") in FLOW_STARTERS:
                flow = FLOW_STARTERS[str(request["intent"])]
        question = open_question(tracker, domain)
        if answered and question:
            dispatcher.utter_message(response="utter_back_to_question")
            dispatcher.utter_message(response=question)
        if flow and question is None:
            return [FollowupAction(flow)]
        return []
