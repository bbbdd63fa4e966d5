"""The USS reader: labels by majority vote, strict errors with line numbers."""

from __future__ import annotations

import pytest

from bot.bench.csat.uss import majority, parse_uss
from bot.errors import CandorError
from tests.scoring.csat_helpers import USS_FIXTURE

GOOD = (
    "USER\tmy card is lost\tINFORM_INTENT\t3,3,4\n"
    "SYSTEM\tI froze it.\tNOTIFY_SUCCESS\t\n"
    "USER\tthanks\tTHANK_YOU\t5,4,4\n"
    "USER\tOVERALL\t\t4,5,5\n"
    "\n"
    "user\tyo\tGREET\t2,3\n"
    "system\thello\tGREET\t\n"
    "USER\tOVERALL\t\t2\n"
)


# fmt: off
@pytest.mark.parametrize("ratings, label", [
    ((3, 3, 4), 3), ((5, 4, 4), 4), ((2, 3), 2), ((4, 5, 4, 5), 4), ((1,), 1), ((5, 5, 1), 5),
])
# fmt: on
def test_majority_vote_ties_to_the_lower_rating(ratings: tuple[int, ...], label: int) -> None:
    assert majority(ratings) == label


def test_parses_dialogues_turns_and_labels() -> None:
    dialogues = parse_uss(GOOD)
    assert len(dialogues) == 2
    first, second = dialogues
    assert [t.role for t in first.conversation.turns] == ["user", "bot", "user"]
    assert first.turn_labels == (3, 4) and first.overall == 5
    assert first.conversation.turns[0].intent == "INFORM_INTENT"
    assert first.conversation.turns[1].response == "NOTIFY_SUCCESS"
    assert second.turn_labels == (2,) and second.overall == 2 and second.line == 6


def test_tolerates_leading_and_repeated_blank_lines_and_crlf() -> None:
    text = "\n\n" + GOOD.replace("\n\n", "\n\n\n").replace("\n", "\r\n")
    assert [d.overall for d in parse_uss(text)] == [5, 2]


def test_the_committed_fixture_parses() -> None:
    dialogues = parse_uss(USS_FIXTURE.read_text(encoding="utf-8"), str(USS_FIXTURE))
    assert 10 <= len(dialogues) <= 20
    assert {d.overall for d in dialogues} == {1, 2, 3, 4, 5}


# fmt: off
@pytest.mark.parametrize("text, match", [
    ("USER\thi\tGREET\n", r"E401 f.txt:1: 3 tab-separated fields"),
    ("BOT\thi\tGREET\t3\nUSER\tOVERALL\t\t3\n", r"E401 f.txt:1: unknown role 'BOT'"),
    ("USER\thi\tGREET\t\nUSER\tOVERALL\t\t3\n", r"E401 f.txt:1: USER line without ratings"),
    ("USER\thi\tGREET\t3,x\nUSER\tOVERALL\t\t3\n", r"E401 f.txt:1: ratings '3,x'"),
    ("USER\thi\tGREET\t3\nUSER\tOVERALL\t\t6\n", r"E401 f.txt:2: rating outside 1-5"),
    ("USER\thi\tGREET\t3\nSYSTEM\tok\tX\t\n\nUSER\tOVERALL\t\t3\n",
     r"E401 f.txt:2: dialogue does not end with a USER OVERALL"),
    ("USER\tOVERALL\t\t3\nUSER\thi\tGREET\t3\nUSER\tOVERALL\t\t3\n",
     r"E401 f.txt:1: OVERALL line before the end"),
    ("\n\n", r"E402 f.txt: no dialogues"),
])
# fmt: on
def test_broken_input_names_the_line(text: str, match: str) -> None:
    with pytest.raises(CandorError, match=match):
        parse_uss(text, "f.txt")
