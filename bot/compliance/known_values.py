"""Personal data already found in this process's recent customer messages, kept in memory only.

Detect once: the NLU pipeline finds a message's personal data (``pii_spans``); later text in
the same process that may quote it (a log line, a bot message, an error) is redacted by value
with this table plus the pattern detectors, never by running the NER model again. The table is
bounded (``capacity`` values, each forgotten after ``ttl_seconds``), lives only in memory and is
never written anywhere: it exists so that nothing else has to hold the values.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from bot.compliance.contract import PiiSpan

MIN_CHARS = 3  # shorter fragments ("Al") would blank ordinary words in every line


class KnownValues:
    """A bounded, expiring value -> entity type table with one compiled matcher."""

    def __init__(self, capacity: int = 4096, ttl_seconds: float = 900.0) -> None:
        self.capacity = capacity
        self.ttl = ttl_seconds
        self._values: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()
        # Built lazily from ``_values`` and dropped whenever it changes.
        self._matcher: re.Pattern[str] | None = None
        self._types: dict[str, str] = {}

    def remember(self, text: str, spans: Sequence[PiiSpan], now: float | None = None) -> None:
        """Keep the values ``spans`` cover in ``text`` (whitespace runs normalised)."""
        expiry = (time.monotonic() if now is None else now) + self.ttl
        with self._lock:
            for span in spans:
                value = text[span["start"]:span["end"]].strip()
                if len(value) >= MIN_CHARS:
                    self._values[value] = (span["entity_type"], expiry)
                    self._values.move_to_end(value)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)
            self._matcher = None

    def redact(self, text: str, now: float | None = None) -> str:
        """Replace every remembered value in ``text`` with ``<ENTITY_TYPE>``."""
        if not text:
            return text
        with self._lock:
            self._expire(time.monotonic() if now is None else now)
            if not self._values:
                return text
            if self._matcher is None:
                self._compile()
            matcher, types = self._matcher, self._types
        assert matcher is not None
        return matcher.sub(lambda m: f"<{types.get(m.group(0), 'PII')}>", text)

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        """Forget everything (tests; a process that wants a clean slate)."""
        with self._lock:
            self._values.clear()
            self._matcher = None

    def _expire(self, now: float) -> None:
        expired = [v for v, (_, expiry) in self._values.items() if expiry <= now]
        for value in expired:
            del self._values[value]
        if expired:
            self._matcher = None

    def _compile(self) -> None:
        # Longest first, so "4111 1111 1111 1111" wins over a remembered "4111 1111".
        values = sorted(self._values, key=len, reverse=True)
        self._matcher = re.compile("|".join(rf"(?<!\w){re.escape(v)}(?!\w)" for v in values))
        self._types = {value: entity for value, (entity, _) in self._values.items()}


#: The process-wide table the NLU detector fills and the log filter and event redaction read.
KNOWN = KnownValues()
