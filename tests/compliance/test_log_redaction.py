import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.compliance.log_redaction import (
    WITHHELD,
    RedactingFilter,
    add_redaction_filter,
    install_log_redaction,
    install_record_factory,
    uninstall_record_factory,
)


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def root_handler() -> Iterator[ListHandler]:
    root = logging.getLogger()
    handler = ListHandler()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)
    uninstall_record_factory()


def test_args_and_exceptions_are_redacted(root_handler: ListHandler) -> None:
    assert install_log_redaction(record_factory=False) >= 1
    log = logging.getLogger("candor.test.child")
    log.info("user %s said %r", "ann.lee@example.com", "card 4111 1111 1111 1111")
    try:
        raise ValueError("bad ssn 219-09-9999")
    except ValueError:
        log.exception("failed for %s", "(212) 555-0199")
    text = "\n".join(root_handler.lines)
    for raw in ("ann.lee@example.com", "4111 1111 1111 1111", "219-09-9999", "555-0199"):
        assert raw not in text
    assert "<EMAIL_ADDRESS>" in text and "<CARD_NUMBER>" in text and "<US_SSN>" in text
    assert "ValueError" in text


def test_install_is_idempotent(root_handler: ListHandler) -> None:
    install_log_redaction()
    assert install_log_redaction() == 0
    assert install_record_factory() is False
    assert sum(isinstance(f, RedactingFilter) for f in root_handler.filters) == 1
    handler = ListHandler()
    assert add_redaction_filter(handler) is True
    assert add_redaction_filter(handler) is False


def test_record_factory_covers_handlers_added_later(root_handler: ListHandler) -> None:
    install_log_redaction()
    logging.getLogger().setLevel(logging.INFO)
    late = ListHandler()
    logging.getLogger().addHandler(late)
    try:
        logging.getLogger("rasa.late").warning("slot value %s", "iban GB82 WEST 1234 5698 7654 32")
    finally:
        logging.getLogger().removeHandler(late)
    assert late.lines == ["slot value iban <IBAN>"]


def test_factory_marks_records_logged_during_redaction(root_handler: ListHandler) -> None:
    install_log_redaction()
    late = ListHandler()
    logging.getLogger().addHandler(late)
    try:
        logging.getLogger("rasa.late").info("iban %s", "GB82 WEST 1234 5698 7654 32")
    finally:
        logging.getLogger().removeHandler(late)
    assert late.lines[-1] == "iban <IBAN>"
    assert all(line in (WITHHELD, "iban <IBAN>") for line in late.lines)  # Presidio's debug logs
    assert all("GB82" not in line for line in root_handler.lines)


def test_failing_redactor_withholds_the_message() -> None:
    def broken(text: str) -> str:
        raise RuntimeError("boom")

    handler = ListHandler()
    handler.addFilter(RedactingFilter(broken))
    log = logging.getLogger("candor.test.broken")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.error("ssn %s", "219-09-9999")
    finally:
        log.removeHandler(handler)
        log.propagate = True
    assert handler.lines == ["E106 Redaction failed (RuntimeError); the message was withheld instead of logged raw."]


def test_records_logged_during_redaction_are_withheld() -> None:
    inner = ListHandler()
    log = logging.getLogger("candor.test.inner")
    log.addHandler(inner)
    log.propagate = False

    def chatty(text: str) -> str:
        log.warning("analysing %s", text)  # like a library quoting its input
        return "clean"

    outer = ListHandler()
    outer.addFilter(RedactingFilter(chatty))
    inner.addFilter(RedactingFilter(chatty))
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "raw %s", ("219-09-9999",), None)
        outer.handle(record)
    finally:
        log.removeHandler(inner)
        log.propagate = True
    assert outer.lines == ["clean"]
    assert inner.lines == []  # dropped: it quoted the raw text


def test_installing_builds_the_detectors_before_the_first_record() -> None:
    """A server's first log line must not build them (and import Presidio) mid-request."""
    code = ("from bot.compliance import redaction\n"
            "from bot.compliance.log_redaction import install_log_redaction\n"
            "assert redaction.build_detectors.cache_info().currsize == 0\n"
            "install_log_redaction()\n"
            "assert redaction.build_detectors.cache_info().currsize == 1\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
