from __future__ import annotations

import asyncio
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.multi_intent import FLOW_STARTERS, ActionAnswerAlso, open_requests
from bot.paths import PROJECT_ROOT

DOMAIN = {"responses": {"utter_faq/fees_atm": [{"text": "ATM fees ..."}],
                        "utter_faq/card_pin": [{"text": "PIN ..."}],
                        "utter_ask_dispute_when": [{"text": "When?"}]}}


def parse(intent: str, key: str | None = None, *others: str) -> dict[str, Any]:
    data: dict[str, Any] = {"text": "?", "intent": {"name": intent, "confidence": 0.9},
                            "additional_intents": [
                                {"intent": o.split("/")[0], "response_key": o if "/" in o else None,
                                 "confidence": 0.9} for o in others]}
    if key:
        data["response_selector"] = {intent: {"response": {"intent_response_key": key}}}
    return data


def run(data: dict[str, Any], actions: list[str], slots: dict[str, Any] | None = None,
        loop: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    events = [{"event": "user", "text": "?", "parse_data": data},
              *({"event": "action", "name": a} for a in actions)]
    tracker = Tracker("s", slots or {}, data, events, False, None,
                      {"name": loop} if loop else {}, actions[-1] if actions else "action_listen")
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionAnswerAlso().run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, result


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages]


def test_answers_the_other_faq_request_after_the_main_answer() -> None:
    messages, events = run(parse("faq", "faq/card_pin", "faq/fees_atm"), ["utter_faq"])
    assert responses(messages) == ["utter_also_asked", "utter_faq/fees_atm"]
    assert messages[0]["topic"] == "Fees: ATM"
    assert events == []


def test_answers_the_main_faq_request_when_a_rule_took_over_the_turn() -> None:
    messages, _ = run(parse("faq", "faq/card_pin", "faq/fees_atm"), ["action_record_complaint"])
    assert responses(messages) == ["utter_your_question", "utter_faq/card_pin",
                                   "utter_also_asked", "utter_faq/fees_atm"]


def test_says_nothing_when_nothing_is_left_open() -> None:
    assert run(parse("complain"), ["action_record_complaint"])[0] == []
    assert run(parse("faq", "faq/card_pin"), ["utter_faq"])[0] == []


def test_inside_a_form_repeats_the_form_question_last() -> None:
    messages, _ = run(parse("inform", None, "faq/fees_atm"), ["dispute_form"],
                      {"requested_slot": "dispute_when"}, loop="dispute_form")
    assert responses(messages) == ["utter_also_asked", "utter_faq/fees_atm",
                                   "utter_back_to_question", "utter_ask_dispute_when"]


def test_starts_a_flow_request_last() -> None:
    messages, events = run(parse("faq", "faq/card_pin", "report_lost_card"), ["utter_faq"])
    assert messages == []
    assert events == [{"event": "followup", "name": "lost_card_form", "timestamp": None}]


def test_unknown_topics_are_skipped() -> None:
    data = parse("faq", "faq/card_pin", "faq/no_such_topic")
    assert open_requests(data, ["utter_faq"]) == data["additional_intents"]
    assert run(data, ["utter_faq"])[0] == []


def test_every_flow_starter_is_a_form_of_the_domain() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    assert set(FLOW_STARTERS.values()) <= set(domain["forms"])
    assert set(FLOW_STARTERS) <= set(domain["intents"])
