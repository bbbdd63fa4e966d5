"""Detect once: after the NLU pipeline has checked a message, no later stage runs NER on it.

The tracker store, the transcript writer, a second pass (RabbitMQ broker) and the log filter
must apply the spans already found; this suite fails if any of them calls the spaCy model on
text that was already checked, and also proves nothing raw survives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.compliance import redaction
from bot.compliance.checked_texts import CHECKED
from bot.compliance.known_values import KNOWN
from bot.nlu.compliance_detector import ComplianceDetector
from bot.transcripts.db import Database
from bot.transcripts.redact_events import redact_event
from bot.transcripts.writer import TranscriptWriter

NAME = "Jonathan Whitfield"
CARD = "4111 1111 1111 1111"
MESSAGE = f"hi, I am {NAME} and my card {CARD} was taken"


@pytest.fixture
def ner_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text the spaCy model is run on, from now on."""
    calls: list[str] = []
    real = redaction.nlp_artifacts

    def counting(text: str) -> Any:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(redaction, "nlp_artifacts", counting)
    KNOWN.clear()
    CHECKED.clear()
    yield calls
    KNOWN.clear()
    CHECKED.clear()


def user_event(text: str, section: dict[str, Any] | None) -> dict[str, Any]:
    parse_data: dict[str, Any] = {"text": text, "intent": {"name": "faq", "confidence": 0.9},
                                  "entities": []}
    if section is not None:
        parse_data["compliance"] = section
    return {"event": "user", "timestamp": 1.0, "text": text, "parse_data": parse_data,
            "input_channel": "rest", "metadata": {}}


def test_a_checked_message_is_redacted_from_its_spans_without_ner(ner_calls: list[str]) -> None:
    section = ComplianceDetector(ComplianceDetector.get_default_config()).section(MESSAGE)
    assert len(ner_calls) == 1  # the pipeline's one run
    assert {s["entity_type"] for s in section["pii_spans"]} >= {"PERSON", "CARD_NUMBER"}
    stored = redact_event(user_event(MESSAGE, dict(section)))  # tracker store
    again = redact_event(stored)  # transcript writer / RabbitMQ broker
    bot = redact_event({"event": "bot", "timestamp": 2.0, "text": f"Thanks {NAME}.",
                        "metadata": {"utter_action": "utter_thanks"}})
    assert len(ner_calls) == 1
    assert again == stored
    for text in (stored["text"], stored["parse_data"]["text"], bot["text"]):
        assert NAME not in text and CARD not in text
    assert "<PERSON>" in stored["text"] and "<CARD_NUMBER>" in stored["text"]
    assert bot["text"] == "Thanks <PERSON>."


def test_the_writer_does_not_detect_again(ner_calls: list[str], db: Database) -> None:
    section = ComplianceDetector(ComplianceDetector.get_default_config()).section(MESSAGE)
    stored = redact_event(user_event(MESSAGE, dict(section)))
    before = len(ner_calls)
    TranscriptWriter(db).write({**stored, "sender_id": "detect-once-1"})
    assert len(ner_calls) == before


def test_an_unchecked_message_is_still_redacted_with_ner(ner_calls: list[str]) -> None:
    stored = redact_event(user_event(MESSAGE, None))
    assert len(ner_calls) == 1
    assert NAME not in stored["text"] and CARD not in stored["text"]
    failed = redact_event(user_event(MESSAGE, {"hits": [], "error": "E203"}))
    assert NAME not in failed["text"]


def test_spans_that_do_not_fit_the_text_are_not_trusted(ner_calls: list[str]) -> None:
    bogus = {"hits": [], "pii_spans": [{"start": 0, "end": 999, "entity_type": "PERSON"}]}
    stored = redact_event(user_event(MESSAGE, bogus))
    assert NAME not in stored["text"] and len(ner_calls) == 1


def test_log_lines_quoting_a_checked_message_need_no_ner(
    ner_calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    from bot.compliance.log_redaction import RedactingFilter

    ComplianceDetector(ComplianceDetector.get_default_config()).section(MESSAGE)
    record = logging.LogRecord("candor.test", logging.INFO, __file__, 1,
                               "customer said %s", (MESSAGE,), None)
    RedactingFilter().filter(record)
    assert len(ner_calls) == 1
    assert NAME not in record.getMessage() and CARD not in record.getMessage()


def test_no_response_renders_a_free_text_slot() -> None:
    """Bot texts are redacted without NER because no template can echo what a customer typed."""
    import re

    import yaml

    from bot.paths import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    free_text = {name for name, slot in domain["slots"].items()
                 if slot.get("type") in ("text", "any")}
    assert {"dispute_what", "dispute_when", "dispute_amount"} <= free_text
    used = {m for variants in domain["responses"].values() for v in variants
            for m in re.findall(r"{(\w+)}", str(v.get("text", "")))}
    assert not used & free_text


def test_rasas_own_event_metadata_costs_no_ner(ner_calls: list[str]) -> None:
    ComplianceDetector(ComplianceDetector.get_default_config()).section(MESSAGE)
    action = redact_event({"event": "action", "name": "utter_greet", "policy": "RulePolicy",
                           "metadata": {"model_id": "abc123", "assistant_id": "candor",
                                        "note": f"for {NAME}"}})
    slot = redact_event({"event": "slot", "name": "dispute_what", "value": f"paid {NAME}"})
    assert NAME not in str(action) and NAME not in str(slot)
    assert len(ner_calls) == 2  # the pipeline's run, and the slot value (a form answer)


def test_a_form_answer_that_is_the_checked_message_costs_no_ner(ner_calls: list[str]) -> None:
    ComplianceDetector(ComplianceDetector.get_default_config()).section(MESSAGE)
    slot = redact_event({"event": "slot", "name": "dispute_what", "value": MESSAGE})
    assert len(ner_calls) == 1  # only the pipeline's run
    assert NAME not in slot["value"] and CARD not in slot["value"]
    assert "<PERSON>" in slot["value"] and "<CARD_NUMBER>" in slot["value"]


def test_customer_metadata_repeated_on_every_event_is_checked_once(ner_calls: list[str]) -> None:
    metadata = {"model_id": "6fb781ec4a40", "assistant_id": "candor", "note": f"from {NAME}"}
    stored = [redact_event({**user_event(f"message {i}", None), "metadata": dict(metadata)})
              for i in range(3)]
    assert len(ner_calls) == 3 + 3  # each new message text, and each metadata string once
    for event in stored:
        assert NAME not in str(event) and event["metadata"]["note"] == "from <PERSON>"
