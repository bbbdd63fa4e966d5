"""Multi-intent messages: "I lost my card and need to know my balance".

Rasa gives each message one intent. Customers often ask two things at once, and answering only
one of them reads as ignoring the other. This component splits a message into clauses at
conjunctions and sentence ends (:func:`split_clauses`, a pure function), classifies each clause
on its own and lists the confident clause labels that differ from the message's main label as
``additional_intents`` in the parse data. The guard policy then runs ``action_answer_also``
after the main answer, so both questions get answered in one turn.

Each clause is classified by a linear model over frozen sentence embeddings (the small MiniLM
encoder by default: a clause costs one more forward pass), trained here on the same examples as
the intent classifier (on the vectors the ``EncoderFeaturizer`` aliased ``featurizer`` put on
them, which must come from the same ``encoder``). It is not the pipeline's classifier (that one
needs the whole featurizer chain, which
runs once per message), but embeddings alone classify short clauses well, and a clause label
only counts above ``threshold``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.compliance.contract import ADDITIONAL_INTENTS_KEY
from bot.nlu.encoder_featurizer import EncoderFeaturizer
from bot.nlu.encoders import encoder_spec, load_encoder
from bot.nlu.linear_model import BlockSpec, LinearModel, transform_block

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"
ORIGIN = "clause_embedding"

# Where one request ends and another may begin. Commas alone are too common inside one request.
# "and now ...", "and it ...", "but ..." go on with the same request, so they are no boundary.
_BOUNDARY = re.compile(
    r"(?:[.?!;]+\s+|,?\s+(?:and also|and(?!\s+(?:now|then|so|still|yet|it|it's|its|that|"
    r"this|they|there)\b)|also|plus|as well as)\s+)",
    re.IGNORECASE,
)
# A clause that opens with a pronoun points back at the previous one: the same request.
_CONTINUATION = re.compile(r"^(?:it|it's|its|that|this|they|them|there)\b", re.IGNORECASE)
_LEADING_CUE = re.compile(r"^\s*(?:and|also|plus|but)\b[\s,]*", re.IGNORECASE)


def split_clauses(text: str, min_words: int = 3, max_clauses: int = 3) -> list[str]:
    """Split at boundaries where both sides are real requests (``min_words`` words or more).

    Short sides stay attached: "SWIFT and SEPA transfers" is one request, not two.
    """
    pieces = [_LEADING_CUE.sub("", p).strip() for p in _BOUNDARY.split(text)]
    pieces = [p for p in pieces if p]
    clauses: list[str] = []
    for piece in pieces:
        if clauses and (len(piece.split()) < min_words or len(clauses[-1].split()) < min_words
                        or _CONTINUATION.match(piece)):
            clauses[-1] = f"{clauses[-1]} {piece}"
        else:
            clauses.append(piece)
    if clauses and len(clauses) > 1 and len(clauses[-1].split()) < min_words:
        tail = clauses.pop()
        clauses[-1] = f"{clauses[-1]} {tail}"
    return clauses[:max_clauses] if len(clauses) > 1 else [text.strip()]


def message_label(message: Message) -> str | None:
    """The message's main label: ``faq/<topic>`` for retrieval intents, else the intent."""
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    selection = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(intent or "") or {}
    key = (selection.get(RESPONSE_SELECTOR_PREDICTION_KEY) or {}).get(INTENT_RESPONSE_KEY)
    return key or intent


def additional_labels(
    main: str | None, clause_labels: list[tuple[str, float]], ignore: set[str]
) -> list[tuple[str, float]]:
    """Clause labels other than the main one, first mention first, no repeats."""
    seen = {main}
    found = []
    for label, p in clause_labels:
        if label not in seen and label.split("/")[0] not in ignore:
            seen.add(label)
            found.append((label, p))
    return found


def _set_main(message: Message, label: str, confidence: float) -> None:
    """Make a clause's label the message's intent (and FAQ topic, for retrieval labels)."""
    intent, _, _ = label.partition("/")
    message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence},
                add_to_output=True)
    if "/" in label:
        selection = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        selection[intent] = {
            **(selection.get(intent) or {}),
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: label,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{label}",
            },
        }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selection, add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class MultiIntentDetector(GraphComponent, IntentClassifier):
    """Lists the other requests in a multi-part message; see the module docstring."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Trains on an encoder's sentence vectors of the training examples."""
        return [EncoderFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Clause labels below ``threshold`` or among ``ignore_intents`` are not reported."""
        return {
            "threshold": 0.8,
            "featurizer": "minilm",  # alias of the EncoderFeaturizer whose vectors train it
            "encoder": "minilm",  # that featurizer's encoder, which encodes clauses here
            "C": 1.0,
            "min_words": 3,
            "max_clauses": 3,
            "ignore_intents": [
                "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge",
                "out_of_scope", "nlu_fallback",
            ],
            "random_seed": 42,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: LinearModel | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MultiIntentDetector:
        """An untrained detector."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the clause model on every intent example's embedding."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = [str(e.get(INTENT_RESPONSE_KEY) or e.get(INTENT)) for e in examples]
        if len(set(labels)) < 2:
            logger.debug("MultiIntentDetector: fewer than two labels, nothing to learn.")
            return self._resource
        x = self._training_features(examples)
        spec = BlockSpec(ORIGIN, int(x.shape[1]), sparse=False)
        self._model = LinearModel.fit(
            transform_block(x, spec), labels, [spec], c=float(self._config["C"]),
            folds=3, seed=int(self._config["random_seed"]),
        )
        with self._storage.write_to(self._resource) as folder:
            self._model.save(folder)
        return self._resource

    def _training_features(self, examples: list[Message]) -> np.ndarray:
        """The sentence vectors the featurizer already put on each example.

        They are what :meth:`_features` computes for a clause, so training need not encode every
        example a second time.
        """
        origin = str(self._config["featurizer"])
        dim = encoder_spec(str(self._config["encoder"])).dim
        rows = []
        for example in examples:
            _, sentence = example.get_dense_features(TEXT, [origin])
            if sentence is None or sentence.features.shape[-1] != dim:
                raise InvalidConfigException(
                    f"MultiIntentDetector needs the EncoderFeaturizer aliased '{origin}' with "
                    f"encoder '{self._config['encoder']}' earlier in the pipeline "
                    "(config keys 'featurizer' and 'encoder')."
                )
            rows.append(np.asarray(sentence.features).reshape(-1))
        return np.stack(rows)

    def _features(self, texts: list[str]) -> np.ndarray:
        encoder = load_encoder(str(self._config["encoder"]))
        return np.stack([e.sentence for e in encoder.encode(texts)])

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``additional_intents`` (possibly empty) on every message with text."""
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            found = self.clause_labels(text)
            main = message_label(message)
            if main == FALLBACK_INTENT and found:
                # Unsure about the whole because it is two clear requests: answer the first.
                main = found[0][0]
                _set_main(message, *found[0])
            ignore = set(self._config["ignore_intents"])
            message.set(
                ADDITIONAL_INTENTS_KEY,
                [
                    {"intent": label.split("/")[0],
                     "response_key": label if "/" in label else None,
                     "confidence": round(p, 4)}
                    for label, p in additional_labels(main, found, ignore)
                ],
                add_to_output=True,
            )
        return messages

    def clause_labels(self, text: str) -> list[tuple[str, float]]:
        """``(label, confidence)`` of each clause classified above ``threshold``, in order."""
        clauses = split_clauses(text, int(self._config["min_words"]),
                                int(self._config["max_clauses"]))
        if self._model is None or len(clauses) < 2:
            return []
        spec = self._model.blocks[0]
        probs = self._model.predict_proba(transform_block(self._features(clauses), spec))
        threshold = float(self._config["threshold"])
        best = [(self._model.labels[int(row.argmax())], float(row.max())) for row in probs]
        return [(label, p) for label, p in best if p >= threshold]

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> MultiIntentDetector:
        """Load a trained detector; an untrained one if training was skipped."""
        try:
            with model_storage.read_from(resource) as folder:
                model = LinearModel.load(folder)
        except (ValueError, FileNotFoundError):
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, model)
