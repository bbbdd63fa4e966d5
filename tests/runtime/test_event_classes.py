"""Stored events resolve to the same classes with the table as with Rasa's class walk."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot.runtime import event_classes


def test_every_event_name_resolves_to_rasas_class() -> None:
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert event_classes.resolve_by_type(name) is event_classes._RASA_RESOLVE(name)


def test_unknown_names_behave_as_in_rasa() -> None:
    assert event_classes.resolve_by_type("topic") is None
    assert event_classes.resolve_by_type("no-such-event", Event) is Event
    with pytest.raises(ValueError, match="Unknown event name"):
        event_classes.resolve_by_type("no-such-event")


def test_installed_events_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import SlotSet, UserUttered

    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])  # restored after
    event_classes.install()
    assert Event.resolve_by_type is event_classes.resolve_by_type
    for event in (UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("x", "y")):
        assert Event.from_parameters(event.as_dict()) == event
