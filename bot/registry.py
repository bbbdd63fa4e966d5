"""One registry per extension kind, with versioned names (``pii.card_number.v1``).

Modelled on catalogue / spaCy's ``registry.*``: the rulebook (``compliance.yml``) refers to
extensions by name, so behaviour changes by registering a ``.v2`` under a new name and old rule
files keep meaning what they said. Re-registering a taken name is an error (E102) rather than
a silent override, and a miss lists every available name (E101).

Registration happens at import time of the module that defines the extension; each registry
knows which modules hold its built-ins and imports them lazily on first lookup, so
``registry.detectors.get("pii.iban.v1")`` works without the caller importing anything first.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from bot.errors import CandorError, Errors

T = TypeVar("T")

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.v[0-9]+$")


class Registry(Generic[T]):
    """A name -> object table for one kind of extension."""

    def __init__(self, kind: str, builtin_modules: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self._builtin_modules = builtin_modules
        self._entries: dict[str, T] = {}
        self._builtins: dict[str, T] = {}  # entries of the built-in modules, kept across restores
        self._loaded = False

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator registering ``obj`` under ``name`` (must end in ``.vN``)."""

        def decorator(obj: T) -> T:
            self.add(name, obj)
            return obj

        return decorator

    def add(self, name: str, obj: T) -> None:
        """Register ``obj``; a taken name raises E102 unless it is the very same object."""
        if not NAME_PATTERN.match(name):
            raise CandorError(Errors.E107.format(kind=self.kind, name=name))
        existing = self._entries.get(name)
        if existing is not None and existing is not obj:
            raise CandorError(
                Errors.E102.format(kind=self.kind, name=name, existing=_describe(existing))
            )
        self._entries[name] = obj
        if getattr(obj, "__module__", None) in self._builtin_modules:
            self._builtins[name] = obj

    def get(self, name: str) -> T:
        """The object registered as ``name``; E101 lists the available names on a miss."""
        self._load_builtins()
        try:
            return self._entries[name]
        except KeyError:
            available = ", ".join(sorted(self._entries)) or "(none)"
            raise CandorError(
                Errors.E101.format(kind=self.kind, name=name, available=available)
            ) from None

    def names(self) -> tuple[str, ...]:
        """Every registered name, sorted."""
        self._load_builtins()
        return tuple(sorted(self._entries))

    def __contains__(self, name: object) -> bool:
        self._load_builtins()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def snapshot(self) -> dict[str, T]:
        """A copy of the table, for tests that register temporary entries."""
        self._load_builtins()
        return dict(self._entries)

    def restore(self, snapshot: dict[str, T]) -> None:
        """Put back a table taken with :meth:`snapshot` (built-ins stay: modules import once)."""
        self._entries = {**self._builtins, **snapshot}

    def _load_builtins(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for module in self._builtin_modules:
            importlib.import_module(module)


def _describe(obj: object) -> str:
    module = getattr(obj, "__module__", "?")
    return f"{module}.{getattr(obj, '__qualname__', type(obj).__name__)}"


# The registries. Values are classes or factories; each kind's contract lives with its users.
detectors: Registry[type] = Registry(
    "detector",
    ("bot.compliance.detectors", "bot.compliance.signals", "bot.compliance.signals_v2",
     "bot.compliance.signal_requests", "bot.compliance.signal_requests_v2",
     "bot.compliance.signal_questions", "bot.compliance.signals_v3",
     "bot.compliance.signals_v4", "bot.compliance.signal_requests_v3",
     "bot.compliance.signal_silencers_v2", "bot.compliance.signal_requests_v4",
     "bot.compliance.vulnerability_v4"),
)
redaction_operators: Registry[type] = Registry(
    "redaction operator", ("bot.compliance.operators",)
)
disclaimers: Registry[object] = Registry("disclaimer")
csat_features: Registry[object] = Registry("CSAT feature", ("bot.scoring.extractors",))
nlg_variant_selectors: Registry[object] = Registry(
    "NLG variant selector", ("bot.nlg.experiments",)
)
#: Where the NLG reads approved response versions from (a factory of a loader function).
response_sources: Registry[object] = Registry("response source", ("bot.transcripts.response_store",))

ALL: tuple[Registry[Any], ...] = (
    detectors,
    redaction_operators,
    disclaimers,
    csat_features,
    nlg_variant_selectors,
    response_sources,
)
