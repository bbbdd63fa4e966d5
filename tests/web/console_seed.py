"""Recorded conversations for the console tests, written by the real transcript writer.

The events have the shape Rasa's tracker store streams (``Event.as_dict()`` + ``sender_id``),
with the compliance detector's ``parse_data["compliance"]`` hits and the NLG's metadata, so
redaction, rule hits and detector types take the production path.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from bot.transcripts.db import Database
from bot.transcripts.writer import TranscriptWriter

T0 = 1_790_000_000.0  # 2026-09-21
_tick = itertools.count()


def _ts(at: float) -> float:
    return at + next(_tick) * 0.01


def user(sender: str, text: str, intent: str, at: float, confidence: float = 0.91,
         detectors: tuple[str, ...] = ()) -> dict[str, Any]:
    hits = [{"detector": d, "entity_type": d.split(".")[1].upper(), "pattern_name": None,
             "start": 0, "end": 4, "score": 0.9} for d in detectors]
    return {"sender_id": sender, "event": "user", "timestamp": _ts(at), "text": text,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence},
                           "entities": [], "compliance": {"hits": hits}},
            "input_channel": "rest", "metadata": {"model_id": "model-2026-11"}}


def bot(sender: str, text: str, response: str, at: float,
        rules: tuple[str, ...] = ()) -> dict[str, Any]:
    meta = {"utter_action": response, "model_id": "model-2026-11", "ai_generated": True,
            "compliance_rules": list(rules)}
    return {"sender_id": sender, "event": "bot", "timestamp": _ts(at), "text": text, "data": {},
            "metadata": meta}


def action(sender: str, name: str, at: float) -> dict[str, Any]:
    return {"sender_id": sender, "event": "action", "timestamp": _ts(at), "name": name,
            "policy": "ComplianceGuardPolicy", "confidence": 1.0}


def slot(sender: str, name: str, value: Any, at: float) -> dict[str, Any]:
    return {"sender_id": sender, "event": "slot", "timestamp": _ts(at), "name": name,
            "value": value}


def opening(sender: str, at: float) -> list[dict[str, Any]]:
    return [action(sender, "action_session_start", at),
            bot(sender, "Hi, I'm Northwind Bank's automated assistant. I'm an AI, not a person.",
                "utter_ai_disclosure", at, ("ai-disclosure",)),
            {"sender_id": sender, "event": "session_started", "timestamp": _ts(at)},
            action(sender, "action_listen", at)]


def complaint(sender: str, at: float) -> list[dict[str, Any]]:
    return [*opening(sender, at),
            user(sender, "I want to complain, you charged me a fee twice", "complain", at,
                 detectors=("signal.complaint.v1",)),
            action(sender, "action_record_complaint", at),
            slot(sender, "complaint_category", "fees", at),
            bot(sender, "I'm sorry. I've recorded your complaint about fees.",
                "utter_complaint_ack", at, ("complaint",)),
            action(sender, "action_listen", at)]


def vulnerable(sender: str, at: float) -> list[dict[str, Any]]:
    return [*opening(sender, at),
            user(sender, "I lost my job and can't pay my loan, write to ada.byron@example.com",
                 "disclose_vulnerability", at, detectors=("signal.vulnerability.v1",
                                                          "pii.email.v1")),
            action(sender, "action_vulnerable_customer", at),
            bot(sender, "I'm sorry to hear that. A specialist can help with priority.",
                "utter_vulnerable_support", at, ("vulnerable-customer",)),
            action(sender, "action_listen", at)]


def faq(sender: str, at: float, text: str = "how do I activate my card?",
        topic: str = "card_activation") -> list[dict[str, Any]]:
    return [*opening(sender, at),
            user(sender, text, "faq", at, 0.97),
            action(sender, "utter_faq", at),
            bot(sender, "You can activate your card in the app under Cards.",
                f"utter_faq/{topic}", at),
            action(sender, "action_listen", at),
            user(sender, "bye", "goodbye", at, 0.99),
            bot(sender, "Goodbye!", "utter_goodbye", at)]


def handoff(sender: str, at: float) -> list[dict[str, Any]]:
    return [*opening(sender, at),
            user(sender, "let me talk to a human", "request_human", at,
                 detectors=("signal.human_request.v1",)),
            action(sender, "action_handoff", at),
            slot(sender, "handoff", "queued", at),
            bot(sender, "I'm connecting you with a person.", "utter_handoff", at,
                ("human-handoff",))]


def dispute(sender: str, at: float) -> list[dict[str, Any]]:
    return [*opening(sender, at),
            user(sender, "I don't recognise a card payment", "dispute_transaction", at),
            action(sender, "dispute_form", at),
            bot(sender, "I can start a dispute. What was the payment?", "utter_ask_dispute_what",
                at, ("dispute-intake",))]


@dataclass(frozen=True)
class Seeded:
    """Conversation ids by kind."""

    ids: dict[str, str]


KINDS = {"complaint": complaint, "vulnerable": vulnerable, "faq": faq, "handoff": handoff,
         "dispute": dispute}


def seed(db: Database, extra_faqs: int = 0) -> Seeded:
    """One conversation of each kind (an hour apart), a ``<script>`` one, and more FAQs."""
    from sqlalchemy import select

    from bot.transcripts import models as m

    writer = TranscriptWriter(db)
    senders: dict[str, str] = {}
    at = T0
    for kind, build in KINDS.items():
        senders[kind] = f"web-{kind}"
        for event in build(senders[kind], at):
            writer.write(event)
        at += 3600
    senders["script"] = "web-script"
    for event in faq("web-script", at, text="<script>alert('x')</script> is my card live?"):
        writer.write(event)
    for n in range(extra_faqs):
        for event in faq(f"web-faq-{n}", at + 60 * (n + 1), topic="card_pin"):
            writer.write(event)
    with db.begin() as s:
        ids = {kind: s.execute(select(m.Conversation.conversation_id).where(
            m.Conversation.sender_id == sender)).scalar_one() for kind, sender in senders.items()}
    return Seeded(ids)
