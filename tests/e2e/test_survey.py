"""The end-of-conversation survey and automatic CSAT scoring, against the real product.

Trained model, real Rasa server (its in-process transcript writer scores conversations), real
action server (stores survey answers), real console (the widget's ``POST /api/survey``). The
product fixture sets ``CANDOR_CSAT_IDLE_MINUTES`` to 3 seconds so the idle path runs here too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.runtime.services import Ports
from bot.transcripts import models as m
from bot.transcripts.db import Database
from bot.transcripts.repository import conversations_of
from tests.e2e.chat import Chat, post_json, responses

pytestmark = pytest.mark.slow

ASK = "utter_ask_csat_rating"
SURVEY_RESPONSES = {ASK, "utter_ask_csat_comment", "utter_csat_thanks"}


def wait_for(what: str, check: Callable[[], Any], seconds: float = 60.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.25)
    return result


def surveys(db: Database, sender: str) -> list[tuple[int, str | None, str]]:
    query = (select(m.Survey.rating, m.Survey.comment, m.Survey.source)
             .join(m.Conversation).where(m.Conversation.sender_id == sender))
    with db.begin() as s:
        return [tuple(row) for row in s.execute(query)]  # type: ignore[misc]


def scores(db: Database, sender: str) -> list[m.CsatScore]:
    query = select(m.CsatScore).join(m.Conversation).where(m.Conversation.sender_id == sender)
    with db.begin() as s:
        return list(s.execute(query).scalars())


def rate(chat: Chat, rating: int) -> list[dict[str, Any]]:
    """Press a rating button: send its payload, exactly as the widget does."""
    return chat >> f'/rate_chat{{"csat_rating": "{rating}"}}'


def test_goodbye_asks_for_a_rating_with_buttons(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    replies = chat >> "ok that's all, bye"
    assert responses(replies)[-2:] == ["utter_goodbye", ASK]
    buttons = replies[-1]["buttons"]
    assert [b["title"][0] for b in buttons] == ["1", "2", "3", "4", "5"]
    assert buttons[3]["payload"] == '/rate_chat{"csat_rating": "4"}'


def test_the_answer_is_stored_once_redacted_and_never_asked_again(
    product: Ports, db: Database
) -> None:
    chat = Chat(product)
    chat >> "hi"
    chat >> "bye"
    assert responses(rate(chat, 4)) == ["utter_ask_csat_comment"]
    comment = "quick and clear, you can reach me on jane.doe@example.com"
    replies = chat >> comment
    assert responses(replies)[-1] == "utter_csat_thanks"
    assert not any("jane.doe" in (r.get("text") or "") for r in chat.history)  # never echoed
    [(rating, stored, source)] = wait_for("the survey row", lambda: surveys(db, chat.sender))
    assert (rating, source) == (4, "bot")
    assert stored is not None and stored.startswith("quick and clear")
    assert "jane.doe@example.com" not in stored
    assert ASK not in responses(chat >> "bye")  # second goodbye: not asked again
    assert responses(rate(chat, 1)) == ["utter_csat_already_rated"]
    assert len(surveys(db, chat.sender)) == 1


def test_ignoring_the_survey_a_new_question_gets_its_answer(product: Ports, db: Database) -> None:
    chat = Chat(product)
    chat >> "hi"
    assert ASK in responses(chat >> "bye")
    answer = responses(chat >> "how do I activate my new card?")
    assert answer[-1] == "utter_faq/card_activate"
    assert not SURVEY_RESPONSES & set(answer)
    assert surveys(db, chat.sender) == []


def test_a_question_instead_of_a_comment_gets_its_answer(product: Ports, db: Database) -> None:
    chat = Chat(product)
    chat >> "ok bye"
    rate(chat, 3)
    assert responses(chat >> "how do I activate my new card?")[-1] == "utter_faq/card_activate"
    assert wait_for("the survey row", lambda: surveys(db, chat.sender)) == [(3, None, "bot")]


def test_skipping_the_comment_keeps_the_rating(product: Ports, db: Database) -> None:
    chat = Chat(product)
    chat >> "ok bye"
    rate(chat, 5)
    assert responses(chat >> "/deny") == ["utter_csat_thanks"]
    assert wait_for("the survey row", lambda: surveys(db, chat.sender)) == [(5, None, "bot")]


def test_no_bot_survey_when_the_widget_already_has_the_answer(product: Ports) -> None:
    chat = Chat(product)
    chat >> "hi"
    survey_url = product.url(product.console, "/api/survey")
    status = wait_for("the conversation to be recorded", lambda: post_json(
        survey_url, {"sender": chat.sender, "rating": 3})[0] == 201 or None, 30)
    assert status
    assert ASK not in responses(chat >> "goodbye")


def test_a_handoff_is_followed_by_the_rating_request(product: Ports) -> None:
    chat = Chat(product)
    assert responses(chat >> "please put me through to a real human")[-2:] == [
        "utter_handoff", ASK]


def test_a_score_is_written_when_the_conversation_ends(product: Ports, db: Database) -> None:
    chat = Chat(product)
    chat >> "how do I activate my card"
    chat >> "ok bye"
    # The writer thread stores events just after the reply (off Rasa's event loop).
    [conversation] = wait_for(
        "the goodbye to be stored",
        lambda: [c for c in conversations_of(chat.sender, db) if c["outcome"] != "open"], 10)
    assert conversation["outcome"] == "resolved"
    goodbye_at = max(t["timestamp"] for t in conversation["turns"])
    [score] = wait_for("the score row", lambda: scores(db, chat.sender), 30)
    assert 1.0 <= score.value <= 5.0 and score.explanation["raising"] is not None
    # Written after the goodbye: by the end trigger (the idle sweep skips ended conversations).
    assert score.created_at.replace(tzinfo=timezone.utc).timestamp() >= goodbye_at - 1


def test_a_score_is_written_when_the_conversation_goes_idle(product: Ports, db: Database) -> None:
    chat = Chat(product)
    chat >> "how do I activate my card"
    [score] = wait_for("the idle score row", lambda: scores(db, chat.sender), 60)
    [conversation] = conversations_of(chat.sender, db)
    assert conversation["outcome"] == "open"  # scored as idle; the record is not closed
    time.sleep(3)  # several sweeps later: scored once per silence, not at every sweep
    [again] = scores(db, chat.sender)
    assert again.created_at == score.created_at
