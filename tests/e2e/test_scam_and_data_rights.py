"""Issue 18 end to end: a scam with money gone, a data-rights request, survey comments, thanks
for a fix and a recognised payment.

Real stack over the REST webhook (trained model, Rasa server with its transcript writer, action
server). The messages are written for these tests, not taken from the evaluation set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from bot.nlg.bank_facts import load_bank_facts
from bot.runtime.services import Ports
from bot.transcripts import models as m
from bot.transcripts.db import Database
from tests.e2e.chat import Chat, responses
from tests.e2e.test_guardrails import rules_fired, turn
from tests.e2e.test_survey import rate, surveys, wait_for

pytestmark = pytest.mark.slow


def recorded(db: Database, column: Any, chat: Chat) -> Callable[[], list[Any]]:
    """A check for ``wait_for``: ``column``'s rows of ``chat``'s conversation, once written."""
    query = select(column).join(m.Conversation).where(m.Conversation.sender_id == chat.sender)

    def rows() -> list[Any]:
        with db.begin() as s:
            return list(s.execute(query).scalars())

    return rows


def said_after_hello(chat: Chat, text: str) -> list[dict[str, Any]]:
    chat >> "hi"
    return chat >> text


def test_a_scam_with_money_gone_gets_the_fraud_line_first_then_priority_care(
    product: Ports, db: Database
) -> None:
    chat = Chat(product)
    replies = said_after_hello(chat, "a man who said he was from your security team got me to "
                               "transfer £2,400 to a safe account this morning and his phone is off")
    names = responses(replies)
    assert names[:2] == ["utter_fraud_urgent", "utter_vulnerable_support"], names
    assert load_bank_facts()["bank_fraud_urgent_phone"].split(" (")[0] in replies[0]["text"]
    assert "vulnerable-customer" in rules_fired(replies)
    # a payment the customer made is no dispute: no dispute form after the fraud line
    assert "dispute-intake" not in rules_fired(replies)
    assert wait_for("the handoff row", recorded(db, m.Handoff.status, chat)) == ["priority"]


def test_a_scam_story_that_also_asks_a_question_gets_care_first_then_the_answer(
    product: Ports,
) -> None:
    replies = turn(product, "my boyfriend from a dating app who I've never met needs money for "
                   "his visa. what's the fee for an international transfer?")
    names = responses(replies)
    assert names[0] == "utter_vulnerable_support", names
    assert "utter_fraud_urgent" not in names  # no money has moved yet
    assert any(str(n).startswith("utter_faq/") for n in names[1:]), names


def test_a_data_rights_request_is_recorded_and_nothing_is_claimed_done(
    product: Ports, db: Database
) -> None:
    chat = Chat(product)
    replies = said_after_hello(
        chat, "please erase all my personal data and stop sending me marketing emails")
    assert "utter_data_rights_ack" in responses(replies), responses(replies)
    assert "data-rights-request" in rules_fired(replies)
    text = " ".join(r.get("text") or "" for r in replies)
    assert f"{load_bank_facts()['bank_data_rights_response_days']} days" in text
    assert "deleted yet" in text and "has been deleted" not in text
    [row] = wait_for("the data-rights row", recorded(db, m.DataRightsRequest, chat))
    assert set(row.kinds.split(",")) == {"erasure", "objection"} and row.status == "received"


def test_contact_details_in_a_survey_comment_are_stored_redacted_not_a_handoff(
    product: Ports, db: Database
) -> None:
    chat = Chat(product)
    said_after_hello(chat, "goodbye")
    rate(chat, 4)
    replies = chat >> "helpful overall, call me on 415 555 0132 if you want more feedback"
    assert "human-handoff" not in rules_fired(replies)
    assert responses(replies)[-1] == "utter_csat_thanks", responses(replies)
    [(rating, comment, _)] = wait_for("the survey row", lambda: surveys(db, chat.sender))
    assert rating == 4 and comment and "415 555 0132" not in comment


def test_a_dissatisfied_survey_comment_is_recorded_as_a_complaint(
    product: Ports, db: Database
) -> None:
    chat = Chat(product)
    said_after_hello(chat, "goodbye")
    rate(chat, 1)
    replies = chat >> "waste of time, it just sent me round in circles"
    assert "complaint" in rules_fired(replies)
    assert responses(replies)[-1] == "utter_csat_thanks", responses(replies)
    assert wait_for("the complaint row", recorded(db, m.Complaint.category, chat))
    assert wait_for("the survey row", lambda: surveys(db, chat.sender))[0][1]


@pytest.mark.parametrize("text", [
    "thank you for waiving that overdraft charge last week, much appreciated",
    "ah never mind, that payment is my music subscription renewing",
])
def test_thanks_for_a_fix_and_a_recognised_payment_record_nothing(
    product: Ports, text: str
) -> None:
    # rulebook 2026.12-4: the classifier reads bank words as a grievance; the silencers overrule it
    fired = rules_fired(turn(product, text))
    assert not {"complaint", "dispute-intake"} & set(fired), fired
