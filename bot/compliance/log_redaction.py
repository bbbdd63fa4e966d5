"""Keep raw PII out of every log record, whoever logs it and whichever handler writes it.

Two layers, both idempotent:

* :class:`RedactingFilter` on each root-logger handler (:func:`install_log_redaction`, or
  :func:`add_redaction_filter` for any handler). Filters sit on *handlers*, not loggers,
  because logger filters do not see records propagated from child loggers.
* A log-record factory that redacts at record creation, so handlers that Rasa or Sanic add
  *after* start-up are covered too. It only runs for records that pass the level check.

The record's message is rendered (``msg % args``), redacted, and stored back with ``args``
cleared, so a formatter cannot re-insert a raw argument; exception and stack text are redacted
the same way. If redaction fails the message becomes an E106 notice (fail closed). Records
logged *during* redaction (Presidio's own debug logs quote the text it analyses) are dropped by
the filter; a handler that only the record factory covers shows them as :data:`WITHHELD`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from bot.errors import Errors

Redactor = Callable[[str], str]
WITHHELD = "<log record emitted during redaction withheld>"
#: Redacted once by :func:`install_log_redaction` to build the detectors before serving.
WARM_UP_LINE = "warm-up: card 4111 1111 1111 1111, phone (212) 555-0199, IBAN GB82 WEST 1234 5698 7654 32"
_state = threading.local()
_factory_lock = threading.Lock()


def _default_redactor(text: str) -> str:
    """Values the NLU already found in recent messages, then the pattern detectors.

    No NER per log line (it would cost milliseconds each and slow every conversation): a log
    line that quotes a customer's message holds the values the pipeline found in it.
    """
    from bot.compliance.redaction import redact_known_and_patterns

    return redact_known_and_patterns(text)


def redact_record(record: logging.LogRecord, redactor: Redactor) -> None:
    """Rewrite ``record`` in place: redacted message, no args, redacted exception text."""
    if getattr(record, "candor_redacted", False):
        return
    record.candor_redacted = True
    if getattr(_state, "active", False):
        _clear(record, WITHHELD)
        record.candor_withheld = True
        return
    _state.active = True
    try:
        record.msg = redactor(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = redactor(record.stack_info)
    except Exception as e:  # noqa: BLE001 - fail closed, whatever went wrong
        _clear(record, Errors.E106.format(cause=type(e).__name__))
    finally:
        _state.active = False


def _clear(record: logging.LogRecord, message: str) -> None:
    record.msg, record.args = message, None
    record.exc_info = record.exc_text = record.stack_info = None


class RedactingFilter(logging.Filter):
    """Redacts each record it sees (see :func:`redact_record`)."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__(name="")
        self.redactor = redactor or _default_redactor

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; drop only records logged during redaction."""
        redact_record(record, self.redactor)
        return not getattr(record, "candor_withheld", False)


class _RedactingRecordFactory:
    """Wraps the current record factory; marks itself so it is installed only once."""

    def __init__(self, inner: Callable[..., logging.LogRecord], redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.inner(*args, **kwargs)
        redact_record(record, self.redactor)
        return record


def add_redaction_filter(handler: logging.Handler, redactor: Redactor | None = None) -> bool:
    """Attach a :class:`RedactingFilter` to ``handler`` unless it has one; True if added."""
    if any(isinstance(f, RedactingFilter) for f in handler.filters):
        return False
    handler.addFilter(RedactingFilter(redactor))
    return True


def install_record_factory(redactor: Redactor | None = None) -> bool:
    """Redact every record at creation (idempotent); True if installed by this call."""
    with _factory_lock:
        current = logging.getLogRecordFactory()
        if isinstance(current, _RedactingRecordFactory):
            return False
        logging.setLogRecordFactory(
            _RedactingRecordFactory(current, redactor or _default_redactor)
        )
        return True


def install_log_redaction(redactor: Redactor | None = None, *, record_factory: bool = True
                          ) -> int:
    """Filter every root-logger handler, and (by default) redact at record creation.

    The default redactor's detectors are built here, before the process serves: built by the
    first log line instead, they imported Presidio (and so spaCy and TensorFlow) inside a
    request, seconds in which an action call ran out of time. Idempotent; returns how many
    handler filters this call added.
    """
    if redactor is None:
        _default_redactor(WARM_UP_LINE)
    if record_factory:
        install_record_factory(redactor)
    return sum(add_redaction_filter(h, redactor) for h in logging.getLogger().handlers)


def uninstall_record_factory() -> None:
    """Undo :func:`install_record_factory` (tests)."""
    with _factory_lock:
        current = logging.getLogRecordFactory()
        if isinstance(current, _RedactingRecordFactory):
            logging.setLogRecordFactory(current.inner)
