"""Builders for CSAT test conversations (``u("text")``, ``b()``, ``conv(...)``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
