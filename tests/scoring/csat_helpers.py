"""Builders for CSAT test conversations (``u("text")``, ``b()``, ``conv(...)``)."""

from __future__ import annotations

from pathlib import Path

from bot.scoring.transcript import Conversation, Turn

USS_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "uss" / "candor-sample.txt"


def u(text: str, intent: str | None = None, confidence: float | None = None,
      rules: tuple[str, ...] = ()) -> Turn:
    """A customer turn."""
    return Turn("user", text, intent, confidence, None, rules)


def b(text: str = "Here you go.", response: str | None = "utter_faq",
      rules: tuple[str, ...] = (), latency_ms: float | None = None) -> Turn:
    """A bot turn."""
    return Turn("bot", text, None, None, response, rules, latency_ms)


def conv(*turns: Turn, ended: bool = True) -> Conversation:
    return Conversation("c-1", tuple(turns), ended=ended)

