"""Every sentence of the PII dev set, logged through Candor's real log redaction.

Logs get no NER per line (detect once): they are redacted with the values the NLU pipeline
found in recent messages (``KNOWN``) plus the pattern detectors. So:

* with nothing remembered, the pattern detectors alone must leave no card number, IBAN, SSN,
  account number or email in clear, and at most 2% of phone numbers;
* after the pipeline has seen the message (as in production), a log line must not show any
  labelled value that the stored, redacted message hides.

Data: Presidio's synthetic dev split in ``../shared/data/pii`` (MIT), read only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.bench.guardrails import DEFAULT_DATA, load_samples, messages
from bot.bench.pii_scoring import Scores, count_leaks, gold_spans
from bot.compliance.known_values import KNOWN
from bot.compliance.log_redaction import install_log_redaction, uninstall_record_factory
from bot.compliance.redaction import analyze, pii_spans, redact_spans

PATTERN_TYPES = ("CARD_NUMBER", "IBAN", "US_SSN", "BANK_ACCOUNT", "EMAIL_ADDRESS")


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def dev_messages() -> list[tuple[str, list[dict]]]:
    if not DEFAULT_DATA.exists():
        pytest.skip(f"PII dev set not found at {DEFAULT_DATA}")
    return [m for sample in load_samples(DEFAULT_DATA) for m in messages(sample)]


@pytest.fixture
def logged() -> Iterator[ListHandler]:
    root, handler = logging.getLogger(), ListHandler()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    install_log_redaction()
    KNOWN.clear()
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)
    uninstall_record_factory()
    KNOWN.clear()


def test_pattern_detectors_alone_leave_no_number_or_email_in_logs(
    dev_messages: list[tuple[str, list[dict]]], logged: ListHandler
) -> None:
    log, scores, leaks, phones = logging.getLogger("candor.test.devset"), Scores(), [], 0
    for text, spans in dev_messages:
        log.info("%s", text)
        gold, _ = gold_spans(spans)
        phones += sum(g.entity_type == "PHONE_NUMBER" for g in gold)
        leaks += [text[g.start:g.end] for g in count_leaks(text, logged.lines[-1], gold, scores)
                  if g.entity_type in PATTERN_TYPES]
    assert len(logged.lines) == len(dev_messages)
    assert not leaks, json.dumps(leaks[:5], ensure_ascii=False)
    assert phones > 20 and scores.per_type["PHONE_NUMBER"].leaked <= 0.02 * phones


def test_a_log_line_never_shows_what_the_stored_message_hides(
    dev_messages: list[tuple[str, list[dict]]], logged: ListHandler
) -> None:
    log = logging.getLogger("candor.test.devset")
    worse = []
    for text, spans in dev_messages:
        found = pii_spans(analyze(text))  # the NLU pipeline, once per message
        KNOWN.remember(text, found)
        log.info("customer said: %s", text)
        line = logged.lines[-1].removeprefix("customer said: ")
        gold, _ = gold_spans(spans)
        stored_text = redact_spans(text, found)  # what the tracker store keeps
        stored = {(g.start, g.end) for g in count_leaks(text, stored_text, gold, Scores())}
        worse += [text[g.start:g.end] for g in count_leaks(text, line, gold, Scores())
                  if (g.start, g.end) not in stored]
    assert not worse, json.dumps(worse[:5], ensure_ascii=False)
