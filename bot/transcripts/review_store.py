"""Review items: the queue pages' rows, claiming, recording reviews, annotating turns.

Reviews are append-only: a new decision is a new row naming the one it supersedes. Four
eyes: once a reviewer escalates, only someone else may claim and close the item. Every state
change writes its audit entry in the same transaction (customers named by keyed hash).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import CandorError, Errors
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log as chain
from bot.transcripts import models as m
from bot.transcripts import review_models as rm
from bot.transcripts.audit_chain import subject_hash
from bot.transcripts.db import Database
from bot.transcripts.deadlines import ClockStatus, clocks
from bot.transcripts.records import aware
from bot.transcripts.review_config import ReviewPolicy
from bot.transcripts.review_models import REVIEW_OUTCOMES

MAX_REASON = 200
MAX_NOTE = 4000


@dataclass(frozen=True)
class ReviewRow:
    """One recorded review."""

    id: int
    reviewer: str
    outcome: str
    reason: str
    note: str | None
    supersedes_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class ItemRow:
    """A queue item as the queue and review pages show it."""

    id: int
    queue: str
    conversation_id: str
    started_at: datetime
    claimed_by: str | None
    status: str  # open | escalated | closed
    latest: ReviewRow | None
    clocks: tuple[ClockStatus, ...]

    @property
    def overdue(self) -> bool:
        return self.status != "closed" and any(c.overdue for c in self.clocks)

    @property
    def escalated_by(self) -> str | None:
        return self.latest.reviewer if self.status == "escalated" and self.latest else None


def status_of(latest: ReviewRow | None) -> str:
    """No review yet: open; the latest says escalate: escalated; otherwise closed."""
    if latest is None:
        return "open"
    return "escalated" if latest.outcome == "escalate" else "closed"


def _review(r: rm.Review) -> ReviewRow:
    return ReviewRow(r.id, r.reviewer, r.outcome, r.reason, r.note, r.supersedes_id,
                     aware(r.created_at))


def _latest(s: Session, item_ids: list[int]) -> dict[int, ReviewRow]:
    newest = (select(func.max(rm.Review.id)).where(rm.Review.item_id.in_(item_ids))
              .group_by(rm.Review.item_id))
    rows = s.execute(select(rm.Review).where(rm.Review.id.in_(newest))).scalars()
    return {r.item_id: _review(r) for r in rows}


def _rows(s: Session, query: object, policy: ReviewPolicy, today: date) -> list[ItemRow]:
    found = s.execute(query).all()
    latest = _latest(s, [item.id for item, _c in found])
    out = []
    for item, conv in found:
        review = latest.get(item.id)
        status = status_of(review)
        started = aware(conv.started_at)
        ticking = clocks(started.date(), policy.clocks.get(item.queue, {}), policy.holidays,
                         today) if status != "closed" else []
        out.append(ItemRow(item.id, item.queue, conv.conversation_id, started, item.claimed_by,
                           status, review, tuple(ticking)))
    return out


def priority(row: ItemRow) -> tuple[int, int, date, int]:
    """Overdue first, then open or escalated by soonest due, closed last."""
    due = min((c.due for c in row.clocks), default=date.max)
    return (0 if row.overdue else 1, 1 if row.status == "closed" else 0, due, row.id)


def queue_items(db: Database, queue: str, policy: ReviewPolicy, today: date,
                limit: int = 200) -> list[ItemRow]:
    """A queue's items, overdue at the top."""
    query = (select(rm.ReviewItem, m.Conversation)
             .join(m.Conversation, m.Conversation.id == rm.ReviewItem.conversation_pk)
             .where(rm.ReviewItem.queue == queue).order_by(rm.ReviewItem.id.desc()).limit(limit))
    with db.begin() as s:
        return sorted(_rows(s, query, policy, today), key=priority)


def queue_counts(db: Database) -> dict[str, tuple[int, int]]:
    """Queue -> (items, items with no review yet)."""
    with db.begin() as s:
        total = dict(s.execute(select(rm.ReviewItem.queue, func.count())
                               .group_by(rm.ReviewItem.queue)).all())
        reviewed = select(rm.Review.item_id)
        open_ = dict(s.execute(select(rm.ReviewItem.queue, func.count())
                               .where(rm.ReviewItem.id.not_in(reviewed))
                               .group_by(rm.ReviewItem.queue)).all())
    return {q: (int(n), int(open_.get(q, 0))) for q, n in total.items()}


@dataclass(frozen=True)
class ItemDetail:
    """The review page: the item, its whole review history, its annotations."""

    item: ItemRow
    sender_id: str
    history: list[ReviewRow]
    annotations: dict[int, list[tuple[str, str, datetime]]]


def item_detail(db: Database, item_id: int, policy: ReviewPolicy, today: date) -> ItemDetail:
    """Everything the review page shows of one item (E722 when there is none)."""
    query = (select(rm.ReviewItem, m.Conversation)
             .join(m.Conversation, m.Conversation.id == rm.ReviewItem.conversation_pk)
             .where(rm.ReviewItem.id == item_id))
    with db.begin() as s:
        rows = _rows(s, query, policy, today)
        if not rows:
            raise CandorError(Errors.E722.format(item_id=item_id))
        sender = s.execute(select(m.Conversation.sender_id).where(
            m.Conversation.conversation_id == rows[0].conversation_id)).scalar_one()
        history = [_review(r) for r in s.execute(
            select(rm.Review).where(rm.Review.item_id == item_id).order_by(rm.Review.id))
            .scalars()]
        notes: dict[int, list[tuple[str, str, datetime]]] = {}
        for a in s.execute(select(rm.TurnAnnotation).where(rm.TurnAnnotation.item_id == item_id)
                           .order_by(rm.TurnAnnotation.id)).scalars():
            notes.setdefault(a.turn_id, []).append((a.author, a.note, aware(a.created_at)))
    return ItemDetail(rows[0], sender, history, notes)


def _locked_item(s: Session, item_id: int) -> tuple[rm.ReviewItem, m.Conversation, ReviewRow | None]:
    found = s.execute(select(rm.ReviewItem, m.Conversation)
                      .join(m.Conversation, m.Conversation.id == rm.ReviewItem.conversation_pk)
                      .where(rm.ReviewItem.id == item_id)).first()
    if found is None:
        raise CandorError(Errors.E722.format(item_id=item_id))
    return found[0], found[1], _latest(s, [item_id]).get(item_id)


def may_claim(item_claimed_by: str | None, latest: ReviewRow | None, reviewer: str) -> str | None:
    """Why ``reviewer`` may not claim (None: they may). Pure, so it is table-tested."""
    if status_of(latest) == "escalated":
        if latest is not None and latest.reviewer == reviewer:
            return "four-eyes"
        return None
    if item_claimed_by not in (None, reviewer):
        return "claimed"
    return None


def claim(db: Database, keys: AuditKeys, item_id: int, reviewer: str) -> None:
    """Take an item (or, for an escalated one, take it over as the second reviewer)."""
    with db.begin() as s:
        chain.serialise(s)
        item, conv, latest = _locked_item(s, item_id)
        refusal = may_claim(item.claimed_by, latest, reviewer)
        if refusal == "four-eyes":
            raise CandorError(Errors.E724.format(reviewer=reviewer, item_id=item_id))
        if refusal == "claimed":
            raise CandorError(Errors.E723.format(item_id=item_id, owner=item.claimed_by))
        item.claimed_by, item.claimed_at = reviewer, datetime.now(timezone.utc)
        chain.append_in(s, keys, reviewer, "review_claimed",
                        {"item_id": item_id, "queue": item.queue,
                         "conversation_id": conv.conversation_id},
                        subject_hash(keys.current, conv.sender_id))


def _check(outcome: str, reason: str, note: str) -> None:
    if outcome not in REVIEW_OUTCOMES:
        raise CandorError(Errors.E725.format(
            problem=f"outcome must be one of {', '.join(REVIEW_OUTCOMES)}, not {outcome!r}."))
    if not reason.strip() or len(reason) > MAX_REASON:
        raise CandorError(Errors.E725.format(
            problem=f"give a reason of 1-{MAX_REASON} characters."))
    if len(note) > MAX_NOTE:
        raise CandorError(Errors.E725.format(problem=f"a note has at most {MAX_NOTE} characters."))


def record_review(db: Database, keys: AuditKeys, item_id: int, reviewer: str, outcome: str,
                  reason: str, note: str = "") -> int:
    """Append a review of an item the reviewer claimed; return its id (E722-E725 refuse).

    Four eyes: whoever escalated the item may escalate again but never record a closing
    outcome, now or after a second reviewer closed it (E724).
    """
    _check(outcome, reason, note)
    with db.begin() as s:
        chain.serialise(s)
        item, conv, latest = _locked_item(s, item_id)
        escalators = set(s.execute(select(rm.Review.reviewer).where(
            rm.Review.item_id == item_id, rm.Review.outcome == "escalate")).scalars())
        if reviewer in escalators and outcome != "escalate":
            raise CandorError(Errors.E724.format(reviewer=reviewer, item_id=item_id))
        if item.claimed_by != reviewer:
            raise CandorError(Errors.E723.format(item_id=item_id, owner=item.claimed_by or "nobody"))
        now = datetime.now(timezone.utc)
        seq = chain.append_in(s, keys, reviewer, "review_recorded", {
            "item_id": item_id, "queue": item.queue, "conversation_id": conv.conversation_id,
            "outcome": outcome, "supersedes": latest.id if latest else None,
        }, subject_hash(keys.current, conv.sender_id), now=now)
        review = rm.Review(item_id=item_id, reviewer=reviewer, outcome=outcome,
                           reason=reason.strip(), note=note.strip() or None,
                           supersedes_id=latest.id if latest else None, audit_seq=seq,
                           created_at=now)
        s.add(review)
        item.claimed_by, item.claimed_at = None, None  # done: free for the next decision
        s.flush()
        return int(review.id)


def annotate(db: Database, keys: AuditKeys, item_id: int, turn_id: int, author: str,
             note: str) -> None:
    """Attach a note to one turn of the item's conversation."""
    if not note.strip() or len(note) > MAX_NOTE:
        raise CandorError(Errors.E725.format(
            problem=f"an annotation has 1-{MAX_NOTE} characters."))
    with db.begin() as s:
        chain.serialise(s)
        item, conv, _latest_review = _locked_item(s, item_id)
        turn = s.get(m.Turn, turn_id)
        if turn is None or turn.conversation_pk != item.conversation_pk:
            raise CandorError(Errors.E725.format(
                problem=f"turn {turn_id} is not part of conversation {conv.conversation_id}."))
        chain.append_in(s, keys, author, "turn_annotated",
                        {"item_id": item_id, "turn_id": turn_id,
                         "conversation_id": conv.conversation_id},
                        subject_hash(keys.current, conv.sender_id))
        s.add(rm.TurnAnnotation(item_id=item_id, turn_id=turn_id, author=author,
                                note=note.strip(), created_at=datetime.now(timezone.utc)))


def outcome_totals(db: Database) -> dict[str, Counter[str]]:
    """Queue -> latest outcomes counted (open items as ``open``): what marketing may see."""
    with db.begin() as s:
        items = list(s.execute(select(rm.ReviewItem.id, rm.ReviewItem.queue)).all())
        latest = _latest(s, [i for i, _ in items])
    totals: dict[str, Counter[str]] = {}
    for item_id, queue in items:
        review = latest.get(item_id)
        totals.setdefault(queue, Counter())[review.outcome if review else "open"] += 1
    return totals

