"""v2 account-data and dispute signals on wording written for these tests (not the evaluation set)."""

from __future__ import annotations

import pytest

from bot.registry import detectors

ACCOUNT = "signal.account_data.v2"
DISPUTE = "signal.dispute.v2"

# fmt: off
CASES = [
    # a request form near a figure of the customer's own account, in either order
    (ACCOUNT, "what is the available balance of my current account", True),
    (ACCOUNT, "how high is the limit on my credit card these days", True),
    (ACCOUNT, "tell me how many reward points i've got", True),
    (ACCOUNT, "is there any money left in my account", True),
    (ACCOUNT, "how much did i spend at the petrol station last month", True),
    (ACCOUNT, "am i overdrawn", True),
    (ACCOUNT, "can you list my transactions from friday", True),
    (ACCOUNT, "what does 'available balance' mean?", False),
    (ACCOUNT, "can I see my husband's balance?", False),
    (ACCOUNT, "what are the transaction fees on my card abroad", False),
    (ACCOUNT, "how do I see my balance in the app?", False),
    # a transaction the customer says they did not make, agree to or expect twice
    (DISPUTE, "there's a direct debit on my account that I never set up", True),
    (DISPUTE, "a strange card payment from an online shop appeared last night", True),
    (DISPUTE, "the cash withdrawal on tuesday wasn't me", True),
    (DISPUTE, "the restaurant put the same payment through twice", True),
    (DISPUTE, "a transfer went out of my account without my permission", True),
    (DISPUTE, "my transfer was declined and I don't know why", False),
    (DISPUTE, "do you charge for duplicate statements?", False),
    (DISPUTE, "I sent money to the wrong account by mistake", False),
]
# fmt: on


@pytest.mark.parametrize(("name", "text", "fires"), CASES)
def test_request_signal_v2(name: str, text: str, fires: bool) -> None:
    hits = detectors.get(name)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


@pytest.mark.parametrize("name", [ACCOUNT, DISPUTE])
def test_v2_keeps_every_v1_pattern(name: str) -> None:
    v1 = detectors.get(name.replace(".v2", ".v1"))
    assert set(v1.patterns) <= set(detectors.get(name).patterns)
