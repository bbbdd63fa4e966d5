"""The intake forms on real conversations: lost or stolen card, opening an account.

Sentences are written for these tests, not copied from the training data.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from tests.e2e.chat import Chat, responses

pytestmark = pytest.mark.slow

HANDOFF_AFTER_ADVICE = ["utter_lost_card_block", "utter_lost_card_replacement", "utter_handoff"]
PII_WARNING = "Please don't share personal details"


def ours(replies: list[dict]) -> list[str | None]:
    """The responses of a turn without the end-of-conversation survey that may follow them."""
    return [name for name in responses(replies) if not str(name).startswith("utter_ask_csat")]


def started(product: Ports) -> Chat:
    chat = Chat(product)
    chat >> "hello"
    return chat


def last(replies: list[dict]) -> str | None:
    return responses(replies)[-1]


def test_lost_card_ends_in_block_advice_and_a_person(product: Ports) -> None:
    chat = started(product)
    first = chat >> "I lost my card"
    assert last(first) == "utter_ask_lost_card_type"  # "lost" is already said
    assert [b["title"] for b in first[-1]["buttons"]] == ["Debit card", "Credit card", "Both"]
    assert last(chat >> "debit card") == "utter_ask_lost_card_unrecognised"
    final = chat >> "/deny"
    assert ours(final) == HANDOFF_AFTER_ADVICE
    text = " ".join(r["text"] for r in final)
    assert "Cards > Freeze card" in text and "+1 800 555 0111" in text  # bank.yml facts
    assert "debit card" in text and "{" not in text
    assert "human-handoff" in final[2]["metadata"]["compliance_rules"]
    assert not str(chat >> "thanks").count("utter_ask_lost_card")


def test_stolen_card_with_unknown_payments_points_to_a_dispute(product: Ports) -> None:
    chat = started(product)
    first = chat >> "something has happened to my card, it isn't in my wallet any more"
    assert last(first) == "utter_ask_lost_card_kind"
    assert [b["payload"] for b in first[-1]["buttons"]] == ["lost", "stolen"]
    assert last(chat >> "stolen") == "utter_ask_lost_card_type"
    assert last(chat >> "the credit one") == "utter_ask_lost_card_unrecognised"
    final = chat >> "yes, there are two I don't know"
    assert ours(final) == ["utter_lost_card_block", "utter_lost_card_police",
                           "utter_lost_card_dispute", "utter_lost_card_replacement",
                           "utter_handoff"]
    assert "60 days" in final[2]["text"]  # bank.yml: timelines.dispute_window


def test_a_card_number_typed_in_the_form_is_not_echoed_or_stored(
    product: Ports, product_home: CandorHome
) -> None:
    chat = started(product)
    chat >> "my debit card has been nicked"
    replies = chat >> "it's the one ending 4111 1111 1111 1111"
    assert responses(replies) == ["utter_form_not_understood", "utter_ask_lost_card_unrecognised"]
    assert replies[0]["text"].startswith(PII_WARNING)
    assert "pii-redaction" in replies[0]["metadata"]["compliance_rules"]
    final = chat >> "no"
    assert ours(final) == ["utter_lost_card_block", "utter_lost_card_police",
                           "utter_lost_card_replacement", "utter_handoff"]
    assert "4111" not in str(chat.history)
    with sqlite3.connect(product_home.tracker_db) as db:
        rows = db.execute("select data from events where sender_id = ?", (chat.sender,)).fetchall()
    stored = " ".join(row[0] for row in rows)
    assert "4111 1111 1111 1111" not in stored and "<CARD_NUMBER>" in stored


def test_a_card_number_given_as_the_answer_is_refused_and_the_question_repeated(
    product: Ports,
) -> None:
    chat = started(product)
    chat >> "I lost my card"
    replies = chat >> "4111 1111 1111 1111"
    assert responses(replies) == ["utter_form_not_understood", "utter_ask_lost_card_type"]
    assert replies[0]["text"].startswith(PII_WARNING)
    assert "4111" not in str(replies)
    assert last(chat >> "credit") == "utter_ask_lost_card_unrecognised"


def test_an_eligible_customer_is_told_how_to_apply_online(product: Ports) -> None:
    chat = started(product)
    first = chat >> "I'm keen to get an account with you set up"
    assert last(first) == "utter_ask_account_product"
    titles = [b["title"] for b in first[-1]["buttons"]]
    assert titles == ["Everyday Checking account", "Savings account", "Joint Checking account",
                      "Youth Savings account"]  # bank.yml: account_opening.products
    assert last(chat >> "a savings account") == "utter_ask_account_adult"
    assert last(chat >> "/affirm") == "utter_ask_account_resident"
    assert last(chat >> "yep I do") == "utter_ask_account_has_id"
    final = chat >> "yes"
    assert responses(final) == ["utter_account_eligible"]
    text = final[0]["text"]
    assert "https://www.northwind.example/open-account" in text and "first deposit" in text
    assert "{" not in text


def test_a_child_without_their_guardian_is_sent_to_the_guardian(product: Ports) -> None:
    chat = started(product)
    assert last(chat >> "I'd like to open a bank account for my little girl") == "utter_ask_account_guardian"
    final = chat >> "no I'm her aunt"
    assert responses(final) == ["utter_account_not_eligible_guardian", "utter_offer_human"]


def test_no_id_means_a_branch_or_a_person(product: Ports) -> None:
    chat = started(product)
    chat >> "please open a checking account for me"
    chat >> "I'm 34"
    chat >> "yes"
    final = chat >> "no, my passport has expired"
    assert responses(final) == ["utter_account_not_eligible_documents", "utter_offer_human"]
    assert ours(chat >> "/request_human") == ["utter_handoff"]


def test_another_question_mid_form_is_answered_and_the_form_left(product: Ports) -> None:
    chat = started(product)
    chat >> "I want to open a joint account"
    replies = chat >> "hang on, what time do your branches close on saturday?"
    assert last(replies).startswith("utter_faq/"), responses(replies)
    assert "utter_ask_account" not in str(responses(replies))
    assert "utter_ask_account" not in str(responses(chat >> "ok thanks"))


def test_stop_leaves_the_form(product: Ports) -> None:
    chat = started(product)
    chat >> "my card got stolen"
    assert last(chat >> "actually, cancel this") == "utter_form_stopped"
    assert "utter_ask_lost_card" not in str(responses(chat >> "hello again"))


def test_the_advice_guardrail_fires_in_and_out_of_the_form(product: Ports) -> None:
    chat = started(product)
    chat >> "I want to open an account"
    replies = chat >> "which account should I pick to invest my money for the best return?"
    assert last(replies) == "utter_advice_decline"
    assert "no-personal-advice" in replies[-1]["metadata"]["compliance_rules"]
    replies = started(product) >> "which of your accounts should I open to invest my inheritance?"
    assert "no-personal-advice" in {r for m in replies for r in m["metadata"]["compliance_rules"]}


def test_stop_leaves_the_dispute_form_without_recording_a_dispute(product: Ports) -> None:
    chat = started(product)
    assert last(chat >> "the shop charged me twice for one coffee") == "utter_ask_dispute_what"
    assert last(chat >> "stop") == "utter_form_stopped"
    assert "utter_ask_dispute" not in str(responses(chat >> "what are your opening hours?"))
