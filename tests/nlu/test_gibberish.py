"""GibberishFilter: the trigram scoring (pure) and the component in the pipeline's place."""

from __future__ import annotations

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.bench.fallback import gibberish
from bot.nlu.gibberish import GibberishFilter, TrigramModel, is_gibberish, normalise
from tests.nlu.nlu_contract import NLUComponentContract, message

# Written for this test: ordinary customer wording, typos included.
TEXTS = [
    "hi", "hello there", "how do I reset my password", "my card was stolen yesterday",
    "what are your opening hours on saturday", "i want to send money abroad",
    "how much does it cost to withdraw cash", "pls help me activate my new card",
    "where is the nearest branch", "can i change my pin at the atm", "thanks a lot",
    "my payment is still pending after three days", "how do I close my savings account",
    "is my money protected if the bank goes bust", "I think someone is using my card",
    "what is the interest rate on a personal loan", "set up a standing order for rent",
    "the app keeps crashing when I log in", "order a new card please", "bye for now",
]


def test_normalise_keeps_letters_and_single_spaces() -> None:
    assert normalise("  Hi!!  My card #1234 ") == " hi my card "


def test_gibberish_scores_higher_than_english() -> None:
    model = TrigramModel.fit(TEXTS)
    english = ["how do I activate my card", "when does the branch open"]
    mash = ["fsuzhl rvozn kr ygf", "qxwvbz pjtk"]
    assert max(model.score(t) for t in english) < min(model.score(t) for t in mash)


def test_short_and_known_messages_are_never_gibberish() -> None:
    model = TrigramModel.fit(TEXTS)
    assert model.score("ok") == 0.0
    assert model.unknown_share("my card was stolen") == 0.0
    assert not is_gibberish(model, "hi", threshold=0.0, min_unknown=0.5)
    assert is_gibberish(model, "fsuzhl rvozn kr ygf", threshold=2.0, min_unknown=0.5)


class TestGibberishFilter(NLUComponentContract):
    component_class = GibberishFilter
    trainable = True

    def training_data(self) -> TrainingData:
        return TrainingData([Message(data={TEXT: t, INTENT: "any"}) for t in TEXTS])

    def prepare(self, messages: list[Message]) -> list[Message]:
        for m in messages:
            if m.get(TEXT):
                m.set(INTENT, {"name": "greet", "confidence": 0.6})
                m.set(INTENT_RANKING_KEY, [{"name": "greet", "confidence": 0.6}])
        return messages

    def check_processed(self, processed: Message) -> None:
        assert processed.get(INTENT)["name"] in {"greet", "nlu_fallback"}

    def summary(self, processed: Message) -> list[float]:
        return [processed.get(INTENT)["confidence"]]

    def test_mash_goes_to_the_fallback_keeping_the_ranking(self, trained: GibberishFilter) -> None:
        flagged = [trained.process(self.prepare([message(t)]))[0] for t in gibberish(40)]
        fallbacks = [m for m in flagged if m.get(INTENT)["name"] == "nlu_fallback"]
        assert len(fallbacks) >= 30
        assert fallbacks[0].get(INTENT_RANKING_KEY)[1]["name"] == "greet"

    def test_real_questions_pass(self, trained: GibberishFilter) -> None:
        for text in ["how do I reset my pasword", "my card was stolen", "hi", "wher is the branch"]:
            assert trained.process(self.prepare([message(text)]))[0].get(INTENT)["name"] == "greet"
