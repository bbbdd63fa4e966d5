"""Two-stage fallback: ask to rephrase with the closest topics, then offer a person.

The first time in a row the NLU is unsure, the customer gets ``utter_ask_rephrase`` with the
closest FAQ topics (from the ResponseSelector's ranking) as buttons; a second miss in a row
offers a human (``utter_offer_human``), since a third guess rarely helps.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

FALLBACK_INTENT = "nlu_fallback"
TOPIC_BUTTONS = 3
ACRONYMS = {"pin", "atm", "cd", "apr", "apy", "2fa", "ira", "swift", "sepa"}


def topic_title(key: str) -> str:
    """``faq/card_lost_stolen`` -> ``Card: lost stolen`` (button text for a topic)."""
    area, _, rest = key.split("/", 1)[-1].partition("_")
    words = [w.upper() if w in ACRONYMS else w for w in rest.split("_")]
    head = area.upper() if area in ACRONYMS else area.capitalize()
    return f"{head}: {' '.join(words)}" if words and words != [""] else head


def closest_topics(parse_data: dict[str, Any], limit: int = TOPIC_BUTTONS) -> list[str]:
    """Topic keys the ResponseSelector ranked highest for the message."""
    ranking = ((parse_data.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
    return [r["intent_response_key"] for r in ranking[:limit] if r.get("intent_response_key")]


def misses_in_a_row(tracker: Tracker) -> int:
    """How many of the latest customer messages, counting back, were NLU fallbacks."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if (event.get("parse_data") or {}).get("intent", {}).get("name") != FALLBACK_INTENT:
                break
            count += 1
    return count


class ActionFallback(Action):
    """Rephrase with topic buttons first, a human next."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        if misses_in_a_row(tracker) >= 2:
            dispatcher.utter_message(response="utter_offer_human")
            return []
        buttons = [{"title": topic_title(key), "payload": topic_title(key).replace(":", "")}
                   for key in closest_topics(tracker.latest_message)]
        dispatcher.utter_message(response="utter_ask_rephrase", buttons=buttons)
        return []
