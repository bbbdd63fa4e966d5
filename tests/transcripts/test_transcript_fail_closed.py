"""Rasa carries on with no event broker when the configured class cannot be loaded;
Candor must notice and refuse to serve (E003).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.runtime.fail_closed import violations


def _broker(type_: str) -> Any:
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    return asyncio.run(EventBroker.create(EndpointConfig(type=type_)))


def _agent(broker: Any) -> Any:
    """An agent as Rasa wraps it: the store inside a fail-safe wrapper."""
    inner = SimpleNamespace(event_broker=broker)
    return SimpleNamespace(tracker_store=SimpleNamespace(_tracker_store=inner), nlg=None)


def _broker_problems(agent: Any) -> list[str]:
    return [v for v in violations(agent) if "event broker" in v]


def test_a_misspelt_broker_class_is_a_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broker = _broker("bot.runtime.brokers.TranscriptEventBrokr")
    assert broker is None  # what Rasa 3.6 does: no broker, no error
    [problem] = _broker_problems(_agent(broker))
    assert problem.startswith("E003 Refusing to serve: the event broker Rasa created is NoneType")


def test_rasas_plain_brokers_are_violations_too(tmp_path: Path) -> None:
    from rasa.core.brokers.file import FileEventBroker

    assert _broker_problems(_agent(FileEventBroker(str(tmp_path / "events.log"))))


def test_candors_brokers_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    broker = _broker("bot.runtime.brokers.TranscriptEventBroker")
    assert type(broker).__name__ == "TranscriptEventBroker"
    assert _broker_problems(_agent(broker)) == []
