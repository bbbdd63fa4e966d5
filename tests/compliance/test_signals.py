"""Guardrail signal patterns: positives written as customers write, and look-alikes that must not fire."""

from __future__ import annotations

import pytest

from bot.registry import detectors

# fmt: off
CASES = [
    ("signal.advice_request.v1", "Should I invest my savings in an index fund?", True),
    ("signal.advice_request.v1", "what stocks should i buy this year", True),
    ("signal.advice_request.v1", "how can I reduce my tax bill on interest", True),
    ("signal.advice_request.v1", "where should i put my money for retirement", True),
    ("signal.advice_request.v1", "what is an IRA?", False),
    ("signal.advice_request.v1", "what are your savings rates", False),
    ("signal.advice_request.v1", "how do I open an investment account", False),
    ("signal.complaint.v1", "I want to make a formal complaint", True),
    ("signal.complaint.v1", "this is unacceptable", True),
    ("signal.complaint.v1", "worst bank ever, useless service", True),
    ("signal.complaint.v1", "terrible service from your call centre", True),
    ("signal.complaint.v1", "how does your complaints process work", False),
    ("signal.complaint.v1", "my card payment was declined", False),
    ("signal.vulnerability.v1", "my husband passed away last week", True),
    ("signal.vulnerability.v1", "I lost my job and can't pay my loan", True),
    ("signal.vulnerability.v1", "a caller is pressuring me to transfer money", True),
    ("signal.vulnerability.v1", "I lost my card", False),
    ("signal.vulnerability.v1", "can I pay my loan early", False),
    ("signal.human_request.v1", "can I speak to a real person", True),
    ("signal.human_request.v1", "agent please", True),
    ("signal.human_request.v1", "connect me with an advisor", True),
    ("signal.human_request.v1", "how do I change the person on a joint account", False),
    ("signal.bot_identity.v1", "are you a bot?", True),
    ("signal.bot_identity.v1", "am I talking to a real person", True),
    ("signal.bot_identity.v1", "is this automated?", True),
    ("signal.bot_identity.v1", "are your branches open on sunday", False),
]
# fmt: on


@pytest.mark.parametrize(("name", "text", "fires"), CASES)
def test_signal(name: str, text: str, fires: bool) -> None:
    hits = detectors.get(name)().analyze(text)
    assert bool(hits) is fires
    for hit in hits:
        assert hit.detector == name and 0 <= hit.start < hit.end <= len(text)
