"""Batch scoring: which conversations are due, and the stored row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.scoring.batch import due, score_row
from bot.scoring.model import load_model
from bot.scoring.transcript import Dialogue, DialogueTurn
from tests.scoring.csat_helpers import b, conv, u


def stamped(ended: bool, last: float | None) -> Dialogue:
    return Dialogue("c", (u("hi"), replace(b(), timestamp=last)), ended=ended)


# fmt: off
@pytest.mark.parametrize("c, now, is_due, ended", [
    (stamped(True, None), 0.0, True, True),           # closed: always due
    (stamped(False, 100.0), 100.0 + 1800, True, True),  # idle long enough: scored as ended
    (stamped(False, 100.0), 100.0 + 60, False, None),   # still live
    (stamped(False, None), 1e9, False, None),           # no timestamps: wait for the end
    (Dialogue("c", (DialogueTurn("bot", "Hi, I'm an AI."),)), 0.0, False, None),  # no customer
])
# fmt: on
def test_due(c: Dialogue, now: float, is_due: bool, ended: bool | None) -> None:
    result = due(c, now, idle_seconds=1800)
    assert (result is not None) is is_due
    if result is not None:
        assert result.ended is ended


def test_score_row_is_a_pure_function_of_transcript_and_model() -> None:
    c = conv(u("where is my card"), b(), u("thanks"))
    first, second = score_row(c, load_model()), score_row(c, load_model())
    assert first == second and first["model_version"] == "csat-v3"
    assert len(first["turn_scores"]) == 2 and set(first["explanation"]) == {"raising", "lowering"}
