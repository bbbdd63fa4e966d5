"""CSAT features: the registry API and the v1 feature set (extractors: ``extractors.py``).

Every extractor is declared once, in ``bot.registry.csat_features``.

Each extractor is a pure function ``Dialogue -> float`` registered under a versioned name
(``csat.fallback_rate.v1``); a model artefact lists the names it was trained on, so changing
an extractor means registering ``.v2`` and old artefacts keep meaning what they said.
Features describe the conversation *so far*: per-turn scores apply them to prefixes.
Unknown inputs (no intent, confidence, rule ids or latency, as in plain USS text) give the
neutral value 0, so the same model runs on Candor transcripts and on public dialogue text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot import registry
from bot.scoring.transcript import Dialogue

Extractor = Callable[[Dialogue], float]


@dataclass(frozen=True)
class CsatFeatures:
    """A feature vector: registry names and values, in the same order."""

    names: tuple[str, ...]
    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, self.values, strict=True))


def short_name(name: str) -> str:
    """``csat.fallback_rate.v1`` -> ``fallback_rate`` (for explanations and tables)."""
    return name.split(".")[1] if name.count(".") >= 2 else name


def describe(name: str) -> str:
    """First docstring line of a registered extractor (the short name for unknown ones)."""
    if name not in registry.csat_features:
        return short_name(name)
    doc = getattr(registry.csat_features.get(name), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else short_name(name)


def features(conversation: Dialogue, names: tuple[str, ...] | None = None) -> CsatFeatures:
    """Extract ``names`` (default: :data:`FEATURE_SET_V1`) from a conversation."""
    names = FEATURE_SET_V1 if names is None else names
    values = tuple(float(registry.csat_features.get(n)(conversation)) for n in names)  # type: ignore[operator]
    return CsatFeatures(names, values)


FEATURE_SET_V1: tuple[str, ...] = (
    "csat.fallback_rate.v1", "csat.low_confidence_rate.v1", "csat.last_fallback.v1",
    "csat.repetition_max.v1", "csat.repetition_last.v1", "csat.bot_repetition.v1",
    "csat.sentiment_last.v1", "csat.sentiment_min.v1", "csat.sentiment_mean.v1",
    "csat.frustration_last.v1", "csat.frustration_total.v1", "csat.correction_last.v1",
    "csat.thanks.v1", "csat.closure.v1", "csat.handoff_requested.v1", "csat.handoff_refused.v1",
    "csat.guardrail_refusals.v1", "csat.complaint.v1", "csat.vulnerability.v1",
    "csat.length.v1", "csat.latency_mean.v1", "csat.latency_max.v1", "csat.abandoned.v1",
)
"""The features of model version 1, in artefact order."""

FEATURE_SET_V2: tuple[str, ...] = FEATURE_SET_V1 + (
    "csat.approval_last.v1", "csat.rejection_last.v1", "csat.approval_rate.v1",
    "csat.rejection_rate.v1", "csat.setback_last.v1", "csat.setback_rate.v1",
)
"""Model version 2: v1 plus how the customer received the bot's replies (approval, rejection)
and the bot's setbacks (apologies, "could not find"): the cues that carry over to dialogues
the model never saw (issue 19)."""
