"""The transcript writer: applies broker events to the database, idempotently.

Both deliveries use it: :class:`bot.runtime.brokers.TranscriptEventBroker` inside the Rasa
server (SQLite default) and ``candor transcripts worker`` consuming RabbitMQ (PostgreSQL). Each
event is redacted with :func:`bot.transcripts.redact_events.redact_event` (the tracker store
already did; this is the second lock on the same door), then applied in one transaction that
first claims the event's identity in ``processed_events``. A redelivered event finds its
identity taken and changes nothing, so at-least-once delivery gives exactly-once records.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.compliance.rulebook import Rulebook, load_rulebook
from bot.errors import CandorError, Errors
from bot.transcripts import models as m
from bot.transcripts.db import Database
from bot.transcripts.projection import (
    ConversationState,
    Projection,
    conversation_key,
    event_key,
    project,
    utc,
)
from bot.transcripts.redact_events import redact_event

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _rulebook() -> Rulebook:
    """The rulebook every stored rule hit is resolved against; E206 if it cannot be loaded.

    Storing rule ids without their regulation would quietly degrade the audit trail, so a
    writer without a rulebook refuses to start (the Rasa server's fail-closed check, or the
    worker, then stops) instead of writing thinner records.
    """
    try:
        return load_rulebook()
    except Exception as err:
        raise CandorError(Errors.E206.format(cause=err)) from err


def regulation_for(rule_id: str) -> str | None:
    """Return the regulation reference of a rule in ``compliance.yml`` (None if unknown)."""
    try:
        return str(_rulebook().rule(rule_id).regulation)
    except CandorError as err:
        if err.code == "E205":  # a rule id from an older rulebook: stored, regulation unknown
            return None
        raise


def rulebook_version() -> str:
    """Version of the rulebook this process loaded (conversations record it)."""
    return str(_rulebook().version)


#: Per dialect, built once (a statement object built per event cost more CPU than the insert).
_CLAIM_ONE: dict[str, Any] = {
    "postgresql": postgresql.insert(m.ProcessedEvent).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(m.ProcessedEvent).on_conflict_do_nothing(),
}


def _claim_all(session: Session, keys: list[str], now: datetime) -> list[bool]:
    """Claim a batch's event identities; per key, whether it is new (not a redelivery).

    One query finds the keys already in ``processed_events``; a key seen earlier in the same
    batch is not claimed again. Several new keys go in with one plain INSERT: should another
    writer claim one of them in between, it raises and the batch rolls back, so no event is
    applied twice (the writer thread retries the batch event by event, the RabbitMQ worker's
    message comes again). A single new key uses an insert that skips a conflict, whose row
    count says whether this writer won. One statement per event was a third of the writer's
    time under load.
    """
    query = select(m.ProcessedEvent.event_key).where(m.ProcessedEvent.event_key.in_(set(keys)))
    taken = set(session.execute(query).scalars())
    claimed: list[bool] = []
    for key in keys:
        claimed.append(key not in taken)
        taken.add(key)
    fresh = [{"event_key": key, "received_at": now}
             for key, new in zip(keys, claimed, strict=True) if new]
    if len(fresh) == 1:
        one = _CLAIM_ONE.get(session.get_bind().dialect.name)
        if one is None:  # another dialect: a plain insert, where a conflict raises
            one = insert(m.ProcessedEvent)
        if not session.execute(one, fresh[0]).rowcount:
            claimed[claimed.index(True)] = False
    elif fresh:
        session.execute(insert(m.ProcessedEvent), fresh)
    return claimed


def _keyed(sender: str, redacted: dict[str, Any]) -> tuple[str, dict[str, Any], str]:
    """A redacted event with its sender and identity, as a burst carries it."""
    return sender, redacted, event_key(sender, redacted)


def _latest(session: Session, sender_id: str) -> m.Conversation | None:
    query = (
        select(m.Conversation).where(m.Conversation.sender_id == sender_id)
        .order_by(m.Conversation.id.desc()).limit(1).with_for_update()
    )
    return session.execute(query).scalars().first()


def _state(conv: m.Conversation | None, has_turns: bool) -> ConversationState:
    if conv is None:
        return ConversationState()
    return ConversationState(conv.last_action, conv.last_user_at, conv.outcome, has_turns)


def _has_user_turns(conv: m.Conversation | None) -> bool:
    """Whether the customer has said anything yet (``last_user_at`` is set with their turns).

    Candor's ``action_session_start`` sends the AI disclosure, and Rasa logs an action's
    messages before the events it returns, so ``BotUttered`` precedes ``SessionStarted``:
    a session_started event only opens a new conversation once the customer has spoken.
    """
    return conv is not None and conv.last_user_at is not None


class TranscriptWriter:
    """Writes redacted events into one database.

    ``on_end`` (the automatic CSAT scorer's ``notify``) hears, after each commit, of every
    conversation the event ended, or changed once ended (the survey comes after the goodbye).
    It runs outside the event's transaction and its failures are only logged (E410), so
    scoring can never lose or hold back a transcript event.
    """

    def __init__(self, db: Database, on_end: Callable[[str], None] | None = None) -> None:
        _rulebook()  # fail closed at start-up, not on the first event (E206)
        self.db = db
        self.on_end = on_end

    def write(self, event: dict[str, Any]) -> bool:
        """Apply one broker event; True if stored, False if already stored or not storable."""
        return self.write_many([event])[0]

    def write_many(self, events: list[dict[str, Any]]) -> list[bool]:
        """Apply events in order in one transaction; per event, whether it was stored.

        A burst queued behind a slow commit costs one commit, not one each, and a turn's
        several events (one tracker save publishes them together) read their conversation row
        once and update it once: changes are flushed when a row id is needed or at the commit,
        not before every statement. All or nothing: on an error none is stored, and the caller
        may retry them one by one.
        """
        now = datetime.now(timezone.utc)
        prepared = [
            _keyed(str(sender), redact_event(event)) if (sender := event.get("sender_id"))
            else None
            for event in events
        ]
        stored: list[bool] = []
        ended: list[str] = []
        latest: dict[str, m.Conversation | None] = {}
        with self.db.begin() as session, session.no_autoflush:
            claims = iter(_claim_all(session, [item[2] for item in prepared if item], now))
            for item in prepared:
                if item is None or not next(claims):
                    stored.append(False)
                    continue
                stored.append(True)
                sender, redacted, key = item
                if sender not in latest:
                    latest[sender] = _latest(session, sender)
                conv, done = self._apply(session, latest[sender], sender, key, redacted)
                latest[sender] = conv
                ended += done
        self._notify(list(dict.fromkeys(ended)))
        return stored

    def _notify(self, conversation_ids: list[str]) -> None:
        for conversation_id in conversation_ids if self.on_end else ():
            try:
                self.on_end(conversation_id)  # type: ignore[misc]
            except Exception as err:  # noqa: BLE001 - the event is committed; scoring is extra
                logger.error(Errors.E410.format(conversation_id=conversation_id,
                                                cause=type(err).__name__))

    def _apply(self, session: Session, conv: m.Conversation | None, sender: str, key: str,
               event: dict[str, Any]) -> tuple[m.Conversation, list[str]]:
        """Store the event in ``conv`` (the sender's latest conversation) or a new one.

        Returns the conversation now latest and the ids of conversations the event ended or
        changed once ended.
        """
        ts = float(event.get("timestamp") or datetime.now(timezone.utc).timestamp())
        has_turns = _has_user_turns(conv)
        result = project(event, _state(conv, has_turns))
        ended: list[str] = []
        if conv is not None and result.new_session and has_turns:
            if conv.outcome == "open":
                conv.outcome, conv.ended_at = "abandoned", conv.last_event_at
                ended.append(conv.conversation_id)
            conv = None
        if conv is None:
            conv = self._open(session, sender, key, ts)
            if result.new_session:
                result = project(event, ConversationState())
        self._store(session, conv, result, ts)
        if result.ended or (conv.outcome != "open" and (result.turn or result.survey)):
            ended.append(conv.conversation_id)
        return conv, ended

    def _open(self, session: Session, sender: str, key: str, ts: float) -> m.Conversation:
        conv = m.Conversation(
            conversation_id=conversation_key(sender, key), sender_id=sender, started_at=utc(ts),
            last_event_at=utc(ts), outcome="open", rulebook_version=rulebook_version(),
        )
        session.add(conv)
        session.flush()
        return conv

    def _store(self, session: Session, conv: m.Conversation, p: Projection, ts: float) -> None:
        conv.last_event_at = max(_aware(conv.last_event_at), utc(ts))
        conv.last_action, conv.last_user_at = p.state.last_action, p.state.last_user_at
        conv.outcome = p.state.outcome
        conv.channel = conv.channel or p.channel
        conv.model_version = p.model_version or conv.model_version
        conv.rulebook_version = p.rulebook_version or conv.rulebook_version
        if p.ended and conv.ended_at is None:
            conv.ended_at = utc(ts)
        if p.turn is not None:
            turn = m.Turn(conversation_pk=conv.id, **{**p.turn.__dict__, "sent_at": utc(ts)})
            session.add(turn)
            if p.rule_ids:
                session.flush()  # the rule hits need the turn's id
            for rule_id in p.rule_ids:
                session.add(m.RuleHit(conversation_pk=conv.id, turn_id=turn.id, rule_id=rule_id,
                                      regulation=regulation_for(rule_id)))
        if p.handoff:
            session.add(m.Handoff(conversation_pk=conv.id, status=p.handoff, created_at=utc(ts)))
        if p.complaint:
            session.add(m.Complaint(conversation_pk=conv.id, category=p.complaint,
                                    created_at=utc(ts)))
        if p.data_rights:
            session.add(m.DataRightsRequest(
                conversation_pk=conv.id, kinds=p.data_rights.kinds, status="received",
                created_at=utc(ts), due_at=utc(ts) + timedelta(days=p.data_rights.due_days)))


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def mark_idle_abandoned(db: Database, idle_before: datetime) -> int:
    """Close open conversations with no event since ``idle_before`` as abandoned."""
    stmt = (
        update(m.Conversation)
        .where(m.Conversation.outcome == "open", m.Conversation.last_event_at < idle_before)
        .values(outcome="abandoned", ended_at=m.Conversation.last_event_at)
    )
    with db.begin() as session:
        return int(session.execute(stmt).rowcount)
