"""Seed known personal data through the real tracker store and broker; find it nowhere.

Rasa's own save path is used (``RedactingSQLTrackerStore.save`` streaming to
``TranscriptEventBroker``), then every file under ``CANDOR_HOME`` (databases, WAL files,
logs, an export), every row of every table of both databases, and all captured log output
are scanned for the raw values.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select

from bot.cli import main
from bot.settings import candor_home

SECRETS = {
    "card": "4111 1111 1111 1111",
    "card_compact": "4111111111111111",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "ssn": "219-09-9999",
    "email": "jane.doe@example.com",
    "phone": "(212) 555-0199",
    "name": "Jonathan Whitfield",
    "address": "42 Baker Street",
}
MESSAGES = [
    f"hi, my name is {SECRETS['name']}",
    f"card {SECRETS['card']} and email {SECRETS['email']}, ssn {SECRETS['ssn']}",
    f"my IBAN is {SECRETS['iban']}, call me on {SECRETS['phone']}",
    f"I live at {SECRETS['address']}, London; the card number is {SECRETS['card_compact']}",
]


async def _chat(sender: str) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        BotUttered,
        SessionStarted,
        SlotSet,
        UserUttered,
    )

    from bot.runtime.brokers import TranscriptEventBroker
    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    domain = Domain.load("domain.yml")
    broker = TranscriptEventBroker()
    store = RedactingSQLTrackerStore(domain, event_broker=broker)
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    await store.save(tracker)
    for text in MESSAGES:
        tracker = await store.retrieve(sender)
        assert tracker is not None
        tracker.update(UserUttered(text, {"name": "faq", "confidence": 0.9},
                                   parse_data={"text": text, "intent": {"name": "faq"}},
                                   input_channel="rest"))
        tracker.update(ActionExecuted("utter_faq"))
        tracker.update(SlotSet("dispute_what", text))
        tracker.update(BotUttered(f"I noted {text}", metadata={"utter_action": "utter_faq"}))
        await store.save(tracker)
        logging.getLogger("candor.test").info("customer said %s", text)
    assert broker.flush()  # the writer thread stored every event


def _hits(content: str) -> list[str]:
    return [name for name, raw in SECRETS.items() if raw.lower() in content.lower()]


def test_seeded_personal_data_is_nowhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.compliance.log_redaction import install_log_redaction, uninstall_record_factory

    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    monkeypatch.delenv("CANDOR_TRANSCRIPTS_URL", raising=False)
    home = candor_home().ensure()
    handler = logging.FileHandler(home.logs / "test.log")
    logging.getLogger().addHandler(handler)
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    try:
        asyncio.run(_chat("pii-customer"))
        assert main(["transcripts", "export", "--out", str(home.root / "export.jsonl")]) == 0
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        uninstall_record_factory()

    exported = (home.root / "export.jsonl").read_text()
    assert "<CARD_NUMBER>" in exported and exported.count('"role": "user"') == len(MESSAGES)
    for path in sorted(home.root.rglob("*")):
        if path.is_file():
            assert _hits(path.read_bytes().decode("utf-8", "ignore")) == [], path
    for db_file in (home.tracker_db, home.db / "transcripts.sqlite"):
        engine = create_engine(f"sqlite:///{db_file}", future=True)
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                rows = conn.execute(select(table)).all()
                assert _hits(" ".join(map(str, rows))) == [], (db_file.name, table.name)
        engine.dispose()
    assert _hits(caplog.text) == []


def test_user_message_metadata_inside_parse_data_is_redacted() -> None:
    from rasa.shared.core.events import UserUttered

    from bot.transcripts.redact_events import redact_event

    text = f"card {SECRETS['card']}"
    event = UserUttered(text, {"name": "faq"}, parse_data={"text": text}, metadata={"note": text})
    assert _hits(str(redact_event(event.as_dict()))) == []
