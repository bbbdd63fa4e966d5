from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionFallback, closest_topics, misses_in_a_row, topic_title


@pytest.mark.parametrize(("key", "title"), [
    ("faq/card_lost_stolen", "Card: lost stolen"),
    ("faq/fees_cd_early_withdrawal", "Fees: CD early withdrawal"),
    ("faq/digital_2fa", "Digital: 2FA"),
    ("faq/deposit_insurance", "Deposit: insurance"),
    ("faq/contact", "Contact"),
])
def test_topic_titles(key: str, title: str) -> None:
    assert topic_title(key) == title


def parse(intent: str, topics: tuple[str, ...] = ()) -> dict[str, Any]:
    ranking = [{"intent_response_key": t, "confidence": 0.1} for t in topics]
    return {"text": "?", "intent": {"name": intent},
            "response_selector": {"faq": {"ranking": ranking}}}


def user(intent: str, topics: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"event": "user", "text": "?", "parse_data": parse(intent, topics)}


def run(events: list[dict[str, Any]]) -> CollectingDispatcher:
    tracker = Tracker("s", {}, events[-1]["parse_data"], events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionFallback().run(dispatcher, tracker, {}))
    return dispatcher


def test_first_miss_asks_to_rephrase_with_the_three_closest_topics() -> None:
    topics = ("faq/card_pin", "faq/card_activate", "faq/digital_login", "faq/fees_atm")
    (message,) = run([user("greet"), user("nlu_fallback", topics)]).messages
    assert message["response"] == "utter_ask_rephrase"
    assert [b["title"] for b in message["buttons"]] == ["Card: PIN", "Card: activate", "Digital: login"]
    assert message["buttons"][0]["payload"] == "Card PIN"


def test_second_miss_in_a_row_offers_a_person() -> None:
    (message,) = run([user("nlu_fallback"), user("nlu_fallback")]).messages
    assert message["response"] == "utter_offer_human"


def test_misses_are_counted_only_in_a_row() -> None:
    events = [user("nlu_fallback"), user("greet"), user("nlu_fallback")]
    tracker = Tracker("s", {}, {}, events, False, None, {}, "action_listen")
    assert misses_in_a_row(tracker) == 1


def test_no_ranking_no_buttons() -> None:
    assert closest_topics({"text": "x"}) == []
