"""When the action server goes away the customer still gets the AI disclosure and a clear
error instead of silence, and the conversation recovers when it is back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.paths import CandorHome
from bot.runtime.services import product_services, product_supervisor
from tests.conftest import free_ports
from tests.e2e.chat import Chat, post_json

pytestmark = pytest.mark.slow


def test_rasa_without_its_action_server(tmp_path: Path, trained_model: Path) -> None:
    ports = free_ports()
    home = CandorHome(tmp_path / "home").ensure()
    supervisor = product_supervisor(home, ports)
    specs = {spec.name: spec for spec in product_services(home, ports, trained_model)}
    actions, rasa, gateway = specs["actions"], specs["rasa"], specs["gateway"]
    try:
        supervisor.start(rasa)  # no action server yet
        supervisor.start(gateway)
        chat = Chat(ports)
        replies = chat >> "hello"
        assert replies[0]["metadata"]["response"] == "utter_ai_disclosure"
        status, body = post_json(chat.url, {"sender": chat.sender, "message": "I want to complain"})
        assert (status, body["error"]["code"]) == (503, "E026")
        supervisor.start(actions)
        assert (chat >> "I want to complain")[0]["metadata"]["response"] == "utter_complaint_ack"
    finally:
        supervisor.stop()
