"""Dense sentence-encoder features for Rasa: a sentence vector plus one vector per token.

Rasa's ``LanguageModelFeaturizer`` would fetch weights from the Hugging Face hub at train time
and re-tokenizes every token one by one; this featurizer runs a packaged encoder
(:mod:`bot.nlu.encoders`, config key ``encoder``) on whole sentences in length-sorted batches
instead. A pipeline may hold several, each under its own ``alias``.

Features per attribute (``text``, ``response``, ``action_text``), as Rasa's dense featurizers set
them:

* ``sentence`` ``[1, dim]``: the L2-normalised mean of the word-piece vectors (the model's own
  sentence embedding, the one its authors trained for similarity).
* ``sequence`` ``[n_tokens, dim]``: for each token of the pipeline's tokenizer, the mean of the
  contextual word-piece vectors whose character span overlaps the token. A token with no
  overlapping piece (only past the 128-piece truncation) gets a zero vector, which Rasa's
  models treat as "no information".

With ``on_demand: true`` the featurizer adds its features to the training data only; at
inference a consumer that needs them (``LinearIntentClassifier``'s ``escalate``) calls
:func:`add_encoder_features` for the messages it is unsure about, so the costly encoder runs
on those alone.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    ACTION_TEXT,
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    TEXT,
)
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.errors import CandorError
from bot.nlu.encoders import ENCODERS, Encoding, encoder_spec, load_encoder

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class EncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a frozen encoder's sentence and token features; nothing to train or persist."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Sequence features are aligned to the tokens a Rasa tokenizer produced."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The encoder, its batch size and which training attributes it featurizes.

        ``encoder``: a name in ``bot.nlu.encoders.ENCODERS``. ``batch_size``: sentences per
        forward pass (32 fits 2 CPU cores well). ``attributes``: what to featurize at training
        time; ``response`` (the bot's answer texts) only matters to Rasa's ResponseSelector,
        which Candor's pipeline does not run, and encoding its ~1,800 texts with MPNet took
        five minutes of every training, so it is left out unless listed. ``on_demand``: skip
        the encoder at inference (see the module docstring).
        """
        return {
            **DenseFeaturizer.get_default_config(),
            "encoder": "minilm",
            "batch_size": 32,
            "attributes": [TEXT, ACTION_TEXT],
            "on_demand": False,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The encoder and the backend it resolves to, so a model is retrained, not reused.

        A model trained on another backend's features (when the default backend changed) would
        otherwise be served vectors it never saw.
        """
        spec = encoder_spec(str(config.get("encoder", cls.get_default_config()["encoder"])))
        return f"{spec.family}@{spec.backend}"

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages this component imports (the weights' packages are checked on load)."""
        return ["transformers", "safetensors"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = str(config["encoder"])
        self._batch_size = int(config["batch_size"])
        self._attributes = tuple(config.get("attributes") or (TEXT, ACTION_TEXT))
        self._on_demand = bool(config.get("on_demand", False))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EncoderFeaturizer:
        """Load (or reuse) the process-wide encoder so a broken install fails at start-up."""
        component = cls({**cls.get_default_config(), **config}, execution_context.node_name)
        try:
            load_encoder(component._encoder)
        except CandorError as exc:
            raise InvalidConfigException(f"EncoderFeaturizer: {exc}") from exc
        return component

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Reject an unknown encoder or a batch size that is not a positive integer."""
        size = config.get("batch_size", 32)
        if not isinstance(size, int) or size < 1:
            raise InvalidConfigException(
                f"EncoderFeaturizer: batch_size must be >= 1, got {size!r}"
            )
        unknown = set(config.get("attributes") or ()) - set(DENSE_FEATURIZABLE_ATTRIBUTES)
        if unknown:
            raise InvalidConfigException(
                f"EncoderFeaturizer: attributes must be among {DENSE_FEATURIZABLE_ATTRIBUTES}, "
                f"not {sorted(unknown)}"
            )
        name = config.get("encoder", "minilm")
        if name not in ENCODERS:
            raise InvalidConfigException(
                f"EncoderFeaturizer: unknown encoder {name!r}; choose one of {sorted(ENCODERS)}"
            )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize the configured attributes of every training example, in batches."""
        for attribute in self._attributes:
            messages = [m for m in training_data.training_examples if m.get(attribute)]
            if messages:
                logger.info(f"{self._encoder}: {len(messages)} '{attribute}' texts")
                self._featurize(messages, attribute, progress=len(messages) > 256)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages (labels are featurized by the models that use them)."""
        if self._on_demand:
            return messages
        for attribute in (TEXT, ACTION_TEXT):
            with_text = [m for m in messages if m.get(attribute)]
            if with_text:
                self._featurize(with_text, attribute, progress=False)
        return messages

    def _featurize(self, messages: list[Message], attribute: str, progress: bool) -> None:
        add_encoder_features(messages, attribute, self._encoder, self._identifier,
                             self._batch_size, progress)


def add_encoder_features(
    messages: list[Message],
    attribute: str,
    encoder: str,
    origin: str,
    batch_size: int = 32,
    progress: bool = False,
) -> None:
    """Encode the messages' ``attribute`` and add sentence and token features from ``origin``."""
    texts = [str(m.get(attribute)) for m in messages]
    encodings = load_encoder(encoder).encode(texts, batch_size, progress=progress)
    for message, encoding in zip(messages, encodings, strict=True):
        tokens: list[Token] = message.get(TOKENS_NAMES[attribute]) or []
        for kind, value in (
            (FEATURE_TYPE_SEQUENCE, align_to_tokens(encoding, tokens) if tokens else None),
            (FEATURE_TYPE_SENTENCE, encoding.sentence[None, :].astype(np.float32)),
        ):
            if value is not None:
                message.add_features(Features(value, kind, attribute, origin))


def align_to_tokens(encoding: Encoding, tokens: list[Token]) -> np.ndarray:
    """``[len(tokens), dim]``: mean of the word pieces overlapping each token's span."""
    out = np.zeros((len(tokens), encoding.sentence.shape[-1]), dtype=np.float32)
    starts, ends = encoding.offsets[:, 0], encoding.offsets[:, 1]
    for i, token in enumerate(tokens):
        overlap = (starts < token.end) & (ends > token.start)
        if overlap.any():
            out[i] = encoding.pieces[overlap].mean(axis=0)
    return out
