from __future__ import annotations

from bot.channels.labels import labelled


def test_every_message_is_labelled_ai_generated() -> None:
    out = labelled("abc", {"text": "hello", "utter_action": "utter_greet", "timestamp": 1.0,
                           "response_version": 2, "variant": "warm"})
    assert out == {
        "recipient_id": "abc",
        "text": "hello",
        "metadata": {"ai_generated": True, "compliance_rules": [], "response": "utter_greet",
                     "response_version": 2, "variant": "warm"},
    }


def test_compliance_rules_and_buttons_are_passed_on() -> None:
    message = {
        "text": "Hi",
        "buttons": [{"title": "Yes", "payload": "/affirm"}],
        "compliance_rules": ["ai-disclosure"],
        "image": None,
    }
    out = labelled("abc", message)
    assert out["buttons"] == [{"title": "Yes", "payload": "/affirm"}]
    assert out["metadata"]["compliance_rules"] == ["ai-disclosure"]
    assert "image" not in out


def test_internal_keys_do_not_leak_to_the_client() -> None:
    out = labelled("abc", {"text": "Hi", "utter_action": "utter_x", "template_name": "utter_x"})
    assert set(out) == {"recipient_id", "text", "metadata"}


def test_a_message_without_text_is_still_labelled() -> None:
    assert labelled("abc", {"custom": {"kind": "handoff"}})["metadata"]["ai_generated"] is True
