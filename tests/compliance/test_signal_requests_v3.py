"""The third bot-identity signal: typos and indirect forms (issue 18, rulebook 2026.12-5)."""

from __future__ import annotations

import pytest

from bot.registry import detectors
from tests.compliance.conftest import pattern_matches

V3 = "signal.bot_identity.v3"

# fmt: off
QUESTIONS = [
    ("r u a real persn or wat", "typed_real_person"),
    ("are yu a reel person", "typed_real_person"),
    ("Am I chatting with an actual member of staff?", "am_i_speaking_to"),
    ("am i talking to one of your advisers right now", "am_i_speaking_to"),
    ("is anybody real on the other end?", "anyone_human"),
    ("hello?? is there anyone human reading this", "anyone_human"),
    ("before I give details I want to know whether I'm talking to a human being", "if_you_are"),
    ("tell me honestly if you're a real person", "if_you_are"),
    ("you sound like a robot tbh", "machine_wrote"),
    ("did a bot write that answer?", "machine_wrote"),
    ("so the bank uses bots to answer the chat now?", "using_machines"),
    ("a living person, or a script?", "person_or_machine"),
    ("last time it was a bot, so which one are you?", "which_one_are_you"),
]
NOT_QUESTIONS = [
    "I feel like a machine at work lately, can I move my savings date?",  # not about the bot
    "Is it a person or a machine that checks the cheques I pay in?",       # how the bank works
    "my own flesh and blood took money from my account",                  # a vulnerability
    "Am I speaking to the right team about mortgages?",                   # which team, not what
    "does the app use AI to spot fraud?",                                 # about the bank's AI
    "is anyone home? I've been waiting ten minutes",                      # impatience
    "I need a real person to call me back",                               # handoff, not identity
]
# fmt: on


@pytest.mark.parametrize(("text", "pattern"), QUESTIONS)
def test_v3_hears_the_question(text: str, pattern: str) -> None:
    found = pattern_matches(V3, text)
    assert pattern in dict(found), found


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_v3_leaves_look_alikes_alone(text: str) -> None:
    assert not pattern_matches(V3, text)


def test_v3_keeps_every_v2_form_and_v2_keeps_its_meaning() -> None:
    v2, v3 = detectors.get("signal.bot_identity.v2")(), detectors.get(V3)()
    for text in ("are you a bot?", "is this automated?", "human or robot?", "which AI model are you"):
        assert v2.analyze(text) and v3.analyze(text)
    assert not v2.analyze("r u a reel persn") and v3.analyze("r u a reel persn")


def test_hits_hold_offsets_never_the_text() -> None:
    (hit,) = detectors.get(V3)().analyze("am i talking to a bank employee")
    assert not any("employee" in str(v) for v in vars(hit).values())
