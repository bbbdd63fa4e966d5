"""Test helpers over the transcript database: a recorded conversation, and its survey answers."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from bot.transcripts import models as m
from bot.transcripts.db import database


def seed_conversation(url: str, sender_id: str) -> None:
    """Record a conversation for ``sender_id``, as the transcript writer would."""
    now = datetime.now(timezone.utc)
    with database(url).begin() as s:
        s.add(m.Conversation(conversation_id=f"{sender_id}:1", sender_id=sender_id,
                             channel="rest", started_at=now, last_event_at=now))


def stored_surveys(url: str, sender_id: str) -> list[tuple[int, str | None, str]]:
    """(rating, comment, source) of the survey answers stored for the sender's conversations."""
    query = (
        select(m.Survey.rating, m.Survey.comment, m.Survey.source)
        .join(m.Conversation, m.Survey.conversation_pk == m.Conversation.id)
        .where(m.Conversation.sender_id == sender_id)
        .order_by(m.Survey.id)
    )
    with database(url).begin() as s:
        return [(row.rating, row.comment, row.source) for row in s.execute(query)]
