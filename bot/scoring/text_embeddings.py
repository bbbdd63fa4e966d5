"""Sentence embeddings of dialogue turns, from the encoder the NLU already serves.

The NLU runs all-MiniLM-L6-v2 on ONNX Runtime (:mod:`bot.nlu.encoders`; the graph is exported
at install time, nothing is downloaded). Each distinct text is encoded once and looked up by
text, so a turn that appears in many prefixes costs one encoder call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from bot.nlu.encoders import SentenceEncoder, load_encoder

ENCODER = "minilm"
"""The NLU's own MiniLM on its default (ONNX) backend: the cheaper of the two it serves."""
ENCODER_THREADS = 2
"""An offline batch job owns the process: let ONNX Runtime use both cores."""


class EmbeddingTable:
    """Text -> embedding for a fixed set of texts; the empty text maps to the zero vector."""

    def __init__(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
        self._index = {t: i for i, t in enumerate(texts)}
        self._vectors = vectors
        self._zero = np.zeros(self.dim, dtype=np.float32)

    def __call__(self, text: str) -> np.ndarray:
        """The embedding of ``text`` (zero for the empty text); ``KeyError`` if never encoded."""
        return self._vectors[self._index[text]] if text else self._zero


def embed_texts(
    texts: Iterable[str],
    encoder: SentenceEncoder | None = None,
    progress: Callable[[Iterable[list[str]]], Iterable[list[str]]] = lambda chunks: chunks,
    batch: int = 256,
) -> EmbeddingTable:
    """Encode every distinct non-empty text (default: the NLU's MiniLM) into a lookup table."""
    unique = sorted({t for t in texts if t})
    enc = encoder or load_encoder(ENCODER, threads=ENCODER_THREADS)
    chunks = [unique[i : i + batch] for i in range(0, len(unique), batch)]
    parts = [enc.sentence_embeddings(chunk) for chunk in progress(chunks)]
    vectors = np.vstack(parts) if parts else np.zeros((0, enc.spec.dim), dtype=np.float32)
    return EmbeddingTable(unique, vectors.astype(np.float32))
