"""``candor transcripts replay``: the tracker store is the durable log; replaying fills gaps."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main


async def _save_without_broker(sender: str) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    from bot.transcripts.tracker_store import RedactingSQLTrackerStore

    store = RedactingSQLTrackerStore(Domain.load("domain.yml"))  # no broker: the writer missed it
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in (ActionExecuted("action_session_start"), SessionStarted(),
                  UserUttered("what is an IRA?", {"name": "faq", "confidence": 0.9}),
                  ActionExecuted("utter_faq"),
                  BotUttered("An IRA is ...", metadata={"utter_action": "utter_faq",
                                                        "compliance_rules": ["rate-disclaimer"]})):
        tracker.update(event)
    await store.save(tracker)


def test_replay_fills_gaps_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from bot.transcripts.repository import conversations_of

    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    monkeypatch.delenv("CANDOR_TRANSCRIPTS_URL", raising=False)
    asyncio.run(_save_without_broker("replayed"))
    assert conversations_of("replayed") == []
    assert main(["transcripts", "replay"]) == 0
    assert "5 were missing" in capsys.readouterr().out
    [record] = conversations_of("replayed")
    assert [t["role"] for t in record["turns"]] == ["user", "bot"]
    assert record["turns"][1]["rule_ids"] == ["rate-disclaimer"]
    assert main(["transcripts", "replay"]) == 0
    assert "0 were missing" in capsys.readouterr().out
