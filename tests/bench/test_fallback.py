from __future__ import annotations

from pathlib import Path

from bot.bench.fallback import answered_rate, best_answer, clinc_texts, gibberish, markdown


def parse(intent: str, ranking: list[tuple[str, float]]) -> dict:
    return {"intent": {"name": intent},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}


def test_gibberish_is_repeatable_and_not_words() -> None:
    assert gibberish(5) == gibberish(5)
    assert gibberish(5, seed=1) != gibberish(5)
    assert all(line and line.replace(" ", "").isalpha() for line in gibberish(50))


def test_best_answer_skips_the_fallback_entry() -> None:
    p = parse("nlu_fallback", [("nlu_fallback", 1.0), ("faq", 0.35), ("greet", 0.2)])
    assert best_answer(p) == ("faq", 0.35)


def test_answered_rate_configured_and_swept() -> None:
    parses = [
        parse("faq", [("faq", 0.9)]),
        parse("nlu_fallback", [("nlu_fallback", 1.0), ("faq", 0.35)]),
        parse("out_of_scope", [("out_of_scope", 0.8)]),
        parse("faq", [("faq", 0.45)]),
    ]
    assert answered_rate(parses, None) == 0.5
    assert answered_rate(parses, 0.3) == 0.75  # the fallback one would be answered
    assert answered_rate(parses, 0.5) == 0.25
    assert answered_rate([], 0.5) == 0.0


def test_clinc_texts_reads_the_requested_splits(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("split,text,intent\ntrain,one,x\nval,two,y\n")
    assert clinc_texts(tmp_path, ("a.csv",), {"val"}) == ["two"]


def test_markdown_puts_the_configured_row_first() -> None:
    report = {"sizes": {"a": 2}, "configured": {"a": 0.5},
              "sweep": [{"threshold": 0.3, "a": 1.0}]}
    lines = markdown(report).splitlines()
    assert "a answered (n=2)" in lines[0]
    assert lines[2] == "| **configured** | **50.0%** |"
    assert lines[3] == "| 0.30 | 100.0% |"
