"""Complaint v3: a bare failure told of a merchant or a scammer, or asked about in general, is no complaint."""

from __future__ import annotations

import pytest

from bot.registry import detectors

COMPLAINT = "signal.complaint.v3"

# fmt: off
CASES = [
    ("the airline still hasn't refunded my cancelled flight, it's been five weeks", False),
    ("I paid a seller for a bike months ago and it never arrived, he's vanished", False),
    ("the airline still hasn't refunded me and your dispute team has ignored me for weeks", True),
    ("the shop charged me twice and honestly I'm furious", True),
    ("it's been three weeks and my replacement card still hasn't arrived", True),
    ("the new app is a joke", True),
    ("what are your overdraft fees?", False),
    ("what should I do if the app keeps logging me out?", False),
    ("how long does a transfer take? it's been two weeks already", True),
    ("what do I do if the app keeps crashing? it's rubbish", True),
]
# fmt: on


@pytest.mark.parametrize(("text", "fires"), CASES)
def test_complaint_v3(text: str, fires: bool) -> None:
    hits = detectors.get(COMPLAINT)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


def test_v2_keeps_meaning_what_it_said() -> None:
    text = "the airline still hasn't refunded my cancelled flight, it's been five weeks"
    assert detectors.get("signal.complaint.v2")().analyze(text)
