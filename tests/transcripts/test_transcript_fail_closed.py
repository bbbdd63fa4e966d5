"""Rasa carries on with no event broker when the configured class cannot be loaded;
Candor must notice and refuse to serve (E003).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.fail_closed import violations


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
    broker = _broker("bot.transcripts.broker.TranscriptEventBrokr")
    assert broker is None  # what Rasa 3.6 does: no broker, no error
    [problem] = _broker_problems(_agent(broker))
    assert problem.startswith("E003 Refusing to serve: the event broker Rasa created is NoneType")


def test_rasas_plain_brokers_are_violations_too(tmp_path: Path) -> None:
    from rasa.core.brokers.file import FileEventBroker

    assert _broker_problems(_agent(FileEventBroker(str(tmp_path / "events.log"))))


def test_candors_brokers_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANDOR_HOME", str(tmp_path))
    broker = _broker("bot.transcripts.broker.TranscriptEventBroker")
    assert type(broker).__name__ == "TranscriptEventBroker"
    assert _broker_problems(_agent(broker)) == []


@pytest.mark.slow
def test_a_misspelt_broker_stops_the_real_server(tmp_path: Path, trained_model: Path) -> None:
    from bot.errors import CandorError
    from bot.paths import PROJECT_ROOT, CandorHome, runtime_env
    from bot.services import product_env
    from bot.supervisor import ServiceSpec, Supervisor, candor_argv
    from tests.conftest import free_ports

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text((PROJECT_ROOT / "endpoints.yml").read_text().replace(
        "broker.TranscriptEventBroker", "broker.TranscriptEventBrokr"))
    ports = free_ports()
    home = CandorHome(tmp_path / "home").ensure()
    supervisor = Supervisor(product_env(runtime_env(home), ports), home.logs, PROJECT_ROOT)
    spec = ServiceSpec(
        "rasa",
        candor_argv("serve", "rasa", "--model", str(trained_model), "--port", str(ports.rasa),
                    "--endpoints", str(endpoints), "--credentials",
                    str(PROJECT_ROOT / "credentials.yml")),
        ports.url(ports.rasa, "/webhooks/rest/"), startup_seconds=300,
    )
    try:
        code = supervisor.start(spec).process.wait(timeout=120)
    except CandorError as err:
        code = int(re.search(r"E005 rasa exited with code (-?\d+)", str(err))[1])  # type: ignore[index]
    finally:
        supervisor.stop()
    assert code == 3
    assert "E003 Refusing to serve: the event broker Rasa created is NoneType" in (
        home.logs / "rasa.log").read_text()
