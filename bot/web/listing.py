"""Pure helpers of the conversation pages: query-string filters and redaction-tag segments.

No I/O, so they are table-tested; :mod:`bot.web.conversations` does the requests.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from urllib.parse import urlencode

from bot.scoring.flow_metrics import FUNNEL_STEPS
from bot.transcripts.console_queries import Cursor, ListFilter
from bot.transcripts.models import OUTCOMES
from bot.transcripts.repository import CSAT_BANDS

#: Redaction placeholders (``<EMAIL_ADDRESS>``, ``<CREDIT_CARD>``) as the redaction writes them.
REDACTION_TAG = re.compile(r"<([A-Z][A-Z0-9_]{1,40})>")
FLAGS = ("complaint", "dispute", "vulnerable", "handoff")
TEXT_FIELDS = ("channel", "intent", "topic", "form", "rule_id", "text")


@dataclass(frozen=True)
class Segment:
    """A piece of redacted text: plain text, or a redaction tag's entity type."""

    text: str
    tag: bool = False


def segments(text: str | None) -> list[Segment]:
    """Split redacted text so the page shows tags as tags and everything else as text."""
    out: list[Segment] = []
    cursor = 0
    for match in REDACTION_TAG.finditer(text or ""):
        if match.start() > cursor:
            out.append(Segment(text[cursor:match.start()]))  # type: ignore[index]
        out.append(Segment(match.group(1), tag=True))
        cursor = match.end()
    if text and cursor < len(text):
        out.append(Segment(text[cursor:]))
    return out


def _day(value: str, errors: list[str], name: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), time(), timezone.utc)
    except ValueError:
        errors.append(f"{name}: use a date like 2026-11-29")
        return None


def parse_filter(params: Mapping[str, str]) -> tuple[ListFilter, list[str]]:
    """A :class:`ListFilter` from the list page's query string, and what was ignored and why."""
    errors: list[str] = []
    values: dict[str, object] = {}
    if params.get("from"):
        values["since"] = _day(params["from"], errors, "from")
    if params.get("to"):
        to = _day(params["to"], errors, "to")
        values["until"] = to + timedelta(days=1) if to else None  # "to" includes that day
    for name in TEXT_FIELDS:
        value = (params.get(name) or "").strip()[:200]
        if value:
            values[name] = value
    for name in FLAGS:
        values[name] = params.get(name) == "1"
    if params.get("outcome"):
        if params["outcome"] in OUTCOMES:
            values["outcome"] = params["outcome"]
        else:
            errors.append(f"outcome: choose one of {', '.join(OUTCOMES)}")
    if params.get("rating"):
        if params["rating"] in {"1", "2", "3", "4", "5"}:
            values["rating"] = int(params["rating"])
        else:
            errors.append("rating: a whole number from 1 to 5")
    if params.get("band"):
        if params["band"] in CSAT_BANDS:
            values["csat_band"] = params["band"]
        else:
            errors.append(f"predicted CSAT: choose one of {', '.join(CSAT_BANDS)}")
    return ListFilter(**values), errors  # type: ignore[arg-type]


def funnel_step(params: Mapping[str, str], errors: list[str]) -> str | None:
    """The ``step`` of Studio's funnel the list is narrowed to, if a valid one is asked for."""
    step = params.get("step") or None
    if step is not None and step not in FUNNEL_STEPS:
        errors.append(f"funnel step: choose one of {', '.join(FUNNEL_STEPS)}")
        return None
    return step


def query_string(params: Mapping[str, str], cursor: Cursor | None) -> str:
    """The list's query string for the page after ``cursor``, keeping the filters."""
    kept = {k: v for k, v in params.items() if k != "after" and v}
    if cursor is not None:
        kept["after"] = cursor.encode()
    return urlencode(kept)


def is_filtered(f: ListFilter) -> bool:
    """Whether any filter is set (the page says so)."""
    return any(getattr(f, x.name) not in (None, False) for x in fields(f))


@lru_cache(maxsize=1)
def rule_titles() -> dict[str, str]:
    """Rule id -> title from ``compliance.yml`` (empty when it cannot be read)."""
    try:
        from bot.compliance.rulebook import load_rulebook

        return {rule.id: rule.title for rule in load_rulebook().rules}
    except Exception:  # noqa: BLE001 - the page still shows rule ids and stored regulations
        return {}


def count_label(count: int, capped: bool, filtered: bool) -> str:
    """``"10,000+ conversations match"``, ``"1 conversation matches"``, ``"61 conversations"``."""
    number = f"{count:,}+" if capped else f"{count:,}"
    noun = "conversation" if count == 1 and not capped else "conversations"
    verb = (" matches" if noun == "conversation" else " match") if filtered else ""
    return f"{number} {noun}{verb}"
