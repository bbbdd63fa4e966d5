"""The end-of-conversation survey actions, driven as Rasa SDK drives them, on a real database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.guardrails import ActionHandoff
from actions.session_start import ActionSessionStart
from actions.survey import (
    ActionAskCsat,
    ActionCsatComment,
    ActionCsatRating,
    faq_question,
    is_skip,
    parse_rating,
)
from bot.transcripts.repository import record_survey
from tests.web.surveys import seed_conversation, stored_surveys

SENDER = "survey-1"


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A transcript database with one recorded conversation, as the action server sees it."""
    url = f"sqlite:///{tmp_path / 'transcripts.sqlite'}"
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", url)
    seed_conversation(url, SENDER)
    return url


def tracker(text: str = "", intent: str = "goodbye", slots: dict[str, Any] | None = None,
            entities: list[dict[str, Any]] | None = None, topic: str | None = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent}, "entities": entities or [],
               "response_selector": selected(topic)}
    return Tracker(SENDER, slots or {}, message, [], False, None, {}, "action_listen")


def run(action: Action, t: Tracker) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    assert all(m["text"] is None for m in dispatcher.messages)  # approved text only, no echo
    return [m["response"] for m in dispatcher.messages], events


def survey_slot(events: list[dict[str, Any]]) -> Any:
    return [e["value"] for e in events if e.get("name") == "csat_survey"][-1]


def selected(topic: str | None) -> dict[str, Any]:
    return {"faq": {"response": {"intent_response_key": topic}}} if topic else {}


# fmt: off
QUESTIONS = [
    ("how do I activate my card", "faq", "faq/card_activate", "utter_faq/card_activate"),
    ("card activation was easy?", "faq", "faq/card_activate", "utter_faq/card_activate"),
    ("the card answer was quick and clear", "faq", "faq/card_activate", None),
    ("how nice", "thank", None, None),
]
RATINGS = [
    ({"entities": [{"entity": "csat_rating", "value": "4"}], "text": '/rate_chat{"csat_rating": "4"}'}, 4),
    ({"text": "I'd give it a 3"}, 3),
    ({"text": "five stars"}, 5),
    ({"text": "12 out of 10"}, None),
    ({"text": "meh"}, None),
    ({"entities": [{"entity": "csat_rating", "value": "9"}], "text": "/rate_chat"}, None),
]
SKIPS = [
    ({"text": "/deny", "intent": {"name": "deny"}}, True),
    ({"text": "no thanks", "intent": {"name": "deny"}}, True),
    ({"text": "not really, the answers were too vague", "intent": {"name": "deny"}}, False),
    ({"text": "quick and clear", "intent": {"name": "nlu_fallback"}}, False),
]
# fmt: on


@pytest.mark.parametrize(("message", "rating"), RATINGS)
def test_parse_rating(message: dict[str, Any], rating: int | None) -> None:
    assert parse_rating(message) == rating


@pytest.mark.parametrize(("text", "intent", "topic", "answer"), QUESTIONS)
def test_faq_question(text: str, intent: str, topic: str | None, answer: str | None) -> None:
    message = {"text": text, "intent": {"name": intent}, "response_selector": selected(topic)}
    assert faq_question(message) == answer


@pytest.mark.parametrize(("message", "skip"), SKIPS)
def test_is_skip(message: dict[str, Any], skip: bool) -> None:
    assert is_skip(message) is skip


def test_goodbye_asks_for_the_rating(url: str) -> None:
    responses, events = run(ActionAskCsat(), tracker("bye"))
    assert responses == ["utter_ask_csat_rating"]
    assert survey_slot(events) == "asked"


@pytest.mark.parametrize("state", ["asked", "rated", "done"])
def test_never_asked_twice_in_a_conversation(url: str, state: str) -> None:
    assert run(ActionAskCsat(), tracker("bye", slots={"csat_survey": state})) == ([], [])


def test_not_asked_when_the_widget_already_has_an_answer(url: str) -> None:
    record_survey(SENDER, 4, source="widget", url=url)
    responses, events = run(ActionAskCsat(), tracker("bye"))
    assert responses == [] and survey_slot(events) == "done"


def test_rating_is_stored_once_then_the_comment_is_offered(url: str) -> None:
    button = [{"entity": "csat_rating", "value": "4"}]
    responses, events = run(ActionCsatRating(), tracker("/rate_chat", "rate_chat",
                                                        {"csat_survey": "asked"}, button))
    assert responses == []
    assert survey_slot(events) == "rated"
    assert events[-1] == {"event": "followup", "name": "utter_ask_csat_comment", "timestamp": None}
    assert stored_surveys(url, SENDER) == [(4, None, "bot")]
    again, _ = run(ActionCsatRating(), tracker("5", "rate_chat", {"csat_survey": "rated"}))
    assert again == ["utter_csat_already_rated"]
    assert stored_surveys(url, SENDER) == [(4, None, "bot")]


def test_a_rating_after_the_widgets_answer_is_not_stored_twice(url: str) -> None:
    record_survey(SENDER, 2, source="widget", url=url)
    responses, events = run(ActionCsatRating(), tracker("5", "rate_chat", {"csat_survey": "asked"}))
    assert responses == ["utter_csat_already_rated"] and survey_slot(events) == "done"
    assert stored_surveys(url, SENDER) == [(2, None, "widget")]


def test_an_unreadable_rating_asks_again(url: str) -> None:
    responses, _ = run(ActionCsatRating(), tracker("great", "rate_chat", {"csat_survey": "asked"}))
    assert responses == ["utter_ask_csat_rating"]
    assert stored_surveys(url, SENDER) == []


def test_a_store_failure_is_told_and_logged(url: str, monkeypatch: pytest.MonkeyPatch,
                                            caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", "sqlite:////nonexistent/dir/t.sqlite")
    responses, events = run(ActionCsatRating(), tracker("4", "rate_chat", {"csat_survey": "asked"}))
    assert responses == ["utter_csat_not_saved"] and survey_slot(events) == "done"
    assert "E609" in caplog.text


def test_the_comment_is_stored_redacted_and_never_echoed(url: str) -> None:
    record_survey(SENDER, 3, source="bot", url=url)
    comment = "Slow. Email me at jane.doe@example.com or call (212) 555-0199"
    responses, events = run(ActionCsatComment(), tracker(comment, "nlu_fallback",
                                                         {"csat_survey": "rated"}))
    assert responses == ["utter_csat_thanks"] and survey_slot(events) == "done"
    [(rating, stored, source)] = stored_surveys(url, SENDER)
    assert (rating, source) == (3, "bot")
    assert stored is not None and stored.startswith("Slow.")
    assert "jane.doe@example.com" not in stored and "555-0199" not in stored


def test_a_question_instead_of_a_comment_is_answered_not_stored(url: str) -> None:
    record_survey(SENDER, 4, source="bot", url=url)
    t = tracker("how do I activate my card?", "faq", {"csat_survey": "rated"},
                topic="faq/card_activate")
    responses, _ = run(ActionCsatComment(), t)
    assert responses == ["utter_faq/card_activate"]
    assert stored_surveys(url, SENDER) == [(4, None, "bot")]


def test_skip_stores_no_comment(url: str) -> None:
    record_survey(SENDER, 5, source="bot", url=url)
    responses, _ = run(ActionCsatComment(), tracker("/deny", "deny", {"csat_survey": "rated"}))
    assert responses == ["utter_csat_thanks"]
    assert stored_surveys(url, SENDER) == [(5, None, "bot")]


def test_a_handoff_is_followed_by_the_rating_request(url: str) -> None:
    responses, events = run(ActionHandoff(), tracker("a person please", "request_human"))
    assert responses == ["utter_handoff", "utter_ask_csat_rating"]
    assert survey_slot(events) == "asked"


def test_a_priority_handoff_is_not_followed_by_a_rating_request(url: str) -> None:
    responses, _ = run(ActionHandoff(), tracker("help", "request_human", {"handoff": "priority"}))
    assert responses == ["utter_handoff"]


def test_a_new_session_may_be_asked_again() -> None:
    old = [{"event": "slot", "name": "csat_survey", "value": "done", "timestamp": 1.0},
           {"event": "slot", "name": "handoff", "value": "requested", "timestamp": 1.0}]
    t = Tracker(SENDER, {}, {}, old, False, None, {}, "action_listen")
    events = asyncio.run(ActionSessionStart().run(
        CollectingDispatcher(), t, {"session_config": {"carry_over_slots_to_new_session": True}}))
    assert [e["name"] for e in events if e["event"] == "slot"] == ["handoff"]


def test_a_rating_waits_for_the_transcript_to_catch_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The conversation reaches the transcript a moment after the tracker store."""
    import threading

    url = f"sqlite:///{tmp_path / 'transcripts.sqlite'}"
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", url)
    monkeypatch.setattr("actions.survey.CATCH_UP_SECONDS", (0.05, 0.1, 0.2, 0.4, 0.8))
    threading.Timer(0.3, seed_conversation, (url, SENDER)).start()
    responses, events = run(ActionCsatRating(), tracker(text="4"))
    assert responses == []
    assert survey_slot(events) == "rated"
    assert stored_surveys(url, SENDER) == [(4, None, "bot")]


def test_a_conversation_the_transcript_never_gets_is_told_not_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'transcripts.sqlite'}"
    monkeypatch.setenv("CANDOR_TRANSCRIPTS_URL", url)
    monkeypatch.setattr("actions.survey.CATCH_UP_SECONDS", (0.01, 0.01))
    seed_conversation(url, "someone-else")
    responses, events = run(ActionCsatRating(), tracker(text="4"))
    assert responses == ["utter_csat_not_saved"]
    assert stored_surveys(url, SENDER) == []
