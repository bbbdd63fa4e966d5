"""v2 guardrail signals on wording written for these tests (not the evaluation set).

Indirect complaints, scam stories, requests for a person, data-rights requests, look-alikes.
"""

from __future__ import annotations

import pytest

from bot.registry import detectors

COMPLAINT = "signal.complaint.v2"
VULNERABLE = "signal.vulnerability.v2"
MONEY_MOVED = "signal.scam_money_moved.v1"
HUMAN = "signal.human_request.v2"
BOT = "signal.bot_identity.v2"
ADVICE = "signal.advice_request.v3"
ACCOUNT = "signal.account_data.v1"
DISPUTE = "signal.dispute.v1"
RIGHTS = "signal.data_rights.v1"

# fmt: off
CASES = [
    # complaints said as a fact, a verdict, a threat, sarcasm, a question, a survey comment
    (COMPLAINT, "my statement has been wrong for two months and nobody has fixed it", True),
    (COMPLAINT, "the new savings rate is a joke compared to everyone else", True),
    (COMPLAINT, "if my card isn't here by monday im moving banks", True),
    (COMPLAINT, "oh brilliant, another outage on a friday night", True),
    (COMPLAINT, "love how your app crashes every time i need it", True),
    (COMPLAINT, "how is it fair that you charge me to close an account?", True),
    (COMPLAINT, "2/5 took ages to get anywhere", True),
    (COMPLAINT, "would not recommend this chat to anyone", True),
    (COMPLAINT, "its been 3 weeks and my new pin still hasnt arrived", True),
    (COMPLAINT, "Im taking this to the ombudsman", True),
    (COMPLAINT, "what are your overdraft fees?", False),
    (COMPLAINT, "how do I avoid a late payment charge", False),
    (COMPLAINT, "what happens to my savings if i switch banks?", False),
    (COMPLAINT, "my card arrived today, thanks so much", False),
    (COMPLAINT, "my father gets angry when I ask about money", False),
    # vulnerability: bereavement, illness, hardship, abuse, scams; and look-alikes
    (VULNERABLE, "my dad died last week and I'm his executor", True),
    (VULNERABLE, "I've been in hospital since march and missed two payments", True),
    (VULNERABLE, "got laid off on friday, can I pause my loan?", True),
    (VULNERABLE, "my husband controls all our money and I'm scared to ask", True),
    (VULNERABLE, "a woman I've never met says she needs money for her flight to see me", True),
    (VULNERABLE, "the bank rang and told me to move my money to a secure account", True),
    (VULNERABLE, "my laptop died, can I use the app instead?", False),
    (VULNERABLE, "what is a romance scam?", False),
    (VULNERABLE, "will you ever ask me to move money to another account?", False),
    (VULNERABLE, "is there a dementia friendly branch near me? asking for my volunteer group", False),
    (VULNERABLE, "what's the ISA allowance?", False),
    (VULNERABLE, "my card is disabled, how do I turn it back on", False),
    (MONEY_MOVED, "I sent £900 to someone pretending to be my bank", True),
    (MONEY_MOVED, "a caller from the fraud team asked me to move my savings, I haven't yet", False),
    (MONEY_MOVED, "I paid £300 for concert tickets and sent a deposit", False),
    # requests for a person; look-alikes
    (HUMAN, "can someone from the loans team ring me back", True),
    (HUMAN, "I'd like to speak with an adviser please", True),
    (HUMAN, "agent", True),
    (HUMAN, "thanks for the help, call me on 07700 900123 if you need more feedback", False),
    (HUMAN, "do I need to speak to anyone to increase my limit?", False),
    (HUMAN, "is this a chatbot or a live agent?", False),
    # bot identity; look-alikes
    (BOT, "am I chatting to software?", True),
    (BOT, "real person or bot?", True),
    (BOT, "is this chat encrypted?", False),
    (BOT, "do you use machine learning to spot fraud?", False),
    # personal advice; look-alikes
    (ADVICE, "should I fix my mortgage now or wait?", True),
    (ADVICE, "would I be better off paying off my card or saving?", True),
    (ADVICE, "which of your accounts pays the most interest?", False),
    # account data; look-alikes
    (ACCOUNT, "what's my current balance", True),
    (ACCOUNT, "did my rent payment go out yesterday?", True),
    (ACCOUNT, "how do I check my balance in the app?", False),
    # disputes of the customer's own transactions; general questions
    (DISPUTE, "there's a charge from a shop in Spain I didn't make", True),
    (DISPUTE, "the gym took my membership fee twice - charged me twice this month", True),
    (DISPUTE, "if someone uses my card abroad, am I covered?", False),
    (DISPUTE, "how long does a dispute take?", False),
    # data-protection requests; look-alikes
    (RIGHTS, "please delete all my personal data", True),
    (RIGHTS, "I'd like a copy of the data you hold about me", True),
    (RIGHTS, "stop emailing me about credit cards", True),
    (RIGHTS, "my phone number is wrong on your records, please update it", True),
    (RIGHTS, "how do I delete a payee?", False),
    (RIGHTS, "how do you protect my data?", False),
    (RIGHTS, "I'd like to sign up for your newsletter", False),
]
# fmt: on


@pytest.mark.parametrize(("name", "text", "fires"), CASES)
def test_signal_v2(name: str, text: str, fires: bool) -> None:
    hits = detectors.get(name)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]
    for hit in hits:
        assert hit.detector == name and 0 <= hit.start < hit.end <= len(text)


def test_curly_apostrophes_and_missing_ones_read_as_straight() -> None:
    signal = detectors.get(COMPLAINT)()
    assert signal.analyze("it’s been four weeks")
    assert signal.analyze("its been four weeks")


def test_v1_keeps_meaning_what_it_said() -> None:
    assert not detectors.get("signal.complaint.v1")().analyze("the new savings rate is a joke")
    assert detectors.get(COMPLAINT)().analyze("the new savings rate is a joke")


def test_a_money_moved_hit_is_also_a_vulnerability_hit() -> None:
    text = "i transferred £2k to a broker i met on telegram and he's vanished"
    assert detectors.get(MONEY_MOVED)().analyze(text)
    assert detectors.get(VULNERABLE)().analyze(text)


def test_data_rights_hits_say_which_right() -> None:
    hits = detectors.get(RIGHTS)().analyze("delete my data and stop texting me offers")
    assert {h.pattern_name for h in hits} == {"erasure", "objection"}
