"""The console's conversation list: filters, keyset pages, capped counts, full-text search.

Pages are ordered by ``(started_at, id)`` descending with a keyset cursor, so the first page of
a filter reads ``ix_conversations_started`` backwards and stops after one page of matches.
Every filter on another table is ``conversations.id IN (SELECT conversation_pk ... )`` over
an index of that table: both databases turn it into a set built once (a hashed sub-plan, an
ephemeral index) probed per row, or, when the set is small, into a loop over it; a correlated
``EXISTS`` would seek once per conversation, which is what made rare filters and their counts
slow. Counts stop at :data:`COUNT_CAP` ("10,000+"): an exact count of a broad filter costs more
than the page it labels.

Text search uses the database's full-text index over the redacted turns (migration
0002_console). SQLite: an FTS5 table with one document per conversation, so a conversation
matches when it contains every word, in any turns. PostgreSQL: a GIN index on
``to_tsvector('english', ...)`` of each turn (with stemming), so one turn must contain every
word; the index answers rare words in milliseconds and common ones with a hashed semi-join.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, text, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot.transcripts import models as m
from bot.transcripts.current_csat import current_in_band, current_values
from bot.transcripts.db import Database
from bot.transcripts.records import aware
from bot.transcripts.repository import CSAT_BANDS

COUNT_CAP = 10_000
PAGE_SIZE = 50
VULNERABLE_RULE = "vulnerable-customer"
DISPUTE_RULE = "dispute-intake"
COMPLAINT_RULE = "complaint"
FAQ_PREFIX = "utter_faq/"


@dataclass(frozen=True)
class ListFilter:
    """The list's filters; ``None``/``False`` means "any"."""

    since: datetime | None = None
    until: datetime | None = None
    channel: str | None = None
    outcome: str | None = None
    intent: str | None = None
    topic: str | None = None
    #: A form that ran in the conversation (``dispute_form``), as Studio's form flows count it.
    form: str | None = None
    rule_id: str | None = None
    complaint: bool = False
    dispute: bool = False
    vulnerable: bool = False
    handoff: bool = False
    rating: int | None = None
    csat_band: str | None = None
    text: str | None = None
    #: Only these conversations: a set Studio computed (a funnel step), not a column filter.
    conversation_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class Cursor:
    """The ``(started_at, id)`` of the last row of the previous page."""

    started_at: datetime
    id: int

    def encode(self) -> str:
        return f"{aware(self.started_at).isoformat()}~{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        """Parse :meth:`encode`'s output; None for anything else."""
        when, _, pk = raw.rpartition("~")
        try:
            return cls(aware(datetime.fromisoformat(when)), int(pk))
        except ValueError:
            return None


@dataclass(frozen=True)
class ListRow:
    """One line of the list, with the flags a reviewer scans for."""

    id: int
    conversation_id: str
    started_at: datetime
    channel: str | None
    outcome: str
    turns: int = 0
    rules: tuple[str, ...] = ()
    complaint: bool = False
    handoff: bool = False
    rating: int | None = None
    csat: float | None = None

    @property
    def vulnerable(self) -> bool:
        return VULNERABLE_RULE in self.rules

    @property
    def dispute(self) -> bool:
        return DISPUTE_RULE in self.rules


@dataclass(frozen=True)
class ListPage:
    """One page, the cursor of the next (None on the last) and the capped count."""

    rows: list[ListRow]
    next_cursor: Cursor | None
    count: int
    count_capped: bool = field(default=False)


def fts_terms(query: str) -> list[str]:
    """Words of a search box, without the characters full-text syntaxes give meaning to."""
    return re.findall(r"[^\W_]+", query)[:16]


def _having(model: Any, *where: Any) -> Any:
    """``conversations.id IN (SELECT conversation_pk FROM model WHERE ...)``."""
    return m.Conversation.id.in_(select(model.conversation_pk).where(*where))


def _rule(rule_id: str) -> Any:
    return _having(m.RuleHit, m.RuleHit.rule_id == rule_id)


def _text_match(dialect: str, terms: list[str]) -> object:
    c = m.Conversation
    if dialect == "sqlite":
        words = " ".join(f'"{t}"' for t in terms)
        return c.id.in_(
            select(literal_column("rowid")).select_from(text("conversations_fts"))
            .where(text("conversations_fts MATCH :fts_query").bindparams(fts_query=words)))
    # The expression of ix_turns_fts (migration 0002_console), so the index is used.
    plain = func.translate(func.coalesce(m.Turn.text, literal_column("''")), literal_column("'<>'"),
                           literal_column("'  '"))
    vector = func.to_tsvector(literal_column("'english'"), plain)
    query = func.plainto_tsquery(literal_column("'english'"), " ".join(terms))
    return c.id.in_(select(m.Turn.conversation_pk).where(vector.op("@@")(query)))


def filtered(f: ListFilter, dialect: str) -> Select:
    """``SELECT conversations.* WHERE <filters>`` (pure: builds, does not run)."""
    c = m.Conversation
    where: list[object] = []
    if f.since is not None:
        where.append(c.started_at >= f.since)
    if f.until is not None:
        where.append(c.started_at < f.until)
    if f.channel:
        where.append(c.channel == f.channel)
    if f.outcome:
        where.append(c.outcome == f.outcome)
    if f.intent:
        where.append(_having(m.Turn, m.Turn.intent == f.intent))
    if f.topic:
        topic = f.topic if f.topic.startswith(FAQ_PREFIX) else FAQ_PREFIX + f.topic
        where.append(_having(m.Turn, m.Turn.response == topic))
    if f.form:
        where.append(_having(m.Turn, m.Turn.action == f.form))
    if f.conversation_ids is not None:
        # Rendered inline, not as thousands of bound parameters (SQLite caps those).
        ids = bindparam("conversation_ids", sorted(f.conversation_ids), expanding=True,
                        literal_execute=True)
        where.append(c.conversation_id.in_(ids))
    if f.rule_id:
        where.append(_rule(f.rule_id))
    if f.complaint:
        where.append(c.id.in_(union(
            select(m.Complaint.conversation_pk),
            select(m.RuleHit.conversation_pk).where(m.RuleHit.rule_id == COMPLAINT_RULE))))
    if f.dispute:
        where.append(_rule(DISPUTE_RULE))
    if f.vulnerable:
        where.append(_rule(VULNERABLE_RULE))
    if f.handoff:
        where.append(_having(m.Handoff))
    if f.rating is not None:
        where.append(_having(m.Survey, m.Survey.rating == f.rating))
    if f.csat_band:
        low, high = CSAT_BANDS[f.csat_band]
        where.append(_having(m.CsatScore, *current_in_band(low, high)))
    terms = fts_terms(f.text or "")
    if terms:
        where.append(_text_match(dialect, terms))
    return select(c).where(*where)


def after(query: Select, cursor: Cursor | None) -> Select:
    """Newest first, ties broken by id, continuing after ``cursor``."""
    c = m.Conversation
    if cursor is not None:
        query = query.where(or_(c.started_at < cursor.started_at,
                                and_(c.started_at == cursor.started_at, c.id < cursor.id)))
    return query.order_by(c.started_at.desc(), c.id.desc())


def capped_count(s: Session, query: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows ``query`` matches, counting at most ``cap + 1``."""
    limited = query.with_only_columns(m.Conversation.id).order_by(None).limit(cap + 1)
    n = int(s.execute(select(func.count()).select_from(limited.subquery())).scalar_one())
    return min(n, cap), n > cap


def _decorate(s: Session, convs: Sequence[m.Conversation]) -> list[ListRow]:
    pks = [c.id for c in convs]
    rules: dict[int, set[str]] = defaultdict(set)
    for pk, rule in s.execute(select(m.RuleHit.conversation_pk, m.RuleHit.rule_id)
                              .where(m.RuleHit.conversation_pk.in_(pks)).distinct()):
        rules[pk].add(rule)
    turns = dict(s.execute(select(m.Turn.conversation_pk, func.count())
                           .where(m.Turn.conversation_pk.in_(pks))
                           .group_by(m.Turn.conversation_pk)).all())
    complaints = set(s.execute(select(m.Complaint.conversation_pk)
                               .where(m.Complaint.conversation_pk.in_(pks))).scalars())
    handoffs = set(s.execute(select(m.Handoff.conversation_pk)
                             .where(m.Handoff.conversation_pk.in_(pks))).scalars())
    ratings = dict(s.execute(select(m.Survey.conversation_pk, m.Survey.rating)
                             .where(m.Survey.conversation_pk.in_(pks))).all())
    csat = current_values(s, pks)
    return [ListRow(c.id, c.conversation_id, aware(c.started_at), c.channel, c.outcome,
                    int(turns.get(c.id, 0)), tuple(sorted(rules[c.id])),
                    c.id in complaints or COMPLAINT_RULE in rules[c.id], c.id in handoffs,
                    ratings.get(c.id), csat.get(c.id)) for c in convs]


def list_page(db: Database, f: ListFilter, cursor: Cursor | None = None,
              size: int = PAGE_SIZE, with_count: bool = True) -> ListPage:
    """One page of conversations matching ``f``, newest first."""
    query = filtered(f, db.dialect)
    with db.begin() as s:
        convs = list(s.execute(after(query, cursor).limit(size + 1)).scalars())
        more = len(convs) > size
        convs = convs[:size]
        rows = _decorate(s, convs)
        count, capped = capped_count(s, query) if with_count else (0, False)
    last = convs[-1] if more and convs else None
    return ListPage(rows, Cursor(aware(last.started_at), last.id) if last else None,
                    count, capped)
