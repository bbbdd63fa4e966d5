"""Customer-word signals: VADER sentiment, frustration cues, thanks, closure, similarity."""

from __future__ import annotations

import pytest

from bot.scoring import text_signals as ts


# fmt: off
@pytest.mark.parametrize("text, sign", [
    ("thanks, that really helped!", 1),
    ("this is useless and awful", -1),
    ("what is my balance", 0),
    ("", 0),
])
# fmt: on
def test_sentiment_sign(text: str, sign: int) -> None:
    value = ts.sentiment(text)
    assert -1.0 <= value <= 1.0
    assert (value > 0.05) - (value < -0.05) == sign


# fmt: off
@pytest.mark.parametrize("text, cues", [
    ("how do I reset my PIN", 0.0),              # acronyms are not shouting
    ("I already told you that", 1.0),
    ("still not working??", 2.0),                 # phrase + repeated punctuation
    ("WHY is this so SLOW", 2.0),                 # two shouted words
    ("you're not listening, this is useless!!", 3.0),
])
# fmt: on
def test_frustration_cues(text: str, cues: float) -> None:
    assert ts.frustration(text) == cues


# fmt: off
@pytest.mark.parametrize("fn, text, expected", [
    (ts.thanks, "cheers, sorted", True),
    (ts.thanks, "they took my card", False),
    (ts.closure, "perfect, bye", True),
    (ts.closure, "ok", True),
    (ts.closure, "ok but it still fails", False),
    (ts.correction, "no, that's not what I asked", True),
    (ts.correction, "I know the answer", False),
    (ts.asks_for_human, "can I talk to a real person", True),
    (ts.asks_for_human, "I need a new card", False),
    (ts.approval, "sounds good, go ahead", True),
    (ts.approval, "that works for me", True),
    (ts.approval, "ok", False),                   # a bare acknowledgement is not approval
    (ts.rejection, "no, not that one", True),
    (ts.rejection, "actually, something else please", True),
    (ts.rejection, "no, that's all, thanks", False),  # a polite close
    (ts.rejection, "nothing else, thank you", False),
    (ts.rejection, "yes please", False),
    (ts.setback, "Sorry, I couldn't find any free slots.", True),
    (ts.setback, "Unfortunately that card can't be reissued.", True),
    (ts.setback, "Your new card is ordered.", False),
])
# fmt: on
def test_boolean_signals(fn: object, text: str, expected: bool) -> None:
    assert fn(text) is expected  # type: ignore[operator]


# fmt: off
@pytest.mark.parametrize("a, b, low, high", [
    ("why is my card blocked", "card blocked why", 0.59, 1.0),   # reordered rephrasing
    ("change my pin", "change my pinn", 0.9, 1.0),               # typo repeat
    ("lost my card", "what are your opening hours", 0.0, 0.4),
    ("", "anything", 0.0, 0.0),
])
# fmt: on
def test_similarity(a: str, b: str, low: float, high: float) -> None:
    assert low <= ts.similarity(a, b) <= high


def test_similarity_ratio_is_the_standard_librarys() -> None:
    """The compiled SequenceMatcher must give difflib's ratios: the shipped model was fit on them."""
    import difflib
    import random

    import yaml

    from bot.paths import PROJECT_ROOT

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    replies = [" ".join(ts.words(v["text"])) for variants in domain["responses"].values()
               for v in variants if v.get("text")]
    rng = random.Random(7)
    pairs = [(rng.choice(replies), rng.choice(replies)) for _ in range(300)]
    pairs += [(a, a[: len(a) // 2] + " again " + a[len(a) // 2:]) for a in replies[:50]]
    ts.similarity.cache_clear()
    for a, b in pairs:
        wa, wb = ts.words(a), ts.words(b)
        jaccard = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
        ratio = difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb), autojunk=False).ratio()
        expected = max(jaccard, ratio)
        assert ts.similarity(a, b) == expected
