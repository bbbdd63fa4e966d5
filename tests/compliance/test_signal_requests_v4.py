"""The fourth bot-identity signal: who reads the chat, what runs it (issue 18, rulebook 2026.12-6)."""

from __future__ import annotations

import pytest

from bot.registry import detectors
from tests.compliance.conftest import pattern_matches

V4 = "signal.bot_identity.v4"

# fmt: off
QUESTIONS = [
    ("does anybody actually read my messages?", "someone_reads_this"),
    ("will a real person ever see what I write here", "someone_reads_this"),
    ("is there even anyone reading this or am I wasting my time", "someone_reads_this"),
    ("be honest, is there a person at the other end of this chat?", "behind_this"),
    ("is there a brain behind these replies", "behind_this"),
    ("are you running on an LLM?", "powered_by"),
    ("is this thing powered by openai", "powered_by"),
    ("what exactly am I chatting with here", "what_am_i_talking_to"),
    ("I don't think you're a real person at all", "doubt_you_are"),
    ("i cant believe i'm talking to a real human", "doubt_you_are"),
    ("my mum says banks only have robots now. are you one?", "are_you_one"),
    ("am i tlaking to a robto", "am_i_to_machine"),
]
NOT_QUESTIONS = [
    "Will someone read my complaint letter before Friday?",           # complaint handling
    "does a person look at the photo of my ID or is it automatic",    # how the bank checks ID
    "is there a human behind this scam? they knew my name",           # about the fraudster
    "what am I talking to you about again, sorry I forgot",           # lost thread, not identity
    "I don't believe you're charging me twice for this",              # a dispute, not identity
    "is the app built by your own team?",                             # about the app
    "someone is reading my post before I get it",                     # a vulnerability
]
# fmt: on


@pytest.mark.parametrize(("text", "pattern"), QUESTIONS)
def test_v4_hears_the_question(text: str, pattern: str) -> None:
    found = pattern_matches(V4, text)
    assert pattern in dict(found), found


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_v4_leaves_look_alikes_alone(text: str) -> None:
    assert not pattern_matches(V4, text)


def test_v4_keeps_every_v3_form_and_v3_keeps_its_meaning() -> None:
    v3, v4 = detectors.get("signal.bot_identity.v3")(), detectors.get(V4)()
    for text in ("are you a bot?", "r u a reel persn", "flesh and blood or code?"):
        assert v3.analyze(text) and v4.analyze(text)
    assert not v3.analyze("is a human reading this?") and v4.analyze("is a human reading this?")
    assert not v4.analyze("Is it a person or a machine that checks the cheques I pay in?")  # v3's veto
