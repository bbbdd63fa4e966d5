"""The general-question signal on wording written for these tests (not the evaluation set).

It fires on how-to, meaning, what-if and policy questions and stays silent when the customer
also says what happened to them, or simply asks for their own data.
"""

from __future__ import annotations

import pytest

from bot.registry import detectors

GENERAL = "signal.general_question.v1"

# fmt: off
CASES = [
    ("how do I raise a chargeback with a shop?", True),
    ("how long does a refund usually take to show up", True),
    ("what does 'pending' mean on a card payment?", True),
    ("what's the difference between a cleared and a pending balance?", True),
    ("if a shop takes a payment twice, can you get it back?", True),
    ("is there a fee for disputing a payment?", True),
    ("what's the time limit for reporting a wrong charge?", True),
    ("hi, does the app show pending payments?", True),
    ("there's a payment on my statement I didn't make", False),
    ("how do I get my money back? I was charged twice for one meal", False),
    ("I ordered a jacket and it never arrived, what can I do", False),
    ("what's my balance", False),
    ("can you tell me my credit limit", False),
    ("when is my next loan payment due?", False),
    ("what is the credit limit on my card", False),
    ("did my salary go in today", False),
]
# fmt: on


@pytest.mark.parametrize(("text", "fires"), CASES)
def test_general_question(text: str, fires: bool) -> None:
    hits = detectors.get(GENERAL)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]
    assert len(hits) <= 1
    for hit in hits:
        assert hit.detector == GENERAL and 0 <= hit.start < hit.end <= len(text)
