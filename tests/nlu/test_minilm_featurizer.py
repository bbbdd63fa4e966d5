"""MiniLMFeaturizer: the contract, token alignment and the real weights' semantics."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.nlu.nlu_contract import NLUComponentContract, message
from rasa.engine.graph import GraphComponent
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.minilm import EMBEDDING_DIM, Encoding, load_encoder
from bot.nlu.minilm_featurizer import MiniLMFeaturizer, align_to_tokens


class TestMiniLMFeaturizerContract(NLUComponentContract):
    component_class = MiniLMFeaturizer
    config = {"batch_size": 2}

    def training_data(self) -> TrainingData:
        examples = [
            message("I lost my card", intent="lost_card"),
            message("what are your opening hours", intent="faq"),
            message("hi", intent="greet"),
        ]
        return TrainingData(examples)

    def check_processed(self, processed: Message) -> None:
        sequence, sentence = processed.get_dense_features(TEXT)
        assert sequence is not None and sentence is not None
        n_tokens = len(processed.get("text_tokens"))
        assert sequence.features.shape == (n_tokens, EMBEDDING_DIM)
        assert sentence.features.shape == (1, EMBEDDING_DIM)
        assert np.isfinite(sequence.features).all()
        assert np.linalg.norm(sentence.features) == pytest.approx(1.0, abs=1e-4)
        assert (np.abs(sequence.features).sum(axis=1) > 0).all()  # every token aligned

    def summary(self, processed: Message) -> list[float]:
        return [float(x) for x in processed.get_dense_features(TEXT)[1].features[0, :16]]

    def test_training_data_features_texts_and_responses(self, trained: GraphComponent) -> None:
        example = message("how do I activate my card", response="Open the app and tap Activate.")
        from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

        WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(
            TrainingData([example])
        )
        trained.process_training_data(TrainingData([example]))  # type: ignore[attr-defined]
        for attribute in (TEXT, RESPONSE):
            sequence, sentence = example.get_dense_features(attribute)
            assert sentence is not None and sentence.features.shape == (1, EMBEDDING_DIM)
            assert sequence is not None and sequence.features.shape[1] == EMBEDDING_DIM


def test_lost_card_is_closer_to_stolen_card_than_to_weather() -> None:
    """The real weights put paraphrases together and unrelated topics apart."""
    lost, stolen, weather = load_encoder().sentence_embeddings(
        ["I lost my card", "my card was stolen", "what's the weather"]
    )
    assert lost @ stolen > 0.6
    assert lost @ stolen > lost @ weather + 0.4


def test_align_to_tokens_averages_overlapping_pieces() -> None:
    """Word pieces are averaged into the tokenizer token they overlap."""
    pieces = np.array([[1.0] * EMBEDDING_DIM, [3.0] * EMBEDDING_DIM, [5.0] * EMBEDDING_DIM])
    # "unlock card": "un" + "##lock" + "card"
    encoding = Encoding(np.zeros(EMBEDDING_DIM), pieces, np.array([[0, 2], [2, 6], [7, 11]]))
    tokens = [Token("unlock", 0), Token("card", 7), Token("extra", 20)]
    out = align_to_tokens(encoding, tokens)
    assert out[:, 0].tolist() == [2.0, 5.0, 0.0]  # a token past truncation stays zero


@pytest.mark.parametrize("bad", [0, -3, "32"])
def test_rejects_bad_batch_size(bad: Any) -> None:
    """A bad batch size fails at config validation, not mid-training."""
    with pytest.raises(InvalidConfigException, match="batch_size"):
        MiniLMFeaturizer.validate_config({"batch_size": bad})
