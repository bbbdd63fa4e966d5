"""Builders for CSAT test conversations (``u("text")``, ``b()``, ``conv(...)``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np

from bot.scoring.context_learner import ContextInputs
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


T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
StoredTurn = tuple[str, str, str | None, float | None, str | None, tuple[str, ...]]
"""(actor, text, intent, confidence, response, rule ids) of a stored turn."""


def store_conversation(s: Any, sender: str, turns: list[StoredTurn], rating: int | None) -> None:
    """An ended conversation ``conv-SENDER`` with its turns, rule hits and survey answer.

    ORM rows straight into a migrated database: the transcript writer is the production path,
    but it loads the Presidio redactor (tens of seconds), and the transcripts package tests it.
    """
    from bot.transcripts import models as m

    conversation = m.Conversation(conversation_id=f"conv-{sender}", sender_id=sender,
                                  started_at=T0, last_event_at=T0, ended_at=T0,
                                  outcome="resolved")
    s.add(conversation)
    s.flush()
    for i, (actor, text, intent, confidence, response, rules) in enumerate(turns):
        turn = m.Turn(conversation_pk=conversation.id, actor=actor, text=text, intent=intent,
                      confidence=confidence, response=response,
                      latency_ms=500.0 if actor == "bot" else None,
                      sent_at=T0 + timedelta(seconds=10 * i))
        s.add(turn)
        s.flush()
        for rule in rules:
            s.add(m.RuleHit(conversation_pk=conversation.id, turn_id=turn.id, rule_id=rule))
    if rating is not None:
        s.add(m.Survey(conversation_pk=conversation.id, rating=rating, source="test"))



class FakeEncoder:
    """A tiny deterministic stand-in for the NLU's sentence encoder: hashed bag of words."""

    class spec:  # noqa: N801  (mirrors SentenceEncoder.spec)
        """Only the width is read."""

        dim = 16

    def sentence_embeddings(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.spec.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, sum(map(ord, word)) % self.spec.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


#: The bot's last reply for each rating in :func:`reply_rated_inputs`.
REPLIES = {1: "sorry that failed", 3: "here is the list", 5: "all booked enjoy"}


def reply_rated_inputs(ratings: tuple[int, ...], n: int,
                       seed: int) -> tuple[ContextInputs, np.ndarray]:
    """Context inputs whose rating (cycling ``ratings``) shows in the bot's last reply only.

    The one named feature, ``noise``, is noise.
    """
    enc = FakeEncoder()
    y = np.array([ratings[i % len(ratings)] for i in range(n)])
    turns = tuple((REPLIES[int(k)], "book a table") for k in y)
    vectors = np.stack([enc.sentence_embeddings(list(t)) for t in turns])
    rng = np.random.default_rng(seed)
    data = ContextInputs(("noise",), rng.normal(size=(n, 1)),
                         tuple(("OFFER", "INFORM") for _ in y), turns, vectors)
    return data, y
