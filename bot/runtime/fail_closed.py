"""Refuse to serve unless Rasa really runs Candor's redacting components.

Rasa 3.6 silently falls back to an in-memory tracker store when a configured class cannot be
loaded (and to no event broker when a broker cannot be created). For a compliance product
that would switch redaction off without anyone noticing, so the Rasa server checks the agent
it actually built against :data:`REQUIRED` after start-up and stops if anything differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rasa.shared.utils.common import class_from_module_path

from bot.errors import Errors


def _unwrap_tracker_store(agent: Any) -> Any:
    """Rasa wraps the configured store in FailSafe/Awaitable wrappers: look through them."""
    store = agent.tracker_store
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


@dataclass(frozen=True)
class Requirement:
    """A component of the running agent and the class it must be an instance of."""

    component: str
    get: Callable[[Any], Any]
    expected: str  # dotted class path, imported only when checking


REQUIRED: tuple[Requirement, ...] = (
    Requirement(
        "tracker store",
        _unwrap_tracker_store,
        "bot.transcripts.tracker_store.RedactingSQLTrackerStore",
    ),
    Requirement(
        "event broker",
        lambda agent: getattr(_unwrap_tracker_store(agent), "event_broker", None),
        "bot.runtime.brokers.RedactingEventBroker",
    ),
    Requirement("NLG", lambda agent: agent.nlg, "bot.nlg.generator.CandorNLG"),
)


def violations(agent: Any, endpoints_file: str = "endpoints.yml") -> list[str]:
    """Return one E003 message per component that is not Candor's (empty list: safe)."""
    problems = []
    for req in REQUIRED:
        actual = req.get(agent)
        if not isinstance(actual, class_from_module_path(req.expected)):
            problems.append(
                Errors.E003.format(
                    component=req.component,
                    actual=type(actual).__name__,
                    expected=req.expected,
                    endpoints=endpoints_file,
                )
            )
    return problems
