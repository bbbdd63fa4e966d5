"""CSAT features: the registry API and the v1 feature set (extractors: ``extractors.py``).

Every extractor is declared once, in ``bot.registry.csat_features``.

Each extractor is a pure function ``Conversation -> float`` registered under a versioned name
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
from bot.scoring.transcript import Conversation

Extractor = Callable[[Conversation], float]


@dataclass(frozen=True)
class CsatFeatures:
    """A feature vector: registry names and values, in the same order."""

    names: tuple[str, ...]
    values: tuple[float, ...]

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, self.values, strict=True))


BUILTIN_MODULE = "bot.scoring.extractors"
_BUILTINS: dict[str, Extractor] = {}


def feature(name: str) -> Callable[[Extractor], Extractor]:
    """Register an extractor in the one CSAT feature registry."""

    def decorator(fn: Extractor) -> Extractor:
        registry.csat_features.add(name, fn)
        if fn.__module__ == BUILTIN_MODULE:
            _BUILTINS[name] = fn
        return fn

    return decorator


def ensure_builtins() -> None:
    """Put back any built-in extractor missing from the registry.

    ``bot.registry.csat_features`` does not import this module on first lookup (its built-in
    module list is empty), and tests restore registry snapshots taken before this module was
    imported; re-adding the same objects is allowed, so this is idempotent and cheap.
    """
    for name, fn in _BUILTINS.items():
        if name not in registry.csat_features:
            registry.csat_features.add(name, fn)


def short_name(name: str) -> str:
    """``csat.fallback_rate.v1`` -> ``fallback_rate`` (for explanations and tables)."""
    return name.split(".")[1] if name.count(".") >= 2 else name


def describe(name: str) -> str:
    """First docstring line of a registered extractor (the short name for unknown ones)."""
    ensure_builtins()
    if name not in registry.csat_features:
        return short_name(name)
    doc = getattr(registry.csat_features.get(name), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else short_name(name)


def features(conversation: Conversation, names: tuple[str, ...] | None = None) -> CsatFeatures:
    """Extract ``names`` (default: :data:`FEATURE_SET_V1`) from a conversation."""
    names = FEATURE_SET_V1 if names is None else names
    ensure_builtins()
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

# The built-ins register themselves through :func:`feature` (defined above).
import bot.scoring.extractors  # noqa: E402,F401
