"""Two requests in one message get two answers (real model, Rasa and action servers)."""

from __future__ import annotations

import pytest

from bot.runtime.services import Ports
from tests.e2e.chat import Chat, responses

pytestmark = pytest.mark.slow


def test_both_faq_requests_are_answered_in_one_turn(product: Ports) -> None:
    replies = Chat(product) >> "how do i reset my password and also what are your opening hours"
    names = responses(replies)
    assert "utter_faq/digital_password_reset" in names
    assert names[-2:] == ["utter_also_asked", "utter_faq/contact_hours"]
    assert "Contact: hours" in replies[-2]["text"]
    assert all(r["metadata"]["ai_generated"] for r in replies)


def test_a_question_asked_with_a_complaint_is_still_answered(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    replies = chat >> "I want to make a formal complaint about your service. What is your phone number?"
    names = responses(replies)
    assert "complaint" in replies[0]["metadata"]["compliance_rules"]
    assert names[-2:] == ["utter_also_asked", "utter_faq/contact_phone"]
    assert "{" not in replies[-1]["text"]


def test_a_single_request_gets_a_single_answer(product: Ports) -> None:
    replies = Chat(product) >> "I want to transfer money and it keeps failing"
    names = responses(replies)
    assert "utter_also_asked" not in names
    assert len([n for n in names if n.startswith("utter_faq/")]) == 1, names
