"""Whether the stored transcripts trail the live conversations, as the follower last reported.

In the default set-up, ``candor transcripts follow`` writes the transcripts from the tracker
store's log and rewrites its stats file every second. Review queues are filled, samples drawn
and exports cut from the transcripts, so while they trail the tracker store the newest
conversations are silently missing from all three. The console reads the same file and tells
the officer before they act; the follower logs E310 on the same condition for the engineer.

The judgement is a pure function of the stats and their age, so both sides agree on it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The follower's stats file, under ``$CANDOR_HOME/logs``.
STATS_FILE = "transcript-follower.json"
#: Events not yet stored beyond which the transcripts count as behind (a busy minute at 20
#: conversations writes ~3,000 events, which the follower applies in well under a second).
MAX_LAG_EVENTS = 500
#: A follower that has not rewritten its stats for this long is stuck or gone.
MAX_SILENCE_SECONDS = 30.0


@dataclass(frozen=True)
class Backlog:
    """Why the transcripts may be missing recent conversations right now."""

    lag: int  # tracker events not yet stored, as last reported
    silent_seconds: float  # since the follower last reported

    @property
    def follower_silent(self) -> bool:
        """The follower stopped reporting (killed or stuck), so the lag is not current."""
        return self.silent_seconds > MAX_SILENCE_SECONDS


def backlog(stats: Mapping[str, Any], silent_seconds: float) -> Backlog | None:
    """The backlog the stats show, or ``None`` when the transcripts are current.

    A follower that stopped cleanly (``stopped``) was shut down with the rest of Candor or
    replaced by another transcript writer, so it says nothing. Before it first reaches the end
    of the log (``caught_up``) its lag counts the start-up replay of events already stored,
    so only its silence counts then.
    """
    if stats.get("stopped"):
        return None
    lag = int(stats.get("lag") or 0)
    behind = bool(stats.get("caught_up")) and lag > MAX_LAG_EVENTS
    if behind or silent_seconds > MAX_SILENCE_SECONDS:
        return Backlog(lag, silent_seconds)
    return None


def read_backlog(path: Path | None, now: float | None = None) -> Backlog | None:
    """:func:`backlog` of the stats file at ``path``; ``None`` when there is no readable file.

    No file means no follower in this set-up (the RabbitMQ worker writes the transcripts), so
    there is nothing to judge; a half-written file is never read (the follower replaces it
    atomically), and an unreadable one is treated the same as none.
    """
    if path is None:
        return None
    try:
        modified = path.stat().st_mtime
        stats = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stats, dict):
        return None
    return backlog(stats, max(0.0, (time.time() if now is None else now) - modified))
