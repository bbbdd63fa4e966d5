"""The second versions of the complaint and dispute silencers (issue 18, rulebook 2026.12-4)."""

from __future__ import annotations

import pytest

from bot.registry import detectors

# fmt: off
NOT_COMPLAINTS = [
    ("Thanks for refunding the fee yesterday, really kind of you", True),      # thanks for a fix
    ("thanks again for sorting it all out!", True),
    ("I was annoyed at first but glad your fraud team blocked it", True),
    ("no need for a callback, you've answered everything", True),
    ("five stars, just a suggestion: add a dark mode", True),
    ("Feedback: clear and quick. Would recommend.", True),
    ("not complaining, the new card came quickly", True),                       # v1 still holds
    ("thanks for blocking my card for no reason, I'm stranded abroad", False),  # sarcasm
    ("thanks for nothing", False),
    ("2/10, would not recommend, nobody called me back", False),
    ("you've answered nothing, get me a human", False),
    ("I want to make a complaint about the branch", False),
    ("wow thanks for blocking my card while I'm on holiday", False),
    ("10/10 would get locked out of my own account again", False),
    ("Survey: 9/10, friendly staff", True),
]
NOT_DISPUTES = [
    ("never mind, it was my Spotify", True),                                    # recognised
    ("Thought a payment was fraud but it was my wife's gym. Panic over.", True),
    ("I recognise the payment now, it was a hotel deposit", True),
    ("one of the two charges has dropped off, it was just a hold", True),
    ("the shop refunded me themselves this morning", True),
    ("oh wait it's my streaming renewal, forget it", True),
    ("what's a chargeback?", True),                                             # v1 still holds
    ("never mind the app, I didn't make this payment", False),                  # a real dispute
    ("I don't recognise this, forget it I want it disputed", False),
    ("the shop refunded me but only half of it", False),
    ("the seller never refunded me", False),
    ("the airline said they refunded me last week but nothing's come through", False),
    ("there's a payment I don't recognise from yesterday", False),
]
# fmt: on


@pytest.mark.parametrize(("name", "text", "fires"), [
    *(("signal.not_a_complaint.v2", text, fires) for text, fires in NOT_COMPLAINTS),
    *(("signal.not_a_dispute.v2", text, fires) for text, fires in NOT_DISPUTES),
])
def test_silencers_v2(name: str, text: str, fires: bool) -> None:
    hits = detectors.get(name)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


def test_v1_keeps_meaning_what_it_said() -> None:
    assert not detectors.get("signal.not_a_complaint.v1")().analyze("thanks for waiving the fee")
    assert not detectors.get("signal.not_a_dispute.v1")().analyze("never mind, it was my Spotify")
