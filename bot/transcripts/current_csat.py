"""Which stored CSAT score is a conversation's current one: the one written last.

Scores are stored per model version, so one conversation can hold several: csat-v2's beside
csat-v3's after an upgrade, a promoted survey-trained model's, then the shipped model's again
after ``candor csat model --use-shipped`` and a rescore. The console list, its CSAT band
filter, the transcript page, the review queues, Studio and ``candor csat explain`` must all
mean the same score, or a conversation listed under "low CSAT" shows a 4.2. The current one is
the row with the conversation's highest id: :func:`~bot.transcripts.repository.upsert_csat_scores`
gives a rescored row a new id, so after ``candor csat score`` it is the model in use's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from bot.transcripts import models as m

NEWEST_FIRST = m.CsatScore.id.desc()
"""Order of a conversation's scores from its current one (rescored rows get a new id)."""


def current_values(s: Session, pks: Sequence[int]) -> dict[int, float]:
    """Each conversation's current predicted CSAT, for those of ``pks`` that have one."""
    sc = m.CsatScore
    values: dict[int, float] = {}
    for pk, value in s.execute(select(sc.conversation_pk, sc.value)
                               .where(sc.conversation_pk.in_(pks)).order_by(sc.id)):
        values[pk] = value  # the newest wins
    return values


def current_row(s: Session, conversation_pk: int) -> m.CsatScore | None:
    """The conversation's current score row, or None when it was never scored."""
    return s.execute(select(m.CsatScore).where(m.CsatScore.conversation_pk == conversation_pk)
                     .order_by(NEWEST_FIRST).limit(1)).scalars().first()


def current_in_band(low: float, high: float) -> tuple[Any, ...]:
    """Criteria on ``csat_scores``: the row is its conversation's current one and in [low, high).

    "No newer row for the same conversation": a seek on the (conversation, version) index,
    whose entries carry the id, and a hash anti-join on PostgreSQL (bench/results/console_list.md;
    a grouped max over the whole table took 230 ms there).
    """
    sc, newer = m.CsatScore, aliased(m.CsatScore)
    superseded = exists().where(newer.conversation_pk == sc.conversation_pk, newer.id > sc.id)
    return sc.value >= low, sc.value < high, ~superseded
