"""Texts this process has already run the full detector set on, with what was found (memory only).

Detect once, for text that comes back: a form answer is the customer message the NLU pipeline
has just checked, stored again as a slot value; Rasa stamps every customer event with the same
model and assistant ids, and a stored event passes the tracker store and then the transcript
writer. Such a string is redacted from the spans found the first time instead of by the NER
model again (under load that NER was a tenth of a Rasa worker's samples, README benchmarks).
Like :mod:`bot.compliance.known_values` the table is bounded, expires and is never written
anywhere; it keeps only the texts themselves in memory, as the process already does.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from bot.compliance.contract import PiiSpan


class CheckedTexts:
    """A bounded, expiring text -> PII spans table."""

    def __init__(self, capacity: int = 4096, ttl_seconds: float = 900.0) -> None:
        self.capacity = capacity
        self.ttl = ttl_seconds
        self._spans: OrderedDict[str, tuple[tuple[PiiSpan, ...], float]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, text: str, spans: Sequence[PiiSpan], now: float | None = None) -> None:
        """Record that ``text`` was checked with every PII detector and ``spans`` is the result."""
        expiry = (time.monotonic() if now is None else now) + self.ttl
        with self._lock:
            self._spans[text] = (tuple(spans), expiry)
            self._spans.move_to_end(text)
            while len(self._spans) > self.capacity:
                self._spans.popitem(last=False)

    def spans(self, text: str, now: float | None = None) -> list[PiiSpan] | None:
        """The spans found when ``text`` was checked, or None if it was not (or long ago)."""
        with self._lock:
            entry = self._spans.get(text)
            if entry is None:
                return None
            if entry[1] <= (time.monotonic() if now is None else now):
                del self._spans[text]
                return None
            return list(entry[0])

    def __len__(self) -> int:
        return len(self._spans)

    def clear(self) -> None:
        """Forget everything (tests; a process that wants a clean slate)."""
        with self._lock:
            self._spans.clear()


#: The process-wide table the NLU detector and full redactions fill and ``redact_text`` reads.
CHECKED = CheckedTexts()
