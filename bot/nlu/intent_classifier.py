"""Intent classifier: a calibrated linear SVM over the pipeline's sentence features.

Why not DIET: on BANKING77 (77 intents, ~120 examples each) DIET over sparse features sits
near 88% and needs minutes of epochs, while a linear model over frozen sentence embeddings
(MiniLM and MPNet) plus tf-idf weighted word and character n-gram counts reaches ~93.5% and
trains in seconds once the features exist (see bench/results/). It reads the sentence features
the featurizers already put on each message
(``featurizers``: which ones, all by default), so the pipeline stays the single source of truth
for featurization, and emits Rasa's ``intent`` and ``intent_ranking``.

Retrieval intents (``faq/<topic>``) are learnt per topic, because a linear model separates 60
compact topics far better than one sprawling ``faq`` class; each intent then gets the
probability of its best sub-label and the ranking is renormalised. Summing instead would turn
uncertainty spread across many FAQ topics into false confidence in ``faq`` and hide the
fallback. With ``select_responses`` (the product's setting) the same model also picks the
topic and writes it where Rasa's ResponseSelector would (``response_selector.<intent>``), so
``utter_faq`` works without a second, epoch-trained model: one linear fit instead of minutes
of training, and the topic comes from the stronger classifier.

With ``escalate`` the costly encoder runs only where it helps: a second, fast model is fitted
without that featurizer's vectors, answers every message it is sure of (calibrated top
probability at least ``below``), and only the rest are encoded on demand and answered by the
full model. On BANKING77 most messages are easy, and the large encoder was the biggest share
of a message's CPU under load (bench/results/encoders_cascade.md has the accuracy and the
share escalated per threshold).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder_featurizer import add_encoder_features
from bot.nlu.linear_model import BlockSpec, LinearModel, fit_idf, transform_block

logger = logging.getLogger(__name__)

FAST_FOLDER = "fast"  # the escalation's fast model, beside the full one


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Calibrated linear SVM intent classifier; see the module docstring for why."""

    @classmethod
    def required_components(cls) -> list[type]:
        """Needs at least one featurizer that produces sentence features."""
        return [Featurizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults tuned on a BANKING77 validation split carved from its train set."""
        return {
            "C": 1.0,  # SVM regularisation
            "dense_weight": 2.0,  # embedding block norm relative to each n-gram block's 1.0
            "featurizers": [],  # origins to use; empty: all sentence features
            "calibration_folds": 3,
            "ranking_length": 10,  # 0: keep every intent
            "split_retrieval_intents": True,
            "select_responses": False,  # also fill Rasa's response_selector output
            "random_seed": 42,
            # {"featurizer": alias, "encoder": name, "below": p}: the featurizer (configured
            # with on_demand: true) runs only for messages the model without it is unsure of.
            "escalate": None,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
        label_to_intent: dict[str, str] | None = None,
        fast_model: LinearModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        if float(self._config["C"]) <= 0 or float(self._config["dense_weight"]) < 0:
            raise InvalidConfigException("LinearIntentClassifier: C > 0, dense_weight >= 0.")
        self._escalate = _escalation(self._config["escalate"])
        self._storage = model_storage
        self._resource = resource
        self._model = model
        self._fast_model = fast_model
        self._label_to_intent = label_to_intent or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """Create an untrained classifier."""
        return cls(config, model_storage, resource)

    # --- features ---------------------------------------------------------------------
    def _sentence_features(self, message: Message) -> dict[str, Any]:
        wanted = set(self._config["featurizers"])
        return {
            f.origin: f.features
            for f in message.features
            if f.attribute == TEXT
            and f.type == FEATURE_TYPE_SENTENCE
            and (not wanted or f.origin in wanted)
        }

    def _matrix(self, messages: list[Message], blocks: list[BlockSpec]) -> sp.csr_matrix:
        return sp.hstack(list(self._blocks(messages, blocks).values()), format="csr")

    def _blocks(self, messages: list[Message], blocks: list[BlockSpec]) -> dict[str, sp.csr_matrix]:
        """Each block's transformed rows, by origin (in ``blocks`` order)."""
        per_message = [self._sentence_features(m) for m in messages]
        return {spec.origin: transform_block(_stack(per_message, spec), spec) for spec in blocks}

    def _fit_blocks(self, messages: list[Message]) -> list[BlockSpec]:
        per_message = [self._sentence_features(m) for m in messages]
        first: dict[str, Any] = {}
        for feats in per_message:
            for origin, value in feats.items():
                first.setdefault(origin, value)
        blocks = []
        for origin in sorted(first):
            is_sparse = sp.issparse(first[origin])
            weight = 1.0 if is_sparse else float(self._config["dense_weight"])
            dim = int(first[origin].shape[-1])
            idf = (fit_idf(_stack(per_message, BlockSpec(origin, dim, True))).tolist()
                   if is_sparse else [])
            blocks.append(BlockSpec(origin, dim, is_sparse, weight, idf))
        return blocks

    # --- training ---------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example with an intent and text; persist arrays, not pickles."""
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            logger.debug("LinearIntentClassifier: no intent examples, skipping training.")
            return self._resource
        labels, self._label_to_intent = [], {}
        for example in examples:
            label = example.get(INTENT)
            if self._config["split_retrieval_intents"] and example.get(INTENT_RESPONSE_KEY):
                label = example.get(INTENT_RESPONSE_KEY)
            self._label_to_intent[label] = example.get(INTENT)
            labels.append(label)
        blocks = self._fit_blocks(examples)
        if not blocks:
            raise InvalidConfigException(
                "LinearIntentClassifier found no sentence features: add a featurizer "
                "(e.g. CountVectorsFeaturizer or bot.nlu.encoder_featurizer.EncoderFeaturizer)."
            )
        self._model = self._fit(examples, labels, blocks)
        if self._escalate is not None:
            fast_blocks = [b for b in blocks if b.origin != self._escalate.featurizer]
            if len(fast_blocks) == len(blocks):
                raise InvalidConfigException(
                    f"LinearIntentClassifier: escalate.featurizer '{self._escalate.featurizer}' "
                    "put no sentence features on the training examples."
                )
            self._fast_model = self._fit(examples, labels, fast_blocks)
        self.persist()
        return self._resource

    def _fit(self, examples: list[Message], labels: list[str],
             blocks: list[BlockSpec]) -> LinearModel:
        x = self._matrix(examples, blocks)
        model = LinearModel.fit(
            x,
            labels,
            blocks,
            c=float(self._config["C"]),
            folds=int(self._config["calibration_folds"]),
            seed=int(self._config["random_seed"]),
        )
        logger.info(
            f"LinearIntentClassifier: {len(set(labels))} labels, {x.shape[1]} features "
            f"({', '.join(b.origin for b in blocks)}), temperature {model.temperature:.3f}"
        )
        return model

    # --- inference --------------------------------------------------------------------
    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``intent`` and ``intent_ranking`` (calibrated, summing to 1 over intents)."""
        if self._model is None:
            return messages
        with_text = [m for m in messages if m.get(TEXT)]
        probs = self._predict(with_text)
        for message, row in zip(with_text, probs, strict=True):
            ranking = self._intent_ranking(row)
            message.set(INTENT, ranking[0], add_to_output=True)
            length = int(self._config["ranking_length"])
            message.set(INTENT_RANKING_KEY, ranking[:length] if length else ranking, True)
            if self._config["select_responses"]:
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, self._selection(row), True)
        for message in messages:
            if not message.get(TEXT):
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages

    def _predict(self, messages: list[Message]) -> np.ndarray:
        """Label probabilities: the fast model's where it is sure, else the full model's."""
        assert self._model is not None
        if not messages:
            return np.zeros((0, len(self._model.labels)))
        if self._fast_model is None or self._escalate is None:
            return self._model.predict_proba(self._matrix(messages, self._model.blocks))
        cheap = self._blocks(messages, self._fast_model.blocks)
        probs = self._fast_model.predict_proba(sp.hstack(list(cheap.values()), format="csr"))
        unsure = np.flatnonzero(probs.max(axis=1) < self._escalate.below)
        if len(unsure):
            hard = [messages[i] for i in unsure]
            origin = self._escalate.featurizer
            missing = [m for m in hard if not any(f.origin == origin for f in m.features)]
            if missing:
                add_encoder_features(missing, TEXT, self._escalate.encoder, origin)
            spec = next(b for b in self._model.blocks if b.origin == origin)
            costly = self._blocks(hard, [spec])[origin]
            x = sp.hstack([costly if b.origin == origin else cheap[b.origin][unsure]
                           for b in self._model.blocks], format="csr")
            probs[unsure] = self._model.predict_proba(x)
        return probs

    def _intent_ranking(self, label_probs: np.ndarray) -> list[dict[str, Any]]:
        assert self._model is not None
        best: dict[str, float] = {}
        for label, p in zip(self._model.labels, label_probs, strict=True):
            intent = self._label_to_intent.get(label, label)
            best[intent] = max(best.get(intent, 0.0), float(p))
        total = sum(best.values()) or 1.0
        ranking = [
            {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: p / total}
            for intent, p in best.items()
        ]
        return sorted(ranking, key=lambda r: -r[PREDICTED_CONFIDENCE_KEY])

    def _selection(self, label_probs: np.ndarray) -> dict[str, Any]:
        """Rasa's ResponseSelector output for each retrieval intent, from the topic labels."""
        assert self._model is not None
        by_intent: dict[str, list[tuple[str, float]]] = {}
        for label, p in zip(self._model.labels, label_probs, strict=True):
            intent = self._label_to_intent.get(label, label)
            if label != intent:  # a retrieval sub-label such as faq/card_pin
                by_intent.setdefault(intent, []).append((label, float(p)))
        selection: dict[str, Any] = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: sorted(by_intent)}
        for intent, topics in by_intent.items():
            total = sum(p for _, p in topics) or 1.0
            ranked = sorted(topics, key=lambda t: -t[1])
            key, p = ranked[0]
            selection[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    PREDICTED_CONFIDENCE_KEY: p / total,
                    INTENT_RESPONSE_KEY: key,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{key}",
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {INTENT_RESPONSE_KEY: k, PREDICTED_CONFIDENCE_KEY: q / total}
                    for k, q in ranked[:10]
                ],
            }
        return selection

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add to training data (later components don't read intents)."""
        return training_data

    # --- persistence ------------------------------------------------------------------
    def persist(self) -> None:
        """Write the weights and the label -> intent map into model storage."""
        if self._model is None:
            return
        with self._storage.write_to(self._resource) as folder:
            self._model.save(folder)
            (folder / "labels.json").write_text(json.dumps(self._label_to_intent), "utf-8")
            if self._fast_model is not None:
                (folder / FAST_FOLDER).mkdir()
                self._fast_model.save(folder / FAST_FOLDER)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Load a trained classifier; an untrained one if training was skipped (no data)."""
        try:
            with model_storage.read_from(resource) as folder:
                model = LinearModel.load(folder)
                mapping = json.loads((folder / "labels.json").read_text("utf-8"))
                fast = (LinearModel.load(folder / FAST_FOLDER)
                        if (folder / FAST_FOLDER).is_dir() else None)
        except (ValueError, FileNotFoundError):
            logger.debug(f"LinearIntentClassifier: no trained model in '{resource.name}'.")
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, model, mapping, fast)


@dataclass(frozen=True)
class Escalation:
    """Which on-demand featurizer the full model needs, and below which confidence to ask."""

    featurizer: str
    encoder: str
    below: float


def _escalation(config: Any) -> Escalation | None:
    """The ``escalate`` config key, checked: ``None`` or featurizer, encoder and 0 < below <= 1."""
    if config is None:
        return None
    try:
        escalation = Escalation(str(config["featurizer"]), str(config["encoder"]),
                                float(config["below"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidConfigException(
            "LinearIntentClassifier: escalate needs featurizer, encoder and below "
            f"(got {config!r})."
        ) from exc
    if not 0.0 < escalation.below <= 1.0:
        raise InvalidConfigException(
            f"LinearIntentClassifier: escalate.below must be in (0, 1], got {escalation.below}."
        )
    return escalation


def _stack(per_message: list[dict[str, Any]], spec: BlockSpec) -> sp.csr_matrix:
    """One block's rows; a message without that featurizer's output contributes zeros."""
    rows = [
        sp.csr_matrix(feats[spec.origin]) if spec.origin in feats else sp.csr_matrix((1, spec.dim))
        for feats in per_message
    ]
    return sp.vstack(rows, format="csr")
