"""Fallbacks and doom loops: the one definition Studio's metrics and the review queues share.

A conversation stuck in a loop the customer cannot leave is a conduct risk (the review queue
"fallback loops") and a flow defect (Studio's "doom loops"); both must count the same
conversations, so both read this module. Pure: turns (no text) in, flags out.

- A customer message is **answered by a fallback** when the message itself was not understood
  (intent ``nlu_fallback``) or a bot reply to it is a fallback response
  (:data:`FALLBACK_RESPONSES`, from ``domain.yml``) or came from a fallback action
  (:data:`FALLBACK_ACTIONS`: Rasa's core fallback in ``config.yml`` and Candor's two-stage
  ``action_fallback``). ``utter_offer_human`` is deliberately *not* a fallback response: it is
  also the right answer after a complaint, an ineligible application or a request for a person;
  when it is the second stage of a fallback, the ``nlu_fallback`` question already counts.
- A **doom loop** is :data:`LOOP_LENGTH` or more customer messages in a row answered by a
  fallback, or a person asked for (intent ``request_human`` or the
  ``signal.human_request.v1`` detector) and none given (no handoff recorded and the
  ``human-handoff`` rule never fired).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.compliance.contract import HUMAN_HANDOFF

#: Bot responses (domain.yml) that say "I did not understand" or "I cannot answer that".
FALLBACK_RESPONSES = frozenset({"utter_default", "utter_ask_rephrase", "utter_safe_fallback"})
#: Actions that only run when the bot did not understand (config.yml, data/rules.yml).
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "action_fallback"})
#: The NLU's "not understood" intent (a customer message, not a bot reply).
FALLBACK_INTENT = "nlu_fallback"
HUMAN_REQUEST_INTENT = "request_human"
HUMAN_REQUEST_DETECTOR = "signal.human_request.v1"
#: Customer messages in a row answered by a fallback that make a loop.
LOOP_LENGTH = 2


@dataclass(frozen=True)
class TurnFact:
    """One message as the metrics and queue predicates need it (no text).

    ``actor`` is ``user`` or ``bot``; a user turn has ``intent`` and ``detectors``, a bot
    turn ``response`` (the domain response), ``action`` (the action that sent it) and, when
    served from the Studio library, ``variant`` and ``version``. ``rule_ids`` are the
    rulebook rules that fired on the turn.
    """

    actor: str
    intent: str | None = None
    response: str | None = None
    action: str | None = None
    variant: str | None = None
    version: int | None = None
    detectors: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()


def is_fallback_reply(turn: TurnFact) -> bool:
    """A bot reply that is a fallback response or came from a fallback action."""
    return turn.actor == "bot" and (turn.response in FALLBACK_RESPONSES
                                    or turn.action in FALLBACK_ACTIONS)


def exchanges(turns: Sequence[TurnFact]) -> list[tuple[TurnFact, list[TurnFact]]]:
    """Each customer message with the bot replies to it, in order.

    Bot turns before the first customer message (a greeting) answer nothing.
    """
    out: list[tuple[TurnFact, list[TurnFact]]] = []
    for turn in turns:
        if turn.actor == "user":
            out.append((turn, []))
        elif out:
            out[-1][1].append(turn)
    return out


def answered_by_fallback(question: TurnFact, replies: Sequence[TurnFact]) -> bool:
    """The customer message was not understood, or a reply to it was a fallback."""
    return question.intent == FALLBACK_INTENT or any(is_fallback_reply(t) for t in replies)


def fallback_flags(turns: Sequence[TurnFact]) -> list[bool]:
    """Per customer message: was it answered by a fallback?"""
    return [answered_by_fallback(q, replies) for q, replies in exchanges(turns)]


def fallback_streak(turns: Sequence[TurnFact]) -> int:
    """The longest run of customer messages in a row answered by a fallback."""
    longest = run = 0
    for flag in fallback_flags(turns):
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def asks_for_human(turn: TurnFact) -> bool:
    """The customer asked for a person (by intent or by the compliance detector)."""
    return turn.actor == "user" and (turn.intent == HUMAN_REQUEST_INTENT
                                     or HUMAN_REQUEST_DETECTOR in turn.detectors)


def human_denied(turns: Sequence[TurnFact], handoff_recorded: bool) -> bool:
    """A person was asked for and none was given (no handoff recorded or rule fired)."""
    if handoff_recorded or any(HUMAN_HANDOFF in t.rule_ids for t in turns):
        return False
    return any(asks_for_human(t) for t in turns)


def doom_loop(turns: Sequence[TurnFact], handoff_recorded: bool) -> bool:
    """Two or more fallbacks in a row, or a human asked for and not given."""
    return fallback_streak(turns) >= LOOP_LENGTH or human_denied(turns, handoff_recorded)
