"""The only module that queries the transcript database for its readers (STYLE.md practice 11).

The console's list filters (date range, rule hit, outcome, intent, CSAT band) each match an
index in :mod:`bot.transcripts.models`: rule and intent filters are ``EXISTS`` sub-queries on
``(rule_id, conversation_pk)`` / ``(intent, conversation_pk)``, and lists are ordered by
``(started_at, id)`` so both offset pages and keyset cursors use ``ix_conversations_started``.
Every function takes an optional :class:`~bot.transcripts.db.Database`; without one it uses the
process-wide database from ``CANDOR_TRANSCRIPTS_URL`` / ``CANDOR_HOME``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import Select

from bot.transcripts import models as m
from bot.transcripts.current_csat import NEWEST_FIRST, current_in_band
from bot.transcripts.db import Database, database
from bot.transcripts.records import TranscriptRecord, aware, load_records

#: CSAT bands on the 1-5 predicted scale: [low, high).
CSAT_BANDS: dict[str, tuple[float, float]] = {
    "low": (0.0, 2.5), "medium": (2.5, 3.5), "high": (3.5, 6.0),
}


class DuplicateSurvey(Exception):
    """The conversation already has an answer (surveys are never asked twice)."""


class UnknownConversation(LookupError):
    """No conversation with that id (or for that sender) is recorded."""


@dataclass(frozen=True)
class ConversationFilter:
    """The console's list filters; ``None`` means "any"."""

    since: datetime | None = None
    until: datetime | None = None
    rule_id: str | None = None
    outcome: str | None = None
    intent: str | None = None
    csat_band: str | None = None
    sender_id: str | None = None


@dataclass(frozen=True)
class Page:
    """Newest first. ``after`` is a keyset cursor: the (started_at, id) of the last row seen."""

    limit: int = 50
    offset: int = 0
    after: tuple[datetime, int] | None = None


@dataclass(frozen=True)
class ConversationSummary:
    """One row of the console's conversation list."""

    id: int
    conversation_id: str
    sender_id: str
    channel: str | None
    started_at: datetime
    ended_at: datetime | None
    outcome: str
    model_version: str | None


def filtered(f: ConversationFilter) -> Select:
    """``SELECT conversations WHERE ...`` for a filter (pure: builds, does not run)."""
    c = m.Conversation
    query = select(c)
    if f.since is not None:
        query = query.where(c.started_at >= f.since)
    if f.until is not None:
        query = query.where(c.started_at < f.until)
    if f.outcome:
        query = query.where(c.outcome == f.outcome)
    if f.sender_id:
        query = query.where(c.sender_id == f.sender_id)
    if f.rule_id:
        query = query.where(exists().where(
            m.RuleHit.rule_id == f.rule_id, m.RuleHit.conversation_pk == c.id))
    if f.intent:
        query = query.where(exists().where(
            m.Turn.intent == f.intent, m.Turn.conversation_pk == c.id))
    if f.csat_band:
        low, high = CSAT_BANDS[f.csat_band]
        query = query.where(exists().where(
            m.CsatScore.conversation_pk == c.id, *current_in_band(low, high)))
    return query


def paged(query: Select, page: Page) -> Select:
    """Newest first, stable on ties, with an optional keyset cursor."""
    c = m.Conversation
    if page.after is not None:
        started, pk = page.after
        query = query.where(or_(c.started_at < started, and_(c.started_at == started, c.id < pk)))
    return query.order_by(c.started_at.desc(), c.id.desc()).offset(page.offset).limit(page.limit)


def _summary(c: m.Conversation) -> ConversationSummary:
    return ConversationSummary(
        c.id, c.conversation_id, c.sender_id, c.channel, aware(c.started_at),
        aware(c.ended_at) if c.ended_at else None, c.outcome, c.model_version,
    )


def list_conversations(
    f: ConversationFilter = ConversationFilter(), page: Page = Page(), db: Database | None = None
) -> list[ConversationSummary]:
    """One page of conversations matching ``f``."""
    with (db or database()).begin() as s:
        return [_summary(c) for c in s.execute(paged(filtered(f), page)).scalars()]


def count_conversations(f: ConversationFilter = ConversationFilter(),
                        db: Database | None = None) -> int:
    """How many conversations match ``f`` (for "page 3 of N")."""
    query = select(func.count()).select_from(filtered(f).subquery())
    with (db or database()).begin() as s:
        return int(s.execute(query).scalar_one())


def transcript(conversation_id: str, db: Database | None = None) -> TranscriptRecord | None:
    """One conversation with its turns (ordered) and rule hits."""
    with (db or database()).begin() as s:
        conv = s.execute(select(m.Conversation).where(
            m.Conversation.conversation_id == conversation_id)).scalars().first()
        return load_records(s, [conv])[0] if conv else None


def conversations_of(sender_id: str, db: Database | None = None) -> list[TranscriptRecord]:
    """Every conversation of one customer, oldest first."""
    with (db or database()).begin() as s:
        convs = s.execute(select(m.Conversation).where(m.Conversation.sender_id == sender_id)
                          .order_by(m.Conversation.id)).scalars().all()
        return load_records(s, convs)


def rule_hit_counts(db: Database | None = None) -> dict[str, int]:
    """Hits per rule id, over the whole record (``candor rules report``)."""
    query = select(m.RuleHit.rule_id, func.count()).group_by(m.RuleHit.rule_id)
    with (db or database()).begin() as s:
        return {rule: int(n) for rule, n in s.execute(query)}


def data_rights_requests(status: str | None = "received",
                         db: Database | None = None) -> list[dict[str, Any]]:
    """Data-rights requests taken in chat, soonest due first (the privacy team's queue)."""
    query = select(m.DataRightsRequest, m.Conversation.conversation_id).join(
        m.Conversation, m.Conversation.id == m.DataRightsRequest.conversation_pk)
    if status is not None:
        query = query.where(m.DataRightsRequest.status == status)
    query = query.order_by(m.DataRightsRequest.due_at, m.DataRightsRequest.id)
    with (db or database()).begin() as s:
        return [
            {"id": r.id, "conversation_id": conversation_id, "kinds": r.kinds.split(","),
             "status": r.status, "created_at": aware(r.created_at), "due_at": aware(r.due_at)}
            for r, conversation_id in s.execute(query)
        ]


# --- CSAT (bot/scoring reads and writes only through these) -----------------------------


def csat_records(db: Database | None = None) -> list[TranscriptRecord]:
    """Every conversation as the scorer's ``CsatConversationInput`` (a superset of its keys)."""
    with (db or database()).begin() as s:
        convs = s.execute(select(m.Conversation).order_by(m.Conversation.id)).scalars().all()
        return load_records(s, convs)


def csat_record(conversation_id: str, db: Database | None = None) -> TranscriptRecord | None:
    """One conversation for ``candor csat explain``."""
    return transcript(conversation_id, db)


def _conversation_pk(s: Any, key: str) -> int:
    """Primary key for a conversation id, or else the sender's latest conversation."""
    c = m.Conversation
    pk = s.execute(select(c.id).where(c.conversation_id == key)).scalar()
    pk = pk or s.execute(select(c.id).where(c.sender_id == key)
                         .order_by(c.id.desc()).limit(1)).scalar()
    if pk is None:
        raise UnknownConversation(key)
    return int(pk)


def upsert_csat_scores(rows: Sequence[Mapping[str, Any]], db: Database | None = None) -> int:
    """Insert or replace scores keyed by (conversation, model version); returns rows written."""
    db = db or database()
    with db.begin() as s:
        return write_csat_scores(s, rows, db.dialect)


def write_csat_scores(s: Session, rows: Sequence[Mapping[str, Any]], dialect: str) -> int:
    """:func:`upsert_csat_scores` inside the caller's transaction.

    A replaced row also gets a new id, so a conversation's newest id is always the score
    written last, its current one (:mod:`bot.transcripts.current_csat`). One statement per
    row (``ON CONFLICT``), so two scorers writing the same key at once cannot collide.
    """
    written = 0
    for row in rows:
        values = {
            "conversation_pk": _conversation_pk(s, str(row["conversation_id"])),
            "model_version": str(row["model_version"]), "value": float(row["value"]),
            "predicted_class": row.get("predicted_class"),
            "turn_scores": list(row.get("turn_scores") or []),
            "explanation": dict(row.get("explanation") or {}),
            # When it was (re)scored: the idle sweep compares it with the last event.
            "created_at": datetime.now(timezone.utc),
        }
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(m.CsatScore).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["conversation_pk", "model_version"],
            set_={"id": _next_score_id(dialect),
                  **{k: stmt.excluded[k] for k in
                     ("value", "predicted_class", "turn_scores", "explanation", "created_at")}},
        )
        written += s.execute(stmt).rowcount
    return written


def _next_score_id(dialect: str) -> Any:
    """The id a new ``csat_scores`` row would get: the table's sequence, or SQLite's max + 1."""
    if dialect == "postgresql":
        return func.nextval(func.pg_get_serial_sequence(m.CsatScore.__tablename__, "id"))
    every = aliased(m.CsatScore)
    return select(func.coalesce(func.max(every.id), 0) + 1).scalar_subquery()


def csat_score(conversation_id: str, model_version: str | None = None,
               db: Database | None = None) -> dict[str, Any] | None:
    """The stored score and its explanation; the current one unless ``model_version`` is named."""
    query = select(m.CsatScore).join(m.Conversation).where(
        m.Conversation.conversation_id == conversation_id)
    if model_version:
        query = query.where(m.CsatScore.model_version == model_version)
    with (db or database()).begin() as s:
        row = s.execute(query.order_by(NEWEST_FIRST).limit(1)).scalars().first()
        if row is None:
            return None
        return {"conversation_id": conversation_id, "model_version": row.model_version,
                "value": row.value, "predicted_class": row.predicted_class,
                "turn_scores": row.turn_scores, "explanation": row.explanation}


def idle_unscored(idle_before: datetime, model_version: str,
                  db: Database | None = None) -> list[str]:
    """Open conversations silent since ``idle_before`` and not scored since their last event.

    What the automatic scorer's idle sweep scores: a conversation scored while idle is not
    scored again until something new happens in it.
    """
    c, sc = m.Conversation, m.CsatScore
    fresh = exists().where(sc.conversation_pk == c.id, sc.model_version == model_version,
                           sc.created_at >= c.last_event_at)
    query = (select(c.conversation_id)
             .where(c.outcome == "open", c.last_event_at < idle_before, ~fresh)
             .order_by(c.id))
    with (db or database()).begin() as s:
        return [str(key) for key in s.execute(query).scalars()]


def has_survey(sender_id: str, db: Database | None = None) -> bool:
    """Whether the conversation (or the sender's latest one) already has a survey answer."""
    with (db or database()).begin() as s:
        try:
            pk = _conversation_pk(s, sender_id)
        except UnknownConversation:
            return False
        return s.execute(select(m.Survey.id).where(m.Survey.conversation_pk == pk)).first() \
            is not None


def record_survey(sender_id: str, rating: int, comment: str | None = None, *,
                  source: str = "widget", url: str | None = None,
                  db: Database | None = None) -> int:
    """Store a survey answer for a conversation id (or the sender's latest conversation).

    The comment is redacted here too, whatever the caller did. Raises
    :class:`DuplicateSurvey` on a second answer and :class:`UnknownConversation`.
    """
    from bot.compliance.redaction import redact

    if not 1 <= int(rating) <= 5:
        raise ValueError(f"rating must be 1-5, got {rating}")
    clean = redact(comment).text if comment else None
    try:
        with (db or database(url)).begin() as s:
            survey = m.Survey(conversation_pk=_conversation_pk(s, sender_id), rating=int(rating),
                              comment=clean, source=source)
            s.add(survey)
            s.flush()
            return int(survey.id)
    except IntegrityError as err:
        raise DuplicateSurvey(sender_id) from err


def add_survey_comment(sender_id: str, comment: str, db: Database | None = None) -> bool:
    """Attach a (redacted) comment to an answer given without one; False if there is none.

    The bot asks for the rating first and the comment after it, so the rating is already
    stored (through :func:`record_survey`) when the comment arrives; a comment never
    replaces one already given.
    """
    from bot.compliance.redaction import redact

    clean = redact(comment).text
    with (db or database()).begin() as s:
        try:
            pk = _conversation_pk(s, sender_id)
        except UnknownConversation:
            return False
        stmt = (update(m.Survey)
                .where(m.Survey.conversation_pk == pk, m.Survey.comment.is_(None))
                .values(comment=clean))
        return bool(s.execute(stmt).rowcount)
