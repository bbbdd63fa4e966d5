"""The built-in CSAT feature extractors (``csat.*.v1``), registered on import.

Each is a pure function ``Dialogue -> float`` whose docstring's first line is what
``candor csat explain`` shows. Rule ids are the rulebook's (``compliance.yml``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from bot.compliance.contract import (
    COMPLAINT,
    HUMAN_HANDOFF,
    NO_PERSONAL_ADVICE,
    VULNERABLE_CUSTOMER,
)
from bot.compliance.doom_loops import FALLBACK_INTENT, FALLBACK_RESPONSES
from bot.registry import csat_features
from bot.scoring import text_signals as ts
from bot.scoring.transcript import Dialogue, DialogueTurn

LOW_CONFIDENCE = 0.5
"""NLU confidence below this counts as a low-confidence turn (Rasa's fallback default is 0.3;
0.5 also catches the turns that scraped past it)."""

RULE_COMPLAINT = COMPLAINT
RULE_VULNERABLE = VULNERABLE_CUSTOMER
RULE_HANDOFF = HUMAN_HANDOFF
RULE_ADVICE = NO_PERSONAL_ADVICE
HANDOFF_INTENTS = frozenset({"request_human", "human_handoff"})


# --- helpers -------------------------------------------------------------------------------


def _has_rule(turn: DialogueTurn, rule: str) -> bool:
    return rule in turn.rule_ids


def _is_fallback(turn: DialogueTurn) -> bool:
    """The shared fallback responses, plus any response named ``*fallback*``.

    The name match is part of the ``v1`` features' definition (the trained model's inputs), so
    it stays until a ``v2``; it already covers every fallback response the shared set adds.
    """
    response = (turn.response or "").lower()
    return turn.role == "bot" and (response in FALLBACK_RESPONSES or "fallback" in response)


def _user_fallback(turn: DialogueTurn) -> bool:
    return turn.role == "user" and turn.intent == FALLBACK_INTENT


def _last_user(c: Dialogue) -> DialogueTurn | None:
    users = c.user_turns
    return users[-1] if users else None


def _last_user_says(c: Dialogue, cue: Callable[[str], bool]) -> float:
    """1.0 when the customer's latest turn shows ``cue``, else 0.0 (also with no turn yet)."""
    last = _last_user(c)
    return float(last is not None and cue(last.text))


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _consecutive_similarities(turns: tuple[DialogueTurn, ...]) -> list[float]:
    return [ts.similarity(a.text, b.text) for a, b in zip(turns, turns[1:], strict=False)]


def _handoff_requests(c: Dialogue) -> list[int]:
    return [
        i for i, t in enumerate(c.turns)
        if t.role == "user"
        and (_has_rule(t, RULE_HANDOFF) or t.intent in HANDOFF_INTENTS or ts.asks_for_human(t.text))
    ]


def _is_handoff_reply(turn: DialogueTurn) -> bool:
    return _has_rule(turn, RULE_HANDOFF) or "handoff" in (turn.response or "").lower()


# --- extractors ----------------------------------------------------------------------------


@csat_features.register("csat.fallback_rate.v1")
def fallback_rate(c: Dialogue) -> float:
    """Share of turns where the bot did not understand (NLU fallback)."""
    bots = c.bot_turns
    misses = sum(_is_fallback(t) for t in bots) + sum(_user_fallback(t) for t in c.user_turns)
    return min(1.0, misses / len(bots)) if bots else 0.0


@csat_features.register("csat.low_confidence_rate.v1")
def low_confidence_rate(c: Dialogue) -> float:
    """Share of customer turns the NLU classified with low confidence."""
    known = [t.confidence for t in c.user_turns if t.confidence is not None]
    return sum(x < LOW_CONFIDENCE for x in known) / len(known) if known else 0.0


@csat_features.register("csat.last_fallback.v1")
def last_fallback(c: Dialogue) -> float:
    """The bot's latest reply was a fallback."""
    bots = c.bot_turns
    return float(bool(bots) and _is_fallback(bots[-1]))


@csat_features.register("csat.repetition_max.v1")
def repetition_max(c: Dialogue) -> float:
    """Highest similarity between consecutive customer turns (rephrasing the same request)."""
    return max(_consecutive_similarities(c.user_turns), default=0.0)


@csat_features.register("csat.repetition_last.v1")
def repetition_last(c: Dialogue) -> float:
    """Similarity of the customer's latest turn to their previous one."""
    sims = _consecutive_similarities(c.user_turns)
    return sims[-1] if sims else 0.0


@csat_features.register("csat.bot_repetition.v1")
def bot_repetition(c: Dialogue) -> float:
    """Highest similarity between consecutive bot replies (the bot going round in circles)."""
    return max(_consecutive_similarities(c.bot_turns), default=0.0)


@csat_features.register("csat.sentiment_last.v1")
def sentiment_last(c: Dialogue) -> float:
    """VADER sentiment of the customer's latest turn."""
    last = _last_user(c)
    return ts.sentiment(last.text) if last else 0.0


@csat_features.register("csat.sentiment_min.v1")
def sentiment_min(c: Dialogue) -> float:
    """Most negative VADER sentiment of any customer turn."""
    return min((ts.sentiment(t.text) for t in c.user_turns), default=0.0)


@csat_features.register("csat.sentiment_mean.v1")
def sentiment_mean(c: Dialogue) -> float:
    """Mean VADER sentiment of the customer's turns."""
    return _mean([ts.sentiment(t.text) for t in c.user_turns])


@csat_features.register("csat.frustration_last.v1")
def frustration_last(c: Dialogue) -> float:
    """Frustration cues in the customer's latest turn (capped at 3)."""
    last = _last_user(c)
    return min(3.0, ts.frustration(last.text)) if last else 0.0


@csat_features.register("csat.frustration_total.v1")
def frustration_total(c: Dialogue) -> float:
    """Frustration cues over the whole conversation (log scale)."""
    return math.log1p(sum(ts.frustration(t.text) for t in c.user_turns))


@csat_features.register("csat.correction_last.v1")
def correction_last(c: Dialogue) -> float:
    """The customer's latest turn contradicts the bot ("no, that's not ...")."""
    return _last_user_says(c, ts.correction)


@csat_features.register("csat.thanks.v1")
def thanks(c: Dialogue) -> float:
    """The customer thanked the bot in one of their last two turns."""
    return float(any(ts.thanks(t.text) for t in c.user_turns[-2:]))


@csat_features.register("csat.closure.v1")
def closure(c: Dialogue) -> float:
    """The customer's latest turn closes the conversation or confirms it is solved."""
    last = _last_user(c)
    return float(bool(last) and ts.closure(last.text))  # type: ignore[union-attr]


@csat_features.register("csat.handoff_requested.v1")
def handoff_requested(c: Dialogue) -> float:
    """The customer asked for a human."""
    return float(bool(_handoff_requests(c)))


@csat_features.register("csat.handoff_refused.v1")
def handoff_refused(c: Dialogue) -> float:
    """A request for a human was answered by something other than a handoff."""
    for i in _handoff_requests(c):
        reply = next((t for t in c.turns[i + 1:] if t.role == "bot"), None)
        if reply is not None and not _is_handoff_reply(reply):
            return 1.0
    return 0.0


@csat_features.register("csat.guardrail_refusals.v1")
def guardrail_refusals(c: Dialogue) -> float:
    """Turns where the bot declined personal advice (rule no-personal-advice), capped at 3."""
    return float(min(3, sum(_has_rule(t, RULE_ADVICE) for t in c.turns)))


@csat_features.register("csat.complaint.v1")
def complaint(c: Dialogue) -> float:
    """A complaint was detected (rule complaint)."""
    return float(any(_has_rule(t, RULE_COMPLAINT) for t in c.turns))


@csat_features.register("csat.vulnerability.v1")
def vulnerability(c: Dialogue) -> float:
    """A vulnerability signal was detected (rule vulnerable-customer)."""
    return float(any(_has_rule(t, RULE_VULNERABLE) for t in c.turns))


@csat_features.register("csat.length.v1")
def length(c: Dialogue) -> float:
    """Number of customer turns (log scale)."""
    return math.log1p(len(c.user_turns))


@csat_features.register("csat.latency_mean.v1")
def latency_mean(c: Dialogue) -> float:
    """Mean bot response latency in seconds (capped at 30)."""
    known = [t.latency_ms for t in c.bot_turns if t.latency_ms is not None]
    return min(30.0, _mean(known) / 1000.0)


@csat_features.register("csat.latency_max.v1")
def latency_max(c: Dialogue) -> float:
    """Slowest bot response in seconds (capped at 30)."""
    known = [t.latency_ms for t in c.bot_turns if t.latency_ms is not None]
    return min(30.0, max(known, default=0.0) / 1000.0)


@csat_features.register("csat.abandoned.v1")
def abandoned(c: Dialogue) -> float:
    """The conversation ended without thanks, closure or a handoff (the customer walked away)."""
    last = _last_user(c)
    if not c.ended or last is None:
        return 0.0
    if ts.thanks(last.text) or ts.closure(last.text):
        return 0.0
    return float(not any(_is_handoff_reply(t) for t in c.bot_turns))


# --- how the customer received each reply (the cues that carry over to other dialogues) ----


def _share(turns: tuple[DialogueTurn, ...], cue: Callable[[str], bool]) -> float:
    return sum(cue(t.text) for t in turns) / len(turns) if turns else 0.0


@csat_features.register("csat.approval_last.v1")
def approval_last(c: Dialogue) -> float:
    """The customer's latest turn approves what the bot offered ("sounds good", "perfect")."""
    return _last_user_says(c, ts.approval)


@csat_features.register("csat.rejection_last.v1")
def rejection_last(c: Dialogue) -> float:
    """The customer's latest turn declines the offer or asks for something else."""
    return _last_user_says(c, ts.rejection)


@csat_features.register("csat.approval_rate.v1")
def approval_rate(c: Dialogue) -> float:
    """Share of the customer's turns that approve what the bot offered."""
    return _share(c.user_turns, ts.approval)


@csat_features.register("csat.rejection_rate.v1")
def rejection_rate(c: Dialogue) -> float:
    """Share of the customer's turns that decline or ask for something else."""
    return _share(c.user_turns, ts.rejection)


@csat_features.register("csat.setback_last.v1")
def setback_last(c: Dialogue) -> float:
    """The bot's latest reply apologised or said it could not do or find something."""
    bots = c.bot_turns
    return float(bool(bots) and ts.setback(bots[-1].text))


@csat_features.register("csat.setback_rate.v1")
def setback_rate(c: Dialogue) -> float:
    """Share of the bot's replies that apologised or said it could not do something."""
    return _share(c.bot_turns, ts.setback)
