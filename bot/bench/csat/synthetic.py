"""A labelled, synthetic set of banking conversations: what the shipped ``csat-v3`` learns from.

Honest provenance: no real customer rated these. Every sentence below was written for Candor,
and each scenario's ratings are our judgement of how a customer would feel (thanked and
solved: 4-5; a fallback loop ending in "useless": 1-2; a refused handoff: 1-2), with seeded
jitter so the model cannot memorise templates. The weights therefore encode sensible priors,
not measured behaviour: calibrate on real survey answers (``candor csat calibrate``) and
retrain on them (``candor csat train --uss``) as soon as there are enough.

Deterministic: the same seed yields the same dialogues, so the artefact is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.scoring.transcript import Dialogue, DialogueTurn

TOPICS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("card_lost_stolen", ("I lost my debit card", "my card was stolen yesterday",
                          "can't find my card anywhere, what do I do"),
     "I've frozen the card for you. A replacement arrives in 3-5 working days."),
    ("card_pin", ("how do I change my PIN", "forgot my pin number", "I need a new PIN"),
     "You can view or change your PIN in the app under Cards > PIN."),
    ("payment_international", ("how do I send money abroad", "I need to pay someone in Spain",
                               "international transfer fees?"),
     "Use Payments > New > International. Fees are shown before you confirm."),
    ("account_statements", ("where are my statements", "I need a statement for last year",
                            "download bank statement"),
     "Statements are under Accounts > Documents, as PDF, for the last 7 years."),
    ("card_declined", ("why was my card declined", "card got declined at the shop",
                       "payment keeps getting refused"),
     "Declines are often a limit or a security check. The app shows the reason per payment."),
    ("account_open", ("I want to open an account", "how can I open a savings account",
                      "open a joint account please"),
     "You can open an account in the app in about 10 minutes with your ID."),
    ("payment_pending", ("my transfer is still pending", "money hasn't arrived yet",
                         "where is my payment from monday"),
     "Domestic transfers arrive within 2 hours; international ones can take 1-4 days."),
)

THANKS = ("thanks, that's helpful", "great, thank you!", "perfect, thanks a lot",
          "cheers, sorted", "thank you so much, that solved it")
NEUTRAL_ACK = ("ok", "ok got it", "alright", "fine", "I see")
POLITE_THANKS = ("ok thanks", "thanks", "thank you", "ok, thank you")
"""Thanks said out of politeness: customers thank lukewarm answers too, so thanks alone is weak."""
FRUSTRATED = ("this is useless", "you're not listening!!", "I already told you that",
              "still not what I asked", "what a waste of time", "forget it, this is ridiculous")
CORRECTIONS = ("no, that's not what I asked", "no I meant something else",
               "that's not my question", "wrong answer, I asked about my card")
HUMAN = ("can I talk to a real person", "I want to speak to a human", "get me an agent please")
HUMAN_AGAIN = ("no, a human please!!", "I said I want a PERSON", "just put me through to someone")
ADVICE = ("should I put my savings into shares", "which fund should I invest in",
          "is it a good idea to take a loan for crypto")
COMPLAINT = ("I want to make a complaint, you charged me twice", "this is unacceptable, I was "
             "charged a fee I never agreed to", "I'm complaining about how my dispute was handled")
VULNERABLE = ("I lost my job and I can't pay my loan", "I'm struggling to pay my bills this month",
              "my husband died and I don't know what to do with his account")
# Multi-step requests: what the customer asks, what the bot offers, another offer, the confirmation,
# and a setback (the bot could not do it). How the customer receives each offer is the signal.
TASKS: tuple[tuple[str, str, str, str, str], ...] = (
    ("I'd like to book an appointment at a branch",
     "The Leeds branch has a slot on Tuesday at 10:00. Shall I book it?",
     "Wednesday at 14:30 is also free. Would that suit you?",
     "Done: your appointment is booked and the confirmation is in the app.",
     "Sorry, I couldn't find any free slots at that branch this week."),
    ("set up a standing order for my rent",
     "I can set up 650 GBP to J Smith on the 1st of each month. Shall I go ahead?",
     "I can make it the 28th of each month instead. Is that right?",
     "Your standing order is set up; the first payment goes on the 1st.",
     "Sorry, I'm unable to set up a standing order to that account number."),
    ("I need a replacement card",
     "I can send a new debit card to your home address ending 4QT. Shall I order it?",
     "I can send it to the branch for collection instead. Would you like that?",
     "Your new card is ordered and arrives in 3-5 working days.",
     "Unfortunately I can't order a card while the account is under review."),
    ("can I raise my overdraft limit",
     "You're eligible for a limit of 1,000 GBP at 19.9% EAR. Would you like to apply?",
     "A limit of 500 GBP is also available at the same rate. Does that suit you?",
     "Your new overdraft limit is active now.",
     "Sorry, I can't offer an overdraft increase on this account."),
    ("I want to pay my credit card bill",
     "I can pay the full balance of 312.40 GBP from your current account today. Go ahead?",
     "I can pay the minimum of 25 GBP instead. Shall I do that?",
     "Payment made: 312.40 GBP to your credit card, reference CC-2291.",
     "Sorry, the payment failed: there isn't enough money in the current account."),
    ("find me the nearest cash machine",
     "The nearest cash machine is inside the Co-op on High Street, 300 m away.",
     "There's another one at the station, open 24 hours. Better?",
     "Directions are on your screen now.",
     "Sorry, I couldn't find a cash machine near that postcode."),
)
APPROVE = ("sounds good, go ahead", "perfect, yes please", "great, that works for me",
           "yes, that's exactly right", "brilliant, do it", "that suits me, thanks")
APPROVE_THANKS = ("thank you so much, that's great", "perfect, really appreciate it",
                  "excellent, thanks very much", "great, that was really helpful")
PLAIN_YES = ("yes", "ok", "yes go on", "fine", "sure")
DECLINE = ("no, a different day please", "no, not that one", "actually, something else please",
           "I'd rather not, any other option?", "that's not right, try again",
           "no, I don't want that")
POLITE_END = ("no, that's all, thanks", "nothing else, thank you", "no thanks, I'm done")
GIBBERISH = ("the thing with the stuff from before", "hmm that other option", "wat about it")


@dataclass
class _Builder:
    rng: random.Random
    turns: list[DialogueTurn]
    labels: list[int]

    def user(self, text: str, label: int, intent: str = "", conf: float = 0.9,
             rules: tuple[str, ...] = ()) -> None:
        jitter = self.rng.choice((-1, 0, 0, 0, 0, 0, 1))
        self.labels.append(max(1, min(5, label + jitter)))
        confidence = round(min(0.99, max(0.05, conf + self.rng.uniform(-0.08, 0.08))), 3)
        self.turns.append(DialogueTurn("user", text, intent or None, confidence, None, rules))

    def bot(
        self, text: str, response: str, rules: tuple[str, ...] = (), slow: bool = False
    ) -> None:
        latency = self.rng.uniform(6000, 20000) if slow else self.rng.uniform(300, 1500)
        self.turns.append(DialogueTurn("bot", text, None, None, response, rules, round(latency, 1)))

    def pick(self, pool: tuple[str, ...]) -> str:
        return self.rng.choice(pool)


FALLBACK_TEXT = "Sorry, I didn't understand that. Could you rephrase?"


def _scenario(b: _Builder, kind: str) -> int:
    """Add one scenario's turns; return its overall rating (before jitter)."""
    intent, asks, answer = b.rng.choice(TOPICS)
    if kind in ("resolved", "slow", "plain", "abandoned", "correction", "handoff_granted"):
        b.user(b.pick(asks), 4 if kind != "slow" else 3, intent)
    if kind == "resolved":
        b.bot(answer, f"utter_{intent}")
        b.user(b.pick(THANKS), 5, "thank")
        return 5
    if kind == "slow":
        b.bot(answer, f"utter_{intent}", slow=True)
        b.user(b.pick(NEUTRAL_ACK + POLITE_THANKS), 3, "affirm")
        return 3
    if kind == "plain":
        b.bot(answer, f"utter_{intent}")
        b.user(b.pick(NEUTRAL_ACK), 4, "affirm")
        return 4
    if kind == "abandoned":
        if b.rng.random() < 0.5:
            b.bot(FALLBACK_TEXT, "utter_default")
        else:
            b.bot(b.rng.choice(TOPICS)[2], "utter_faq")
        return 2
    if kind == "correction":
        other = b.rng.choice(TOPICS)
        b.bot(other[2], f"utter_{other[0]}")
        b.user(b.pick(CORRECTIONS), 2, "deny", 0.7)
        b.bot(answer, f"utter_{intent}")
        b.user(b.pick(NEUTRAL_ACK + POLITE_THANKS), 3, "affirm")
        return 3
    if kind == "handoff_granted":
        b.bot(answer, f"utter_{intent}")
        b.user(b.pick(HUMAN), 3, "request_human", rules=("human-handoff",))
        b.bot("I'm connecting you to a colleague now.", "utter_handoff", ("human-handoff",))
        b.user(b.pick(THANKS[:2] + NEUTRAL_ACK[:1]), 4, "thank")
        return 4
    if kind in ("fallback_loop", "fallback_recovered"):
        first = b.pick(GIBBERISH)
        b.user(first, 3, "nlu_fallback", 0.25)
        b.bot(FALLBACK_TEXT, "utter_default")
        b.user(first + " please", 2, "nlu_fallback", 0.3)
        if kind == "fallback_recovered":
            b.bot(answer, f"utter_{intent}")
            b.user(b.pick(THANKS), 4, "thank")
            return 4
        b.bot(FALLBACK_TEXT, "utter_default")
        b.user(b.pick(FRUSTRATED), 1, "nlu_fallback", 0.3)
        return 1
    if kind == "long_struggle":
        other = b.rng.choice(TOPICS)
        b.user(b.pick(asks), 3, intent, 0.6)
        b.bot(other[2], f"utter_{other[0]}")
        b.user(b.pick(CORRECTIONS), 2, "deny", 0.7)
        b.bot(FALLBACK_TEXT, "utter_default")
        b.user(b.pick(asks), 2, intent, 0.45)
        b.bot(other[2], f"utter_{other[0]}")
        b.user(b.pick(asks) + " " + b.pick(("please", "?", "again")), 2, intent, 0.5)
        b.bot(answer, f"utter_{intent}")
        b.user(b.pick(("ok finally", "took long enough", "ok", "ok thanks")), 2 if b.rng.random() < 0.6 else 3,
               "affirm")
        return 2
    if kind == "handoff_refused":
        b.user(b.pick(HUMAN), 2, "request_human", rules=("human-handoff",))
        b.bot("I can help with most questions here. What do you need?", "utter_how_can_i_help")
        b.user(b.pick(HUMAN_AGAIN), 1, "request_human", rules=("human-handoff",))
        return 1
    if kind == "advice":
        b.user(b.pick(ADVICE), 3, "investment_advice", rules=("no-personal-advice",))
        b.bot("I can't give personal investment advice; here is general information.",
              "utter_no_personal_advice", ("no-personal-advice",))
        happy = b.rng.random() < 0.5
        b.user(b.pick(NEUTRAL_ACK + POLITE_THANKS if happy else FRUSTRATED[:2]), 3 if happy else 2,
               "affirm")
        return 3 if happy else 2
    if kind == "complaint":
        b.user(b.pick(COMPLAINT), 2, "complain", rules=("complaint",))
        b.bot("I'm sorry. I've logged your complaint; you'll hear from us within 3 days.",
              "utter_complaint_logged", ("complaint",))
        b.user(b.pick(THANKS[:2] + NEUTRAL_ACK), 3, "thank")
        return 3
    if kind in ("offer_accepted", "offer_declined", "setback", "setback_recovered"):
        return _task(b, kind)
    if kind == "two_tasks":  # long and happy: length alone is not a bad sign
        earlier = _task(b, b.pick(("offer_accepted", "offer_declined")))
        b.bot("Is there anything else I can help with?", "utter_anything_else")
        return max(earlier, _task(b, "offer_accepted"))
    # vulnerable
    b.user(b.pick(VULNERABLE), 3, "financial_difficulty", rules=("vulnerable-customer",))
    b.bot("I'm sorry to hear that. A specialist team can help; shall I connect you?",
          "utter_handoff", ("vulnerable-customer", "human-handoff"))
    b.user(b.pick(THANKS), 4, "thank")
    return 4


def _task(b: _Builder, kind: str) -> int:
    """A request the bot answers with an offer; the customer approves, declines or is let down."""
    ask, offer, other, done, failure = b.rng.choice(TASKS)
    b.user(ask, 3, "request")
    if kind == "offer_accepted":
        b.bot(offer, "utter_offer")
        keen = b.rng.random() < 0.7
        b.user(b.pick(APPROVE if keen else PLAIN_YES), 5 if keen else 3, "affirm")
        b.bot(done, "utter_done")
        b.user(b.pick(APPROVE_THANKS + POLITE_END), 5, "thank")
        return 5 if b.rng.random() < 0.5 else 4
    if kind == "offer_declined":
        b.bot(offer, "utter_offer")
        b.user(b.pick(DECLINE), 2, "deny")
        b.bot(other, "utter_offer")
        happy = b.rng.random() < 0.5
        b.user(b.pick(APPROVE if happy else PLAIN_YES), 4 if happy else 3, "affirm")
        b.bot(done, "utter_done")
        b.user(b.pick(POLITE_END + PLAIN_YES[1:2] + ("ok thanks",)), 3, "thank")
        return 4 if happy else 3
    b.bot(failure, "utter_cannot")
    if kind == "setback_recovered":
        b.user(b.pick(DECLINE[2:] + PLAIN_YES[1:2]), 2, "deny")
        b.bot(other, "utter_offer")
        keen = b.rng.random() < 0.5
        b.user(b.pick(APPROVE if keen else PLAIN_YES), 4 if keen else 3, "affirm")
        b.bot(done, "utter_done")
        b.user(b.pick(POLITE_END + ("ok thanks", "thanks")), 3, "thank")
        return 3
    b.user(b.pick(DECLINE[4:] + ("ok", "that's a shame")), 2, "deny")
    b.bot(failure, "utter_cannot")
    b.user(b.pick(FRUSTRATED + ("ok", "never mind")), 1, "deny")
    return 2


KINDS = ("resolved", "resolved", "plain", "slow", "abandoned", "correction", "handoff_granted",
         "fallback_loop", "fallback_recovered", "handoff_refused", "advice", "complaint",
         "vulnerable", "long_struggle", "offer_accepted", "offer_accepted", "offer_declined",
         "offer_declined", "setback", "setback_recovered", "two_tasks", "two_tasks")


def synthetic_dialogues(
    n: int = 600, seed: int = 20261123
) -> list[tuple[Dialogue, tuple[int, ...], int]]:
    """``n`` (conversation, per-user-turn labels, overall label) triples."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        b = _Builder(rng, [], [])
        b.bot("Hi, I'm Candor, the bank's AI assistant. How can I help?", "utter_greet_disclosure")
        overall = _scenario(b, KINDS[i % len(KINDS)])
        overall = max(1, min(5, overall + rng.choice((-1, 0, 0, 0, 0, 1))))
        out.append((Dialogue(f"synthetic-{i}", tuple(b.turns)), tuple(b.labels), overall))
    return out
