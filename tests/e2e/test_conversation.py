"""A real conversation: trained model, real Rasa server, real action server, REST webhook."""

from __future__ import annotations

import pytest

from bot.runtime.services import Ports
from tests.e2e.chat import Chat, post_json, responses

pytestmark = pytest.mark.slow


def test_disclosure_comes_first_and_names_the_way_to_a_human(product: Ports) -> None:
    replies = Chat(product) >> "hello there"
    assert responses(replies) == ["utter_ai_disclosure", "utter_greet"]
    disclosure = replies[0]
    assert "AI" in disclosure["text"] and "not a person" in disclosure["text"]
    assert "talk to a person" in disclosure["text"]
    assert disclosure["metadata"]["compliance_rules"] == ["ai-disclosure"]


def test_disclosure_is_given_once_per_session(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    assert "utter_ai_disclosure" not in responses(chat >> "thanks a lot!")


# Paraphrases written for this test, not copied from the training data.
# fmt: off
FAQS = [
    ("the new card you posted me - how do I get it activated?", "utter_faq/card_activate"),
    ("what am I meant to do if somebody steals my card?", "utter_faq/card_lost_stolen"),
    ("how can i send money to my sister's account in germany", "utter_faq/payment_international"),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), FAQS)
def test_faq_gets_the_right_answer(product: Ports, text: str, expected: str) -> None:
    replies = Chat(product) >> text
    assert responses(replies)[-1] == expected


def test_answers_are_filled_from_bank_facts(product: Ports) -> None:
    replies = Chat(product) >> "who do I ring if my debit card ever gets stolen?"
    answer = replies[-1]["text"]
    assert "{" not in answer
    assert "+1 800 555 0111" in answer  # bank.yml: card_emergency_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wait, am I chatting with a robot right now?", "utter_bot_identity"),
        ("please put me through to a real human", "utter_handoff"),
        ("what's a good recipe for lasagne", "utter_out_of_scope"),
    ],
)
def test_core_intents(product: Ports, text: str, expected: str) -> None:
    # A handoff ends the conversation: the survey's rating question follows (test_survey.py).
    answers = [r for r in responses(Chat(product) >> text) if r != "utter_ask_csat_rating"]
    assert answers[-1] == expected


def test_oversize_message_is_refused_with_a_clear_error(product: Ports) -> None:
    chat = Chat(product)
    status, body = post_json(chat.url, {"sender": chat.sender, "message": "a" * 5000})
    assert status == 413
    assert body["error"]["code"] == "E022"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "E023"),
        ([1, 2, 3], "E023"),
        ({"message": "hi"}, "E020"),
        ({"sender": "x" * 500, "message": "hi"}, "E020"),
        ({"sender": "abc", "message": ""}, "E021"),
        ({"sender": "abc", "message": {"text": "hi"}}, "E021"),
    ],
)
def test_malformed_requests_get_400(product: Ports, body: object, code: str) -> None:
    status, reply = post_json(Chat(product).url, body)
    assert (status, reply["error"]["code"]) == (400, code)


def test_a_refused_message_does_not_break_the_conversation(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    post_json(chat.url, {"sender": chat.sender, "message": "x" * 5000})
    assert responses(chat >> "how do I activate my card")[-1] == "utter_faq/card_activate"


def test_two_stage_fallback_offers_topics_then_a_person(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    first = chat >> "xyzzy plugh"
    assert first[-1]["metadata"]["response"] == "utter_ask_rephrase"
    assert 1 <= len(first[-1]["buttons"]) <= 3
    second = chat >> "flibber jabber snorkel"
    assert second[-1]["metadata"]["response"] == "utter_offer_human"
