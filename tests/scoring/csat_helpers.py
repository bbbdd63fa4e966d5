"""Builders for CSAT test conversations (``u("text")``, ``b()``, ``conv(...)``)."""

from __future__ import annotations

from pathlib import Path

from bot.scoring.transcript import Dialogue, DialogueTurn

USS_FIXTURE = Path(__file__).resolve().parent.parent / "data" / "uss" / "candor-sample.txt"


def u(text: str, intent: str | None = None, confidence: float | None = None,
      rules: tuple[str, ...] = ()) -> DialogueTurn:
    """A customer turn."""
    return DialogueTurn("user", text, intent, confidence, None, rules)


def b(text: str = "Here you go.", response: str | None = "utter_faq",
      rules: tuple[str, ...] = (), latency_ms: float | None = None) -> DialogueTurn:
    """A bot turn."""
    return DialogueTurn("bot", text, None, None, response, rules, latency_ms)


def conv(*turns: DialogueTurn, ended: bool = True) -> Dialogue:
    return Dialogue("c-1", tuple(turns), ended=ended)

