"""Keyboard mash ("fsuzhl rvozn kr") goes to the fallback, not to an FAQ answer.

A linear classifier always puts its probability somewhere: on generated gibberish the product
model answered about half the time (``candor bench fallback``), mostly with ``greet`` or an FAQ
topic, at confidences the fallback threshold cannot separate from real questions. Letters tell
what the classifier cannot: English, typos included, is made of familiar three-letter sequences.
A character trigram model of the training examples scores each message (mean negative log
probability per character); a message is gibberish when it scores above what almost every
training example scores (``quantile``) *and* at least half its words were never seen in
training, so a short or misspelt real message ("hi", "pls hlp my crd") still reaches the
classifier. Pure functions for the scoring; the component only stores counts and sets
``nlu_fallback``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

FALLBACK_INTENT = "nlu_fallback"
ALPHABET_SIZE = 27  # a-z and the space


def normalise(text: str) -> str:
    """Lower-case letters and single spaces, padded so word starts and ends count."""
    return " " + " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split()) + " "


def words(text: str) -> list[str]:
    """The message's words as the model sees them."""
    return normalise(text).split()


@dataclass
class TrigramModel:
    """Character trigram counts, their two-letter contexts, and the training vocabulary."""

    trigrams: Counter[str]
    contexts: Counter[str]
    vocabulary: set[str]
    smoothing: float = 0.1

    @classmethod
    def fit(cls, texts: list[str], smoothing: float = 0.1) -> TrigramModel:
        """Count every trigram of the normalised training texts."""
        trigrams: Counter[str] = Counter()
        contexts: Counter[str] = Counter()
        vocabulary: set[str] = set()
        for text in texts:
            s = normalise(text)
            vocabulary.update(s.split())
            for i in range(2, len(s)):
                trigrams[s[i - 2 : i + 1]] += 1
                contexts[s[i - 2 : i]] += 1
        return cls(trigrams, contexts, vocabulary, smoothing)

    def score(self, text: str) -> float:
        """Mean negative log probability per character (higher: less like the training text)."""
        s = normalise(text)
        if len(s) < 5:  # fewer than three letters: nothing to judge
            return 0.0
        k = self.smoothing
        total = sum(
            math.log((self.trigrams[s[i - 2 : i + 1]] + k)
                     / (self.contexts[s[i - 2 : i]] + k * ALPHABET_SIZE))
            for i in range(2, len(s))
        )
        return -total / (len(s) - 2)

    def unknown_share(self, text: str) -> float:
        """Share of the message's words never seen in training (0 for no words)."""
        tokens = words(text)
        return sum(t not in self.vocabulary for t in tokens) / len(tokens) if tokens else 0.0


def is_gibberish(model: TrigramModel, text: str, threshold: float, min_unknown: float) -> bool:
    """Unlike the training text letter by letter, and mostly made of unseen words."""
    return model.unknown_share(text) >= min_unknown and model.score(text) > threshold


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class GibberishFilter(GraphComponent):
    """Sets ``nlu_fallback`` for gibberish; see the module docstring. Place after the classifier."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``quantile`` of training-example scores that a message must exceed."""
        return {"quantile": 0.995, "min_unknown_share": 0.5, "smoothing": 0.1}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: TrigramModel | None = None, threshold: float = math.inf) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model
        self._threshold = threshold

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GibberishFilter:
        """An untrained filter lets everything through."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Count trigrams; the threshold is the configured quantile of the examples' scores."""
        texts = [str(e.get(TEXT)) for e in training_data.training_examples if e.get(TEXT)]
        if not texts:
            return self._resource
        model = TrigramModel.fit(texts, float(self._config["smoothing"]))
        threshold = float(np.quantile([model.score(t) for t in texts], self._config["quantile"]))
        with self._storage.write_to(self._resource) as folder:
            (folder / "trigrams.json").write_text(json.dumps({
                "trigrams": dict(model.trigrams), "contexts": dict(model.contexts),
                "vocabulary": sorted(model.vocabulary), "smoothing": model.smoothing,
                "threshold": threshold,
            }), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Mark gibberish messages as ``nlu_fallback`` (the ranking keeps the classifier's)."""
        if self._model is None:
            return messages
        min_unknown = float(self._config["min_unknown_share"])
        for message in messages:
            text = message.get(TEXT)
            if not text or text.startswith("/"):
                continue
            if not is_gibberish(self._model, text, self._threshold, min_unknown):
                continue
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == FALLBACK_INTENT:
                continue
            fallback = {INTENT_NAME_KEY: FALLBACK_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            ranking = message.get(INTENT_RANKING_KEY) or []
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)
        return messages

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> GibberishFilter:
        """Load the counts; an untrained filter if training was skipped."""
        try:
            with model_storage.read_from(resource) as folder:
                data = json.loads((folder / "trigrams.json").read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            return cls.create(config, model_storage, resource, execution_context)
        model = TrigramModel(Counter(data["trigrams"]), Counter(data["contexts"]),
                             set(data["vocabulary"]), float(data["smoothing"]))
        return cls(config, model_storage, resource, model, float(data["threshold"]))
