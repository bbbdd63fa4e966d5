"""Export formats: one record per conversation, with its turns and rule hits.

Pure formatting (records in, lines out); the CLI does the reading and the file. JSON Lines
keeps the full nested record; CSV, for spreadsheets, puts one conversation per row with the
turns as a JSON column and the rule ids joined, so a regulator's tool can still parse them.
Both write only what the database holds, which is redacted text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, time, timezone

from bot.errors import CandorError, Errors
from bot.transcripts.records import TranscriptRecord

CSV_COLUMNS = (
    "conversation_id", "sender_id", "channel", "started_at", "ended_at", "outcome",
    "model_version", "rulebook_version", "turn_count", "rule_ids", "handoffs", "complaints",
    "survey", "turns",
)


def parse_when(value: str) -> datetime:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 timestamp (UTC when no zone given)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CandorError(Errors.E304.format(value=value)) from None
    if len(value) == 10:
        parsed = datetime.combine(parsed.date(), time(0), timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def jsonl_lines(records: Iterable[TranscriptRecord]) -> Iterator[str]:
    """One JSON object per line."""
    for record in records:
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def csv_row(record: TranscriptRecord) -> dict[str, object]:
    """Flatten one record into a CSV row."""
    rule_ids = [rid for turn in record["turns"] for rid in turn["rule_ids"]]
    return {
        **{k: record[k] for k in CSV_COLUMNS if k in record and k != "turns"},  # type: ignore[literal-required]
        "turn_count": len(record["turns"]),
        "rule_ids": ";".join(dict.fromkeys(rule_ids)),
        "handoffs": ";".join(h["status"] for h in record["handoffs"]),
        "complaints": ";".join(c["category"] for c in record["complaints"]),
        "turns": json.dumps(record["turns"], ensure_ascii=False),
    }


def csv_lines(records: Iterable[TranscriptRecord]) -> Iterator[str]:
    """Yield a header, then one line per conversation."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
