"""Scores every parsed message for each guardrail rule with a learned, multi-label model.

Rules whose trigger has a ``model`` condition (compliance.yml) are learnt from two sources:
the NLU training examples of the intents and ResponseSelector keys that condition names, and the
labelled example sets in ``examples`` (each sample lists every rule it should fire, hard
negatives included). The frozen blind evaluation set is read through its *tune* half only, so
its test half stays unseen. The message gets ``rule_scores`` ({rule id: probability}), which
:func:`bot.compliance.evaluation.rule_hits` compares with each rule's ``min_score``.

It reads the MiniLM sentence embedding the pipeline's featurizer already put on the message, so
the only per-message cost is two n-gram transforms and a few dot products.

Fail closed like the detectors: if scoring raises, the compliance section says ``error: E203``
and the guard answers with the safe reply and a handoff offer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.compliance.contract import COMPLIANCE_KEY, RULE_SCORES_KEY
from bot.compliance.evaluation import named_intent
from bot.compliance.labelled_examples import load_samples, turns_of
from bot.compliance.rulebook import ModelTrigger, load_rulebook
from bot.errors import Errors
from bot.nlu.encoder_featurizer import add_encoder_features
from bot.nlu.encoders import load_encoder
from bot.nlu.rule_model import FitOptions, RuleExample, RuleModel
from bot.paths import PROJECT_ROOT

logger = logging.getLogger(__name__)

#: The labelled sets the product model learns from, each by a different blind writer: the first
#: set's tune half (its test half is what ``candor bench signals`` reports), the second set, and
#: ten sets written to be learnt from. The validation sets (``signals_val``, ``signals_val2``)
#: are not here: ``candor bench thresholds`` chooses each rule's ``min_score`` with them.
DEFAULT_EXAMPLES = (
    {"path": "bench/data/signals_eval/signals_eval.yml", "half": "tune"},
    {"path": "bench/data/signals_tune2/signals_tune2.yml", "half": "all"},
    *({"path": f"bench/data/signals_train{n}/signals_train{n}.yml", "half": "all"}
      for n in range(4, 17)),
)
#: Texts never learnt, whichever set holds them: the blind set's test half (the second set,
#: written separately, repeats five of its short messages word for word).
DEFAULT_HELD_OUT = ({"path": "bench/data/signals_eval/signals_eval.yml", "half": "test"},)


def nlu_labels(example: Message, triggers: dict[str, ModelTrigger]) -> frozenset[str]:
    """The rules an NLU training example teaches: those whose ``model`` names its intent or key."""
    intent, key = example.get(INTENT), example.get(INTENT_RESPONSE_KEY)
    return frozenset(
        rule_id for rule_id, trigger in triggers.items()
        if named_intent(trigger.intents, trigger.retrieval_intents, intent, key)
    )


def nlu_examples(training_data: TrainingData,
                 triggers: dict[str, ModelTrigger]) -> list[RuleExample]:
    """Every intent example with text, labelled with the rules its intent or key teaches."""
    return [RuleExample(str(e.get(TEXT)), nlu_labels(e, triggers))
            for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]


def source_samples(source: Mapping[str, Any]) -> list[tuple[str, frozenset[str]]]:
    """(turns joined, rules) of every sample one ``examples`` or ``held_out`` source lists."""
    return [(" ".join(turns_of(sample)), frozenset(sample["rules"]))
            for sample in load_samples(PROJECT_ROOT / str(source["path"]),
                                       source.get("half", "all"))]


def labelled_examples(sources: Sequence[Mapping[str, Any]],
                      held_out: Sequence[Mapping[str, Any]], rule_ids: frozenset[str],
                      weight: float) -> list[RuleExample]:
    """The labelled samples to learn from, minus any text a ``held_out`` source holds."""
    never = {text for source in held_out for text, _ in source_samples(source)}
    return [RuleExample(text, rules & rule_ids, weight)
            for source in sources for text, rules in source_samples(source) if text not in never]


def fit_options(config: Mapping[str, Any]) -> FitOptions:
    """The model settings of a component config."""
    return FitOptions(c=float(config["C"]), char_min_df=int(config["char_min_df"]),
                      embedding_weight=float(config["embedding_weight"]),
                      seed=int(config["random_seed"]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class RuleClassifier(GraphComponent):
    """Adds ``rule_scores`` to each message; see the module docstring for why and how."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Defaults measured by cross-validation on the tuning sets (guardrails_signals_eval.md)."""
        return {
            "examples": [dict(e) for e in DEFAULT_EXAMPLES],
            "held_out": [dict(e) for e in DEFAULT_HELD_OUT],
            "example_weight": 3.0,  # a labelled sample counts as three NLU examples
            "featurizer": "minilm",  # whose sentence features to read
            "encoder": "minilm",  # the same encoder, for training texts and messages without them
            "C": 10.0,
            "char_min_df": 2,
            "embedding_weight": 1.0,
            "random_seed": 42,
        }

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: RuleModel | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        if float(self._config["C"]) <= 0 or float(self._config["example_weight"]) <= 0:
            raise InvalidConfigException("RuleClassifier: C > 0 and example_weight > 0.")
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """What training reads beside Rasa's data: the example files and the model triggers.

        Without it Rasa's training cache would keep an old classifier after a labelled set or a
        rule's ``model`` condition changed.
        """
        config = {**cls.get_default_config(), **config}
        digest = hashlib.sha256()
        for source in [*config["examples"], *config["held_out"]]:
            digest.update((PROJECT_ROOT / str(source["path"])).read_bytes())
            digest.update(str(source.get("half", "all")).encode())
        for rule in load_rulebook().rules:
            if rule.trigger.model is not None:
                model = rule.trigger.model
                digest.update(f"{rule.id}:{model.intents}:{model.retrieval_intents}".encode())
        return digest.hexdigest()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RuleClassifier:
        """An untrained classifier."""
        return cls(config, model_storage, resource)

    # --- training ---------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        """Fit one model per rule with a ``model`` trigger; persist arrays, not pickles."""
        triggers = {r.id: r.trigger.model for r in load_rulebook().rules if r.trigger.model}
        if not triggers:
            logger.debug("RuleClassifier: no rule has a model trigger, skipping training.")
            return self._resource
        examples = nlu_examples(training_data, triggers) + labelled_examples(
            self._config["examples"], self._config["held_out"], frozenset(triggers),
            float(self._config["example_weight"]))
        texts = [e.text for e in examples]
        embeddings = load_encoder(str(self._config["encoder"])).sentence_embeddings(texts)
        self._model = RuleModel.fit(examples, embeddings, list(triggers), fit_options(self._config))
        logger.info(f"RuleClassifier: {len(triggers)} rules, {len(examples)} examples.")
        self.persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to add: the guard reads the scores at prediction time only."""
        return training_data

    # --- inference --------------------------------------------------------------------
    def _embeddings(self, messages: list[Message]) -> np.ndarray:
        origin = str(self._config["featurizer"])

        def sentence(message: Message) -> np.ndarray | None:
            return next((f.features for f in message.features if f.origin == origin
                         and f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE), None)

        missing = [m for m in messages if sentence(m) is None]
        if missing:
            add_encoder_features(missing, TEXT, str(self._config["encoder"]), origin)
        return np.vstack([np.asarray(sentence(m)).reshape(1, -1) for m in messages])

    def process(self, messages: list[Message]) -> list[Message]:
        """Set ``rule_scores``; on failure mark the compliance section ``E203`` (fail closed)."""
        with_text = [m for m in messages if m.get(TEXT)]
        if self._model is None or not with_text:
            return messages
        try:
            probs = self._model.predict_proba([str(m.get(TEXT)) for m in with_text],
                                              self._embeddings(with_text))
        except Exception as err:  # fail closed: never let an unchecked message through
            logger.error(Errors.E203.format(cause=type(err).__name__))
            for message in with_text:
                section = message.get(COMPLIANCE_KEY) or {"hits": []}
                message.set(COMPLIANCE_KEY, {**section, "error": "E203"}, add_to_output=True)
            return messages
        for message, row in zip(with_text, probs, strict=True):
            scores = {rule: round(float(p), 4) for rule, p in zip(self._model.rules, row,
                                                                  strict=True)}
            message.set(RULE_SCORES_KEY, scores, add_to_output=True)
        return messages

    # --- persistence ------------------------------------------------------------------
    def persist(self) -> None:
        """Write the model into model storage."""
        if self._model is None:
            return
        with self._storage.write_to(self._resource) as folder:
            self._model.save(folder)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> RuleClassifier:
        """Load a trained classifier; an untrained one if training was skipped."""
        try:
            with model_storage.read_from(resource) as folder:
                model = RuleModel.load(folder)
        except (ValueError, FileNotFoundError):
            logger.debug(f"RuleClassifier: no trained model in '{resource.name}'.")
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, model)
