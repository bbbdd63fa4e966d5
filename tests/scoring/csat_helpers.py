"""Builders for CSAT test conversations (``u("text")``, ``b()``, ``conv(...)``)."""

from __future__ import annotations

from pathlib import Path

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
