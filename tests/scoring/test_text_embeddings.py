"""The embedding table: each distinct text encoded once, looked up by text."""

from __future__ import annotations

import numpy as np
import pytest

from bot.scoring.text_embeddings import embed_texts
from tests.scoring.csat_helpers import FakeEncoder


class CountingEncoder(FakeEncoder):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def sentence_embeddings(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().sentence_embeddings(texts)


def test_each_distinct_text_is_encoded_once_and_empty_is_zero() -> None:
    enc = CountingEncoder()
    table = embed_texts(["a b", "c", "a b", ""], enc, batch=1)  # type: ignore[arg-type]
    assert sorted(enc.seen) == ["a b", "c"]
    assert table.dim == FakeEncoder.spec.dim
    assert np.allclose(table("a b"), FakeEncoder().sentence_embeddings(["a b"])[0])
    assert not table("").any()
    with pytest.raises(KeyError):
        table("never encoded")
