"""Complaint v4, vulnerability v3 and their NLU silencers (issue 18: a second blind writer's families)."""

from __future__ import annotations

import pytest

from bot.registry import detectors

# fmt: off
COMPLAINTS = [
    ("why does your bank keep charging me for a card I cancelled", True),       # question to the bank
    ("who decided the app should log out every two minutes", True),
    ("how am I supposed to pay in cash when the branch shuts at noon", True),
    ("you closed our local branch and the next one is 20 miles away", True),
    ("I never agreed to you sharing my number with a broker", True),           # unagreed, at the bank
    ("your surveyor never turned up and nobody rang", True),
    ("my loan application has been pending for five weeks", True),
    ("the text alerts are late again, for the fourth week running", True),
    ("I'm done with this bank", True),
    ("not a complaint, just wondering why the ISA rate dropped", False),      # denial
    ("cross with myself, I locked my card by accident", False),               # at oneself
    ("my neighbour is useless and keeps parking across my drive, anyway how do I set up a standing order", False),
    ("my sister is very upset about it", False),                               # someone else's feeling
    ("I'm moving to Portugal in May, can I keep my current account?", False),  # moving house, not banks
    ("the cash machine at the station is out of order, where is the next one?", False),
    ("what's the cut off time for same-day transfers?", False),
    ("a gym membership I never signed up for keeps being taken", False),      # a merchant's, not the bank's
    ("your app is down and I need to pay rent", True),
]
VULNERABLE = [
    ("I'm sleeping in my car at the moment, can I still get a basic account", False),
    ("I'm homeless right now, can I open an account without proof of address", True),
    ("I lost my whole pay packet gambling again, can you stop betting payments", True),
    ("my grandad is 90 and he can't use the app at all", True),
    ("I can't use the app on my old phone", False),                            # no age: not vulnerable
    ("a man offered me £300 to use my account for a few transfers", True),
    ("someone from 'tech support' is on my computer remotely right now", True),
    ("I paid for a sofa on a site that turned out to be fake", True),
    ("I'm a solicitor; where do executors send the death certificate?", False),
    ("is there a large-print statement option? I volunteer at a day centre with people who have dementia", False),
]
# fmt: on


@pytest.mark.parametrize(("text", "fires"), COMPLAINTS)
def test_complaint_v4(text: str, fires: bool) -> None:
    hits = detectors.get("signal.complaint.v4")().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


@pytest.mark.parametrize(("text", "fires"), VULNERABLE)
def test_vulnerability_v3(text: str, fires: bool) -> None:
    hits = detectors.get("signal.vulnerability.v3")().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


@pytest.mark.parametrize(("name", "text", "fires"), [
    ("signal.not_a_complaint.v1", "not complaining, the new card came quickly", True),
    ("signal.not_a_complaint.v1", "please pass on my thanks to the branch team", True),
    ("signal.not_a_complaint.v1", "thanks for nothing", False),
    ("signal.not_their_own.v1", "I'm a social worker asking about appointees in general", True),
    ("signal.not_their_own.v1", "can I set up a power of attorney while I'm still well", True),
    ("signal.not_their_own.v1", "my mum has dementia and I need to manage her account", False),
])
def test_nlu_silencers(name: str, text: str, fires: bool) -> None:
    assert bool(detectors.get(name)().analyze(text)) is fires


def test_older_versions_keep_meaning_what_they_said() -> None:
    text = "I'm moving to Portugal in May, can I keep my current account?"
    assert detectors.get("signal.complaint.v3")().analyze(text)
    assert not detectors.get("signal.vulnerability.v2")().analyze("I'm homeless right now, can I open an account")


# fmt: off
DISPUTES = [
    ("there's a standing order on my account I never set up", True),
    ("a streaming subscription I never signed up for is being taken monthly", True),
    ("I think my lodger has been using my card", True),
    ("the cash machine at the station didn't give me the notes but took the money", True),
    ("the restaurant charged me £90 for a £9 starter", True),
    ("the airline says they refunded it in March but nothing has reached my card", True),
    ("charged me £25 for a letter about a 10p overdraft", False),              # a bank fee: complaint
    ("is it a person who rings you if you spot a suspicious payment?", False),  # hypothetical
]
NOT_DISPUTES = [
    ("what's a chargeback?", True),
    ("how do chargebacks work in general?", True),
    ("I run a bakery and a customer raised a chargeback against us", True),
    ("I paid my gas bill twice by mistake", True),
    ("can you check if my refund from the shoe shop has come through", True),
    ("the cash machine on King Street is broken, where's the next one", True),
    ("I paid the seller by bank transfer and the bike never came", True),
    ("there's a payment I don't recognise from yesterday", False),
    ("my refund still hasn't arrived after three weeks", False),
]
# fmt: on


@pytest.mark.parametrize(("text", "fires"), DISPUTES)
def test_dispute_v3(text: str, fires: bool) -> None:
    hits = detectors.get("signal.dispute.v3")().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


@pytest.mark.parametrize(("text", "fires"), NOT_DISPUTES)
def test_not_a_dispute(text: str, fires: bool) -> None:
    hits = detectors.get("signal.not_a_dispute.v1")().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


# fmt: off
REQUESTS = [
    ("signal.account_data.v3", "has my replacement card been dispatched yet?", True),
    ("signal.account_data.v3", "when does my two year fix end", True),
    ("signal.account_data.v3", "is my cheque going to clear by Friday", True),
    ("signal.account_data.v3", "which rate am I getting on my easy access saver", True),
    ("signal.account_data.v3", "can you list my standing orders", True),
    ("signal.account_data.v3", "what's the sort code for my joint account", True),
    ("signal.account_data.v3", "what is the IBAN format for payments to Spain?", False),
    ("signal.account_data.v3", "can I see my statement at a branch?", False),
    ("signal.human_request.v3", "get me an actual person", True),
    ("signal.human_request.v3", "let me speak to someone in mortgages", True),
    ("signal.human_request.v3", "I'd like to talk to your complaints officer", True),
    ("signal.human_request.v3", "could someone on the phone help me set up a payee", True),
    ("signal.human_request.v3", "you said you'd call me back and never did", False),
    ("signal.human_request.v3", "will you call me before a big payment, or send a text?", False),
    ("signal.human_request.v3", "is there a real person behind this chat?", False),
    ("signal.advice_request.v3", "I'm thinking of cashing in my pension early. Should I?", True),
    ("signal.advice_request.v3", "am I legally required to pay my ex's debts?", True),
    ("signal.advice_request.v3", "should I bring ID to the branch or is a bill enough?", False),
    ("signal.data_rights.v2", "please remove my son off your mailing lists", True),
    ("signal.data_rights.v2", "your records show my employer wrong, please correct it", True),
    ("signal.data_rights.v2", "I want all my details erased once the loan is repaid", True),
    ("signal.data_rights.v2", "how do I delete my saved payees?", False),
]
# fmt: on


@pytest.mark.parametrize(("name", "text", "fires"), REQUESTS)
def test_request_signals_v3(name: str, text: str, fires: bool) -> None:
    hits = detectors.get(name)().analyze(text)
    assert bool(hits) is fires, [(h.pattern_name, text[h.start:h.end]) for h in hits]


def test_data_rights_v2_keeps_v1_kinds_for_the_intake_action() -> None:
    hits = detectors.get("signal.data_rights.v2")().analyze("take me off your lists and erase my data")
    assert {h.pattern_name for h in hits} == {"objection", "erasure"}
