"""Secrets over the REST webhook of the real stack: warned about, never echoed, stored or logged.

PINs, passwords, one-time codes, CVVs and expiry dates, and a card number typed over two
messages, go through Rasa, the action server, the tracker store and the logs of a running
product; the customer is told never to share them (``never-share-secrets`` rule).
"""

from __future__ import annotations

import sqlite3

import pytest

from bot.paths import CandorHome
from bot.runtime.services import Ports
from tests.e2e.chat import Chat

pytestmark = pytest.mark.slow

MESSAGES = [
    "my pin is 4821, my card is stuck in the machine",
    "the code you sent is 551 093",
    "card 4263 9826 4026 9299 exp 03/26 cvv 837 and it says invalid details",
    "my password is Tulip-Garden77 and it doesnt work",
    "my card number is 4539 1488",
    "0343 6467",
]
VALUES = ["4821", "551 093", "551093", "4263 9826 4026 9299", "03/26", "837", "Tulip-Garden77",
          "4539 1488", "0343 6467"]
#: Values distinctive enough to look for in every file the product wrote (databases, logs).
DISTINCTIVE = ["551 093", "4263 9826 4026 9299", "Tulip-Garden77", "4539 1488", "0343 6467"]


def test_secrets_are_warned_about_and_never_echoed_stored_or_logged(
    product: Ports, product_home: CandorHome
) -> None:
    chat = Chat(product)
    chat >> "hi"
    for message in MESSAGES[:4]:
        replies = chat >> message
        assert "never-share-secrets" in replies[0]["metadata"]["compliance_rules"], message
        assert replies[0]["text"].startswith("Never share your PIN"), replies[0]["text"]
    first_half = chat >> MESSAGES[4]
    assert "pii-redaction" in first_half[0]["metadata"]["compliance_rules"]
    chat >> MESSAGES[5]
    assert not [v for v in VALUES if v in " ".join(str(r) for r in chat.history)]
    with sqlite3.connect(product_home.tracker_db) as db:
        rows = db.execute("select data from events where sender_id = ?", (chat.sender,)).fetchall()
    stored = " ".join(row[0] for row in rows)
    assert "<PIN>" in stored and "<OTP>" in stored and "<CVV>" in stored
    assert "<PASSWORD>" in stored and "<CARD_EXPIRY>" in stored
    for path in product_home.root.rglob("*"):
        if path.is_file():
            content = path.read_bytes().decode("utf-8", "ignore")
            assert not [v for v in DISTINCTIVE if v in content], path
