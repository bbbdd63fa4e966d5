"""Reader for the USS dialogue format (Sun et al., SIGIR 2021).

UTF-8, one utterance per line: ``ROLE<TAB>TEXT<TAB>ACTION<TAB>RATINGS``; ROLE ``USER`` or
``SYSTEM``; USER lines carry comma-separated 1-5 ratings from several annotators, SYSTEM lines
an empty field; a blank line between dialogues; the last line of each dialogue is
``USER<TAB>OVERALL<TAB><TAB>RATINGS``. A turn's label is the annotators' majority vote, ties
going to the lower rating (what the authors' ``argmax`` over counts does).

The reader is strict and names the line of every problem (E401): silently skipping a bad line
would shift the contiguous folds of the evaluation protocol and change the published numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import CandorError, Errors
from bot.scoring.transcript import Dialogue, DialogueTurn

OVERALL = "OVERALL"


@dataclass(frozen=True)
class UssDialogue:
    """One dialogue: the transcript (without the OVERALL line), its labels and where it starts.

    ``turn_ratings`` and ``overall_ratings`` keep each annotator's rating behind the majority
    labels (empty for dialogues built from survey answers), for the inter-annotator agreement.
    """

    conversation: Dialogue
    turn_labels: tuple[int, ...]
    overall: int
    line: int
    turn_ratings: tuple[tuple[int, ...], ...] = ()
    overall_ratings: tuple[int, ...] = ()


def majority(ratings: Iterable[int]) -> int:
    """Majority vote; ties go to the lower rating."""
    counts = Counter(ratings)
    top = max(counts.values())
    return min(r for r, n in counts.items() if n == top)


def _ratings(field: str, path: str, line: int) -> tuple[int, ...]:
    try:
        values = tuple(int(x) for x in field.split(","))
    except ValueError:
        raise CandorError(
            Errors.E401.format(path=path, line=line, problem=f"ratings {field!r} are not integers")
        ) from None
    if not all(1 <= v <= 5 for v in values):
        raise CandorError(
            Errors.E401.format(path=path, line=line, problem=f"rating outside 1-5 in {field!r}")
        )
    return values


def _dialogue(rows: list[tuple[int, list[str]]], path: str, index: int) -> UssDialogue:
    last_line, last = rows[-1]
    if last[0].upper() != "USER" or last[1].strip() != OVERALL:
        raise CandorError(Errors.E401.format(
            path=path, line=last_line, problem="dialogue does not end with a USER OVERALL line"))
    turns: list[DialogueTurn] = []
    ratings_of_turns: list[tuple[int, ...]] = []
    for line, (role, text, action, ratings) in rows[:-1]:
        if text.strip() == OVERALL and role.upper() == "USER":
            raise CandorError(Errors.E401.format(
                path=path, line=line, problem="OVERALL line before the end of the dialogue"))
        if role.upper() == "USER":
            ratings_of_turns.append(_ratings(ratings, path, line))
            turns.append(DialogueTurn("user", text.strip(), intent=action.strip() or None))
        else:
            turns.append(DialogueTurn("bot", text.strip(), response=action.strip() or None))
    overall = _ratings(last[3], path, last_line)
    conversation = Dialogue(f"uss-{index}", tuple(turns), ended=True)
    return UssDialogue(conversation, tuple(majority(r) for r in ratings_of_turns),
                       majority(overall), rows[0][0], tuple(ratings_of_turns), overall)


def parse_uss(text: str, path: str = "<string>") -> list[UssDialogue]:
    """Parse a whole USS file; raises :class:`CandorError` E401/E402 with the line number."""
    dialogues: list[UssDialogue] = []
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if rows:
                dialogues.append(_dialogue(rows, path, len(dialogues)))
                rows = []
            continue
        fields = line.split("\t")
        if len(fields) != 4:
            raise CandorError(Errors.E401.format(
                path=path, line=number, problem=f"{len(fields)} tab-separated fields, expected 4"))
        role = fields[0].strip().upper()
        if role not in ("USER", "SYSTEM"):
            raise CandorError(Errors.E401.format(
                path=path, line=number, problem=f"unknown role {fields[0]!r}"))
        if role == "USER" and not fields[3].strip():
            raise CandorError(Errors.E401.format(
                path=path, line=number, problem="USER line without ratings"))
        if role == "USER":
            _ratings(fields[3], path, number)
        rows.append((number, fields))
    if rows:
        dialogues.append(_dialogue(rows, path, len(dialogues)))
    if not dialogues:
        raise CandorError(Errors.E402.format(path=path))
    return dialogues
