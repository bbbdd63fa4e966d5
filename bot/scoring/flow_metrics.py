"""Studio's flow metrics: pure functions over conversation facts (no database, no Rasa).

A **flow** is an FAQ topic (``topic:card_pin``, from a ``utter_faq/<topic>`` answer), a customer
intent (``intent:request_human``) or a form (``form:dispute_form``). A conversation belongs to
every flow it touched. Definitions (the README's Studio section repeats them):

- **fallback** and **doom loop**: as :mod:`bot.compliance.doom_loops` defines them (the review
  queues' "fallback loops" are the same conversations); **fallback rate**: customer messages
  answered by a fallback / customer messages;
- **containment**: ended without a handoff (share of conversations);
- **abandonment**: outcome ``abandoned`` (went idle without an ending);
- **complaint**: a complaint recorded or the complaint rule fired;
- **answered** (funnel): at least one customer message got a non-fallback answer;
  **satisfied**: a survey rating of 4 or 5.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.compliance.doom_loops import (
    FALLBACK_INTENT,
    TurnFact,
    answered_by_fallback,
    doom_loop,
    exchanges,
    fallback_flags,
)

FAQ_PREFIX = "utter_faq/"
SATISFIED = 4


@dataclass(frozen=True)
class ConversationFact:
    """One conversation: its turns and what happened."""

    conversation_id: str
    started_at: datetime
    channel: str | None
    outcome: str
    turns: tuple[TurnFact, ...]
    handoff: bool = False
    complaint: bool = False
    rating: int | None = None
    predicted: float | None = None

    @property
    def day(self) -> date:
        return self.started_at.date()


def has_doom_loop(c: ConversationFact) -> bool:
    """Two fallbacks in a row, or a human asked for and not given (the shared definition)."""
    return doom_loop(c.turns, c.handoff)


def flows_of(c: ConversationFact) -> set[str]:
    """The flows a conversation touched."""
    found: set[str] = set()
    for t in c.turns:
        if t.actor == "bot" and t.response and t.response.startswith(FAQ_PREFIX):
            found.add("topic:" + t.response[len(FAQ_PREFIX):])
        elif t.actor == "user" and t.intent and t.intent not in ("faq", FALLBACK_INTENT):
            found.add("intent:" + t.intent)
        if t.action and t.action.endswith("_form"):
            found.add("form:" + t.action)
    return found


def rate(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide."""
    return part / whole if whole else None


@dataclass(frozen=True)
class FlowMetrics:
    """Every figure of one flow (or of the whole bot) for a set of conversations."""

    flow: str
    volume: int
    containment: float | None
    fallback_rate: float | None
    doom_loops: int
    doom_loop_rate: float | None
    handoff_rate: float | None
    abandonment: float | None
    complaint_rate: float | None
    csat_mean: float | None
    csat_n: int
    predicted_mean: float | None
    median_turns: float | None
    trend: tuple[tuple[date, int], ...]


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def metrics(flow: str, convs: Sequence[ConversationFact]) -> FlowMetrics:
    """The figures of ``convs`` (already the conversations of ``flow``)."""
    n = len(convs)
    flags = [fallback_flags(c.turns) for c in convs]
    messages = sum(len(f) for f in flags)
    fallbacks = sum(sum(f) for f in flags)
    loops = sum(has_doom_loop(c) for c in convs)
    ratings = [float(c.rating) for c in convs if c.rating is not None]
    predicted = [c.predicted for c in convs if c.predicted is not None]
    days: dict[date, int] = defaultdict(int)
    for c in convs:
        days[c.day] += 1
    return FlowMetrics(
        flow, n, rate(sum(not c.handoff for c in convs), n), rate(fallbacks, messages),
        loops, rate(loops, n), rate(sum(c.handoff for c in convs), n),
        rate(sum(c.outcome == "abandoned" for c in convs), n),
        rate(sum(c.complaint for c in convs), n), _mean(ratings), len(ratings),
        _mean(predicted),
        statistics.median(len(c.turns) for c in convs) if convs else None,
        tuple(sorted(days.items())))


def by_flow(convs: Iterable[ConversationFact]) -> list[FlowMetrics]:
    """Metrics of every flow, busiest first."""
    groups: dict[str, list[ConversationFact]] = defaultdict(list)
    for c in convs:
        for flow in flows_of(c):
            groups[flow].append(c)
    return sorted((metrics(f, cs) for f, cs in groups.items()), key=lambda m: (-m.volume, m.flow))


#: The funnel's steps in order (the fields of :class:`Funnel`); each is a subset of the one before.
FUNNEL_STEPS = ("conversations", "answered", "contained", "surveyed", "satisfied")


@dataclass(frozen=True)
class Funnel:
    conversations: int
    answered: int
    contained: int
    surveyed: int
    satisfied: int

    def steps(self) -> list[tuple[str, int]]:
        """(label, count) in funnel order."""
        return [(step, getattr(self, step)) for step in FUNNEL_STEPS]


def funnel_stages(convs: Sequence[ConversationFact]) -> dict[str, list[ConversationFact]]:
    """The conversations at each funnel step (what the counts count, and the list links to)."""
    answered = [c for c in convs if any(replies and not answered_by_fallback(q, replies)
                                        for q, replies in exchanges(c.turns))]
    contained = [c for c in answered if not c.handoff]
    surveyed = [c for c in contained if c.rating is not None]
    satisfied = [c for c in surveyed if (c.rating or 0) >= SATISFIED]
    return dict(zip(FUNNEL_STEPS, (list(convs), answered, contained, surveyed, satisfied), strict=True))


def funnel(convs: Sequence[ConversationFact]) -> Funnel:
    """The bot-wide funnel."""
    return Funnel(*(len(stage) for stage in funnel_stages(convs).values()))
