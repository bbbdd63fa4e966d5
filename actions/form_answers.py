"""Customer answers to the intake forms' questions, reduced to a few known values.

Pure functions over what the customer typed (or a ``True``/``False`` from the ``affirm``/``deny``
intents): a value the form can act on, or ``None`` when the answer is unclear, which never
carries the customer's words (a card number, say) any further.
"""

from __future__ import annotations

import re
from typing import Any

from bot.nlg.bank_facts import load_bank_facts


def _first_match(text: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The value of the first ``(value, regex)`` pair found in ``text`` (from a word start)."""
    for value, pattern in choices:
        if re.search(rf"\b(?:{pattern})", text, re.IGNORECASE):
            return value
    return None


YES = (r"y|yes|yea|yeah|yep|yup|ya|sure|of course|correct|right|definitely|absolutely|"
       r"i do|i have|i am|i'm|ok|okay|/affirm")
NO = r"n|no|nope|nah|not|never|i don'?t|i do not|i haven'?t|i have not|i'?m not|i am not|/deny"
UNSURE = r"not sure|unsure|don'?t know|dunno|no idea|maybe"


def parse_yes_no(value: Any) -> bool | None:
    """``True``/``False`` for a clear yes or no (a bool from ``affirm``/``deny`` passes through)."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if not text or re.match(rf"(?:i'?m |i am )?(?:{UNSURE})\b", text):
        return None
    if re.match(rf"(?:{NO})\b", text):
        return False
    if re.match(rf"(?:{YES})\b", text):
        return True
    return None


LOSS_KINDS = (
    ("stolen", r"stol|steal|theft|thie|nick|pickpocket|mugg|robb|snatch|taken|took|burgl|swip"),
    ("lost", r"lost|lose|lsot|misplac|can'?t find|cannot find|missing|dropp|left|gone|"
             r"not sure|unsure|don'?t know|no idea"),
)
CARD_TYPES = (
    ("debit and credit", r"both|all\b|(?:debit|bank).*credit|credit.*debit"),
    ("credit", r"credit|cc\b|amex"),
    ("debit", r"debit|bank card|atm card|cash card|check card|current account|checking"),
)
PRODUCTS = (
    ("minor", r"minor|child|kid|son\b|daughter|girl|boy|youth|teen|junior|baby|grand|under 18"),
    ("joint", r"joint|shared|partner|wife|husband|spouse|together|two of us|both of us|couple"),
    ("savings", r"sav|isa\b|put money aside"),
    ("current", r"current|checking|chequing|everyday|day to day|spending|debit|ordinary|normal"),
)


def parse_loss(value: Any) -> str | None:
    """``lost`` or ``stolen``; "not sure" counts as lost, since the advice is the same."""
    return _first_match(str(value or ""), LOSS_KINDS)


def parse_card_type(value: Any) -> str | None:
    """``debit``, ``credit`` or ``debit and credit``."""
    return _first_match(str(value or ""), CARD_TYPES)


def parse_product(value: Any) -> str | None:
    """``current``, ``savings``, ``joint`` or ``minor`` (an account for a child)."""
    return _first_match(str(value or ""), PRODUCTS)


def min_age() -> int:
    """The minimum age to open an account alone, from bank.yml."""
    return int(load_bank_facts()["bank_account_min_age_to_open"])


def parse_adult(value: Any) -> bool | None:
    """Yes/no to "are you 18 or over?", or a stated age compared with bank.yml's minimum."""
    age = re.search(r"\b(\d{1,3})\b", str(value)) if not isinstance(value, bool) else None
    if age and 0 < int(age[1]) < 120:
        return int(age[1]) >= min_age()
    return parse_yes_no(value)
