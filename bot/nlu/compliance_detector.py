"""Runs Candor's compliance detectors inside Rasa's NLU pipeline.

Every parsed message gets a ``compliance`` section with the detector hits (PII spans and
guardrail signals: advice request, complaint, vulnerability and scam, bot-identity question,
request for a human, account data, dispute, data-rights request). Hits hold offsets and detector
names, never the matched text. The guard policy and the NLG read this section through
:func:`bot.compliance.evaluation.rule_hits`.

Fail closed: if a detector raises, the section says so (``error: E203``) and the guard answers
with the safe reply and a handoff offer instead of letting the message through unchecked.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.compliance.contract import COMPLIANCE_KEY, ComplianceSection
from bot.errors import Errors

logger = logging.getLogger(__name__)

DEFAULT_DETECTORS = (
    "signal.advice_request.v3",
    "signal.complaint.v4",
    "signal.vulnerability.v4",
    "signal.scam_money_moved.v1",
    "signal.human_request.v3",
    "signal.bot_identity.v4",
    "signal.account_data.v3",
    "signal.dispute.v3",
    "signal.data_rights.v2",
    "signal.general_question.v1",
    "signal.not_a_complaint.v2",
    "signal.not_their_own.v1",
    "signal.not_a_dispute.v2",
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class ComplianceDetector(GraphComponent):
    """Attaches compliance detector hits to each parsed message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``detectors``: signal detectors run besides the PII set (registry names)."""
        return {"detectors": list(DEFAULT_DETECTORS)}

    def __init__(self, config: dict[str, Any]) -> None:
        from bot.compliance.detectors import PII_DETECTORS
        from bot.compliance.redaction import build_detectors

        self.detectors = build_detectors(tuple(PII_DETECTORS) + tuple(config["detectors"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ComplianceDetector:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples need no hits: the guard reads them at prediction time only."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the ``compliance`` section to every message."""
        for message in messages:
            message.set(COMPLIANCE_KEY, self.section(message.get(TEXT) or ""), add_to_output=True)
        return messages

    def section(self, text: str) -> ComplianceSection:
        """The detector hits and merged PII spans, or ``error: E203`` when a detector failed.

        This is the one place a customer message meets the NER model: the tracker store, the
        transcript writer and the logs redact it from ``pii_spans`` (offsets and types only).
        """
        from bot.compliance.checked_texts import CHECKED
        from bot.compliance.known_values import KNOWN
        from bot.compliance.redaction import analyze, pii_spans

        try:
            hits = analyze(text, self.detectors)
            spans = pii_spans(hits)
        except Exception as err:  # fail closed: never let an unchecked message through
            logger.error(Errors.E203.format(cause=type(err).__name__))
            return {"hits": [], "error": "E203"}
        KNOWN.remember(text, spans)
        CHECKED.remember(text, spans)
        return {
            "hits": [
                {"detector": h.detector, "entity_type": h.entity_type,
                 "pattern_name": h.pattern_name, "start": h.start, "end": h.end,
                 "score": round(h.score, 4)}
                for h in hits
            ],
            "pii_spans": spans,
        }
