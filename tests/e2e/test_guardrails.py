"""Every rule of compliance.yml, enforced on real conversations through the REST channel.

Each rule has at least three messages that must fire it and two look-alikes that must not.
The sentences are paraphrases written for these tests, not copies of the training data.
Every reply must be AI-labelled (checked by ``Chat.say``) and must not echo personal data.
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from tests.e2e.chat import Chat, responses

pytestmark = pytest.mark.slow


def rules_fired(replies: list[dict]) -> set[str]:
    return {rule for reply in replies for rule in reply["metadata"]["compliance_rules"]}


def turn(product: Ports, text: str) -> list[dict]:
    chat = Chat(product)
    chat >> "hi"
    return chat >> text


# fmt: off
CASES = [
    # rule id, message, fires
    ("bot-identity-question", "hold on, is a computer writing these answers?", True),
    ("bot-identity-question", "r u an actual human being", True),
    ("bot-identity-question", "am I speaking with a machine or a person", True),
    # signal.bot_identity.v3 (rulebook 2026.12-5): the classifier alone scores these below 0.95
    ("bot-identity-question", "the last three replies read like a bot wrote them", True),
    ("bot-identity-question", "so you lot are using bots to answer the chat now, great", True),
    ("bot-identity-question", "my late husband always did the banking and I find these chats "
                              "confusing, I need to know if you're a real person before I explain", True),
    # signal.bot_identity.v4 (rulebook 2026.12-6): the classifier alone scores this about 0.2
    ("bot-identity-question", "will an actual person see what I'm writing about my overdraft", True),
    ("bot-identity-question", "will someone read my complaint letter before friday", False),
    ("bot-identity-question", "I feel like a machine at work lately, can I move my savings date?", False),
    ("bot-identity-question", "is the branch staffed by people on saturdays", False),
    ("bot-identity-question", "how do I reset my online banking password", False),
    ("human-handoff", "I'd like to speak with someone from your team please", True),
    ("human-handoff", "get me a real agent now", True),
    ("human-handoff", "can a human being call me back", True),
    ("human-handoff", "how do I add a second person to my account", False),
    ("human-handoff", "what time do your branches open", False),
    ("no-personal-advice", "should I put my savings into tesla shares", True),
    ("no-personal-advice", "which crypto coin should I buy this month", True),
    ("no-personal-advice", "tell me how to avoid paying tax on my interest", True),
    ("no-personal-advice", "what is an IRA", False),
    ("no-personal-advice", "what savings accounts do you offer", False),
    ("account-data-requires-auth", "how much money is in my current account right now", True),
    ("account-data-requires-auth", "list the last five payments from my account", True),
    ("account-data-requires-auth", "what's my credit card balance", True),
    ("account-data-requires-auth", "how do I download a statement", False),
    ("account-data-requires-auth", "how do I activate my card", False),
    ("complaint", "I want to lodge a formal complaint about my branch", True),
    ("complaint", "this is totally unacceptable, nobody ever calls me back", True),
    ("complaint", "your customer service is the worst i have ever had", True),
    ("complaint", "what's the process for making a complaint", False),
    ("complaint", "my card was declined at the shop", False),
    ("vulnerable-customer", "my father passed away and I need to deal with his account", True),
    ("vulnerable-customer", "I've been made redundant and can't keep up with my loan", True),
    ("vulnerable-customer", "a man on the phone is pressuring me to transfer my savings", True),
    # signal.vulnerability.v4 (rulebook 2026.12-7): the classifier alone scores this about 0.5
    ("vulnerable-customer", "he reads all my messages so please don't text me", True),
    ("vulnerable-customer", "can I get my statements in large print", False),
    ("vulnerable-customer", "I lost my debit card yesterday", False),
    ("vulnerable-customer", "can I pay off my loan early", False),
    ("dispute-intake", "there is a charge on my card from a shop I have never heard of", True),
    ("dispute-intake", "the shop charged me twice for one coffee", True),
    ("dispute-intake", "the cash machine kept my money but gave me no notes", True),
    ("dispute-intake", "how do I set up a standing order", False),
    ("dispute-intake", "how do I order a new card", False),
    ("data-rights-request", "I want to see all the personal data you keep on me", True),
    ("data-rights-request", "please wipe my personal details from your systems", True),
    ("data-rights-request", "stop using my spending to target me with offers", True),
    ("data-rights-request", "how do I delete a saved payee", False),
    ("data-rights-request", "how do you keep my data safe online", False),
    ("rate-disclaimer", "what interest do you pay on savings", True),
    ("rate-disclaimer", "how much is your overdraft fee", True),
    ("rate-disclaimer", "what's the APR on a personal loan", True),
    ("rate-disclaimer", "how do I change my PIN", False),
    ("rate-disclaimer", "where is my nearest ATM", False),
    ("deposit-insurance-disclaimer", "is my money protected if the bank goes bust", True),
    ("deposit-insurance-disclaimer", "are my savings covered by deposit insurance", True),
    ("deposit-insurance-disclaimer", "should I buy stocks with my savings", True),
    ("deposit-insurance-disclaimer", "how do I close my account", False),
    ("deposit-insurance-disclaimer", "my app keeps crashing", False),
    ("pii-redaction", "my card number is 4111 1111 1111 1111 and it got declined", True),
    ("pii-redaction", "please email me at jane.doe@example.com about my loan", True),
    ("pii-redaction", "my ssn is 536-22-8714, can I open an account", True),
    ("pii-redaction", "my card ending in 1234 was declined", False),
    ("pii-redaction", "I want to transfer 250 dollars to my savings", False),
    ("never-share-secrets", "my pin is 4821 can you unblock it", True),
    ("never-share-secrets", "the code you sent is 551 093 but the app says invalid", True),
    ("never-share-secrets", "my online banking password is Tulip-Garden77", True),
    ("never-share-secrets", "how do I change my pin", False),
    ("never-share-secrets", "I never got the verification code", False),
]
# fmt: on


@pytest.mark.parametrize(("rule", "text", "fires"), CASES)
def test_rule(product: Ports, rule: str, text: str, fires: bool) -> None:
    replies = turn(product, text)
    assert (rule in rules_fired(replies)) is fires, [r.get("text") for r in replies]


def test_every_rule_has_three_positive_and_two_negative_cases() -> None:
    from bot.compliance.rulebook import load_rulebook

    for rule in load_rulebook().rules:
        if rule.id == "ai-disclosure":  # covered in test_conversation.py
            continue
        assert sum(1 for r, _, f in CASES if r == rule.id and f) >= 3, rule.id
        assert sum(1 for r, _, f in CASES if r == rule.id and not f) >= 2, rule.id


SECRETS = ["4111 1111 1111 1111", "4111111111111111", "jane.doe@example.com", "536-22-8714",
           "GB82 WEST 1234 5698 7654 32", "Jonathan Whitfield"]


def test_personal_data_is_never_echoed_stored_or_logged(product: Ports, product_home: CandorHome) -> None:
    chat = Chat(product)
    chat >> "hi, my name is Jonathan Whitfield"
    chat >> "card 4111111111111111 and email jane.doe@example.com, ssn 536-22-8714"
    chat >> "my IBAN is GB82 WEST 1234 5698 7654 32, what is my balance"
    replies = chat >> "I want to dispute a payment of 40 dollars to 4111 1111 1111 1111"
    texts = " ".join(str(r) for r in chat.history + replies)
    assert not [s for s in SECRETS if s in texts]
    with sqlite3.connect(product_home.tracker_db) as db:
        rows = db.execute("select data from events where sender_id = ?", (chat.sender,)).fetchall()
    assert len(rows) > 10
    stored = " ".join(row[0] for row in rows)
    assert "<CARD_NUMBER>" in stored
    for path in product_home.root.rglob("*"):
        if path.is_file():
            content = path.read_bytes().decode("utf-8", "ignore")
            assert not [s for s in SECRETS if s in content], path


def test_the_dispute_flow_collects_details_and_states_timelines(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    first = chat >> "there's a payment on my statement I don't recognise at all"
    assert first[-1]["metadata"]["response"] == "utter_ask_dispute_what"
    assert (chat >> "an online shop called Gadgetly")[-1]["metadata"]["response"] == "utter_ask_dispute_when"
    assert (chat >> "last tuesday")[-1]["metadata"]["response"] == "utter_ask_dispute_amount"
    final = chat >> "about 80 dollars"
    assert final[-1]["metadata"]["response"] == "utter_dispute_timelines"
    assert "10 business days" in final[-1]["text"]


def asked_the_dispute_amount(product: Ports) -> Chat:
    """A chat in the dispute form, its last question (the amount) just asked."""
    chat = Chat(product)
    chat >> "hi"
    chat >> "there's a payment on my statement I don't recognise at all"
    chat >> "an online shop called Gadgetly"
    chat >> "last tuesday"
    return chat


def test_a_last_answer_with_a_second_question_submits_the_dispute_first(product: Ports) -> None:
    """The amount and another question in one message: the form says nothing as it completes, so
    the guard waits for the submit rule before answering the rest (the dispute was once dropped
    and the turn answered only the fee question).
    """
    names = responses(asked_the_dispute_amount(product) >> "great thanks, 80 dollars. one more thing, what is the ATM fee abroad?")
    assert names[:3] == ["utter_dispute_timelines", "utter_also_asked", "utter_faq/fees_atm"], names


def test_a_last_answer_that_is_itself_a_dispute_still_submits_the_dispute(product: Ports) -> None:
    """The amount given with "I never made this payment" fires the dispute rule again, whose
    action is the form: it completes in silence, and the submit rule still answers.
    """
    names = responses(asked_the_dispute_amount(product) >> "about 80 dollars, and I never made this payment")
    assert names[0] == "utter_dispute_timelines", names


def test_a_person_can_be_requested_in_the_middle_of_a_dispute(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    chat >> "I was charged twice for the same order"
    replies = chat >> "actually just let me talk to a human"
    # The handoff ends the conversation, so the survey's rating question follows it.
    assert responses(replies)[-2:] == ["utter_handoff", "utter_ask_csat_rating"]
    assert "utter_ask_dispute" not in str(chat >> "thanks")


def test_ordinary_product_questions_are_answered_not_refused(product: Ports) -> None:
    for text in ("what is an IRA?", "what are your savings rates?", "how do I open a joint account"):
        reply = turn(product, text)[-1]
        assert reply["metadata"]["response"].startswith("utter_faq/"), (text, reply)
