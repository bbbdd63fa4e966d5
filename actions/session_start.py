"""The first bot turn of every conversation: the AI disclosure (rule ``ai-disclosure``).

Replaces Rasa's default ``action_session_start`` so the disclosure cannot be skipped by a
story or a rule: Rasa runs this action itself whenever a session starts.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.survey import SESSION_SCOPED_SLOTS

DISCLOSURE_RESPONSE = "utter_ai_disclosure"


def carried_over_slots(tracker: Tracker) -> list[EventType]:
    """Slots from the previous session, re-set after ``SessionStarted`` (Rasa's default).

    Per-conversation slots (the survey's) stay behind: a new session is a new conversation.
    """
    return [
        SlotSet(event["name"], event.get("value"))
        for event in tracker.events
        if event.get("event") == "slot" and event.get("name") not in SESSION_SCOPED_SLOTS
    ]


class ActionSessionStart(Action):
    """Start a session with the AI disclosure, then listen."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events: list[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            events.extend(carried_over_slots(tracker))
        dispatcher.utter_message(response=DISCLOSURE_RESPONSE)
        events.append(ActionExecuted("action_listen"))
        return events
