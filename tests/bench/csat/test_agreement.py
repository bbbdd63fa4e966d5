"""Inter-annotator agreement: each annotator scored against the rest of the panel."""

from __future__ import annotations

import pytest

from bot.bench.csat.agreement import annotator_agreement
from bot.bench.csat.uss import parse_uss
from bot.errors import CandorError


def uss(*dialogues: list[str]) -> str:
    """USS text: each dialogue a list of rating fields, the last one its OVERALL line."""
    blocks = []
    for ratings in dialogues:
        rows = []
        for i, field in enumerate(ratings[:-1]):
            rows += [f"USER\tquestion {i}\t\t{field}", f"SYSTEM\tanswer {i}\t\t"]
        rows.append(f"USER\tOVERALL\t\t{ratings[-1]}")
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def test_a_unanimous_panel_agrees_perfectly() -> None:
    text = uss(["3,3,3", "1,1,1", "2,2,2"], ["4,4,4", "5,5,5", "4,4,4"], ["3,3,3", "3,3,3"])
    result = annotator_agreement(parse_uss(text))
    assert result["panel"] == 3 and result["n_lines"] == 8 and result["n_dialogues"] == 3
    for annotator in result["annotators"]:
        assert annotator["uar"] == annotator["kappa"] == annotator["f1_dissatisfied"] == 1.0
        assert annotator["spearman"] == annotator["spearman_dialogues"] == 1.0


def test_a_contrary_annotator_disagrees_with_the_rest() -> None:
    """The third of four annotators rates every line 6 - r; the other three agree."""
    fields = [f"{r},{r},{6 - r},{r}" for r in (1, 2, 3, 4, 5)]
    text = uss(fields[:2] + [fields[1]], fields[2:4] + [fields[4]], fields[:1] + [fields[3]])
    result = annotator_agreement(parse_uss(text))
    first, _, contrary, _ = result["annotators"]
    assert first["kappa"] == first["uar"] == first["spearman"] == 1.0
    assert first["spearman_dialogues"] == 1.0
    assert contrary["kappa"] < 0 and contrary["spearman"] == contrary["spearman_dialogues"] == -1.0
    assert result["mean"]["kappa"] == pytest.approx(
        sum(a["kappa"] for a in result["annotators"]) / 4, abs=1e-4)


def test_the_label_is_the_majority_of_the_other_ratings_ties_to_the_lower() -> None:
    """Annotator 1 says 3 where the others split 2 / 4: the label is 2, so it misses."""
    text = uss(["3,2,4", "3,3,3", "5,5,5"], ["3,2,4", "5,5,5", "3,3,3"])
    first = annotator_agreement(parse_uss(text))["annotators"][0]
    # labels 2, 3, 5, 2, 5, 3 against annotator 1's 3, 3, 5, 3, 5, 3: class 2 never recalled
    assert first["f1_dissatisfied"] == 0.0
    assert first["uar"] == pytest.approx((0 + 1 + 1) / 5, abs=1e-4)


def test_every_rated_line_needs_two_ratings() -> None:
    with pytest.raises(CandorError, match="E411 f.txt"):
        annotator_agreement(parse_uss(uss(["3,3", "4"]), "f.txt"), "f.txt")


def test_the_reader_keeps_each_annotators_rating() -> None:
    (dialogue,) = parse_uss(uss(["3,2,4", "1,1,2", "4,5,5"]))
    assert dialogue.turn_ratings == ((3, 2, 4), (1, 1, 2))
    assert dialogue.overall_ratings == (4, 5, 5)
    assert dialogue.turn_labels == (2, 1) and dialogue.overall == 5
