"""Pure parts of ``candor bench load``: message sampling, statistics, targets, the report.

No I/O except :func:`read_messages` (one CSV read): the clients record :class:`Sample` rows,
and everything the report says is computed here from those rows, so it is unit-tested on
hand-built samples.
"""

from __future__ import annotations

import csv
import math
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GREETING = "Hi there"
GOODBYE = "That's all, thanks. Bye!"
QUESTIONS_PER_CONVERSATION = 5
MIN_DISTINCT_MESSAGES = 1000

#: What one request can end as. ``ok`` and ``empty`` (a 2xx answer without a bot message, an
#: error for the customer) are processed messages: they count towards msg/s and the latency
#: percentiles; every kind but ``ok`` is an error.
OK, HTTP, TIMEOUT, EMPTY, CONNECTION = "ok", "http", "timeout", "empty", "connection"
ERROR_KINDS = (HTTP, TIMEOUT, EMPTY, CONNECTION)
PROCESSED = (OK, EMPTY)

#: The issue's targets (at 20 concurrent conversations, and for one client).
TARGET_CONCURRENCY = 20
TARGET_P99_MS = 1500.0
TARGET_SINGLE_P50_MS = 100.0
#: Under faults: an error must reach the customer within this many seconds.
FAULT_MAX_SECONDS = 10.0


@dataclass(frozen=True)
class Sample:
    """One customer message: when it was sent (s since the run began), how long, how it ended."""

    started: float
    latency: float
    outcome: str
    status: int | None = None
    #: The JSON error code of a refusal (``E026``), or the exception behind a failed connection.
    code: str | None = None
    traceback: bool = False

    @property
    def label(self) -> str:
        """Short error label for the report: ``503 E026``, ``timeout``, ``connection``."""
        if self.outcome == HTTP:
            return f"{self.status} {self.code or 'no-code'}"
        if self.outcome == CONNECTION and self.code:
            return f"connection ({self.code})"
        return self.outcome


def distinct_messages(texts: Iterable[str], exclude: Iterable[str] = (GREETING, GOODBYE)) -> list[str]:
    """Stripped, non-empty texts, first occurrence kept, in input order."""
    seen = {t.strip().casefold() for t in exclude}
    out: list[str] = []
    for text in texts:
        text = " ".join(text.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def read_messages(path: Path, column: str = "text",
                  minimum: int = MIN_DISTINCT_MESSAGES) -> list[str]:
    """The distinct customer messages of a CSV column; fails below ``minimum``."""
    with path.open(newline="", encoding="utf-8") as f:
        texts = distinct_messages(row[column] for row in csv.DictReader(f))
    if len(texts) < minimum:
        raise ValueError(f"{path} has {len(texts)} distinct messages in {column!r}; "
                         f"the benchmark needs at least {minimum}")
    return texts


def conversation_script(pool: Sequence[str], rng: random.Random,
                        questions: int = QUESTIONS_PER_CONVERSATION) -> list[str]:
    """A greeting, ``questions`` different messages drawn from ``pool``, a goodbye."""
    return [GREETING, *rng.sample(list(pool), questions), GOODBYE]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), linear between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000.0, 1)


def summarise(samples: Sequence[Sample], elapsed: float) -> dict[str, Any]:
    """msg/s (processed messages per second), their latency percentiles, errors."""
    ok = [s.latency for s in samples if s.outcome in PROCESSED]
    errors = [s for s in samples if s.outcome != OK]
    kinds = Counter(s.outcome for s in errors)
    return {
        "messages": len(samples),
        "processed": len(ok),
        "answered": sum(s.outcome == OK for s in samples),
        "seconds": round(elapsed, 2),
        "msg_per_s": round(len(ok) / elapsed, 2) if elapsed > 0 else 0.0,
        "p50_ms": _ms(percentile(ok, 50)),
        "p95_ms": _ms(percentile(ok, 95)),
        "p99_ms": _ms(percentile(ok, 99)),
        "max_ms": _ms(max(ok)) if ok else None,
        "errors": len(errors),
        "errors_by_kind": {k: kinds.get(k, 0) for k in ERROR_KINDS},
        "errors_by_label": dict(sorted(Counter(s.label for s in errors).items())),
        "error_max_ms": _ms(max((s.latency for s in errors), default=None)),
        "tracebacks": sum(s.traceback for s in samples),
    }


def fault_window(samples: Sequence[Sample], start: float, end: float) -> dict[str, Any]:
    """What customers saw for messages that ended between ``start`` and ``end`` (a fault's window).

    A message belongs to the window it ended in, so one cut off by the next fault counts there.
    ``max_seconds`` is the longest any message waited, answered or not: the "never a hang"
    check. ``first_answer_after`` is when a message sent after the kill was first answered
    (seconds after ``start``).
    """
    inside = [s for s in samples if start <= s.started + s.latency < end]
    errors = [s for s in inside if s.outcome != OK]
    # Recovery: the first answer to a message sent after the kill (it may not need the service).
    after = [s.started + s.latency - start for s in samples if s.outcome == OK and s.started >= start]
    return {
        "messages": len(inside),
        "answered": len(inside) - len(errors),
        "errors_by_label": dict(sorted(Counter(s.label for s in errors).items())),
        "error_p50_ms": _ms(percentile([s.latency for s in errors], 50)),
        "error_max_ms": _ms(max((s.latency for s in errors), default=None)),
        "max_seconds": round(max((s.latency for s in inside), default=0.0), 2),
        "hangs_over_10s": sum(s.latency > FAULT_MAX_SECONDS for s in inside),
        "http_500": sum(s.outcome == HTTP and (s.status or 0) >= 500 and s.status != 503
                        for s in inside),
        "tracebacks": sum(s.traceback for s in inside),
        "errors_not_503_json": sum(s.outcome == HTTP and not (s.status == 503 and s.code)
                                   for s in errors),
        "first_answer_after_s": round(min(after), 2) if after else None,
    }


def _level(levels: Sequence[dict[str, Any]], bot: str, concurrency: int,
           channel: str = "rest") -> dict[str, Any] | None:
    return next((lv for lv in levels if lv["bot"] == bot and lv["channel"] == channel
                 and lv["concurrency"] == concurrency), None)


def targets(levels: Sequence[dict[str, Any]]) -> list[tuple[str, bool | None, str]]:
    """The issue's targets for Candor over REST: (target, met or None if not measured, value)."""
    at20, stock20 = _level(levels, "candor", TARGET_CONCURRENCY), _level(
        levels, "stock", TARGET_CONCURRENCY)
    single = _level(levels, "candor", 1)
    rows: list[tuple[str, bool | None, str]] = []
    if at20 and stock20:
        rows.append(("msg/s at 20 >= stock bot's", at20["msg_per_s"] >= stock20["msg_per_s"],
                     f"{at20['msg_per_s']} vs {stock20['msg_per_s']}"))
    else:
        rows.append(("msg/s at 20 >= stock bot's", None, "not measured"))
    p99 = at20["p99_ms"] if at20 else None
    rows.append((f"p99 at 20 < {TARGET_P99_MS:.0f} ms", None if p99 is None else p99 < TARGET_P99_MS,
                 "not measured" if at20 is None else f"{p99} ms"))
    rows.append(("zero errors at 20", None if at20 is None else at20["errors"] == 0,
                 "not measured" if at20 is None else str(at20["errors"])))
    p50 = single["p50_ms"] if single else None
    rows.append((f"p50 with 1 client < {TARGET_SINGLE_P50_MS:.0f} ms",
                 None if p50 is None else p50 < TARGET_SINGLE_P50_MS,
                 "not measured" if single is None else f"{p50} ms"))
    return rows


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _processes(procs: dict[str, dict[str, Any]]) -> tuple[str, str]:
    cpu = ", ".join(f"{name} {p['cpu_s']:.1f}" for name, p in procs.items())
    rss = ", ".join(f"{name} {p['rss_peak_mb']:.0f}" for name, p in procs.items())
    if len(procs) > 1:  # each role's own peak, summed: an upper bound of the total
        rss += f"; total {sum(p['rss_peak_mb'] for p in procs.values()):.0f}"
    return cpu or "-", rss or "-"


def _errors(level: dict[str, Any]) -> str:
    if not level["errors"]:
        return "0"
    labels = ", ".join(f"{k}: {v}" for k, v in level["errors_by_label"].items())
    return f"{level['errors']} ({labels})"


def _mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def render_markdown(report: dict[str, Any]) -> str:
    """The load report: command, machine, per-level table, targets, integrity counts."""
    machine = report["machine"]
    lines = [
        "# Load: Candor vs a stock `rasa init` bot, same machine, same run", "",
        f"Command: `{report['command']}`", "",
        f"Machine: {machine.get('cpu') or 'unknown CPU'}, {machine.get('cpu_count')} cores, "
        f"load average before the run {machine.get('load_average_1_5_15')}, "
        f"{machine.get('platform')}, Python {machine.get('python')}, Rasa {machine.get('rasa')}. "
        f"Date {report['date']}. Other work may have been running: times are upper bounds.", "",
        f"Closed loop: each client runs fresh conversations (greeting, "
        f"{QUESTIONS_PER_CONVERSATION} different questions drawn from {report['messages']:,} "
        f"distinct messages of `{report['messages_file']}`, goodbye), one message at a time, "
        f"{report['seconds']} s per level; bots are driven one at a time, never together. msg/s "
        "counts processed messages (a 2xx answer) per second, and the latency percentiles are "
        "over them; errors are non-2xx answers, timeouts, empty replies (2xx without a bot "
        "message) and refused or dropped connections. CPU is seconds used during the "
        "level, RSS the peak sampled during the level (MB), per process.", "",
        "| bot | channel | concurrent | msg/s | p50 ms | p95 ms | p99 ms | errors | "
        "conversations | CPU s | peak RSS MB |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for lv in report["levels"]:
        cpu, rss = _processes(lv.get("processes", {}))
        lines.append(
            f"| {lv['bot']} | {lv['channel']} | {lv['concurrency']} | {lv['msg_per_s']} | "
            f"{_cell(lv['p50_ms'])} | {_cell(lv['p95_ms'])} | {_cell(lv['p99_ms'])} | "
            f"{_errors(lv)} | {lv.get('conversations', '-')} | {cpu} | {rss} |")
    lines += ["", "## Targets (Candor, REST)", "", "| target | result | value |",
              "| --- | --- | --- |"]
    lines += [f"| {name} | {_mark(met)} | {value} |" for name, met, value in targets(report["levels"])]
    for note in report.get("notes", []):
        lines += ["", note]
    if report.get("integrity"):
        lines += ["", "## Transcripts vs tracker store (Candor, after the run)", "",
                  render_integrity(report["integrity"])]
    return "\n".join(lines) + "\n"


def render_integrity(counts: dict[str, Any]) -> str:
    """One table of the tracker-store / transcript-database comparison."""
    rows = [
        ("conversations (senders) in the tracker store", counts["senders"]),
        ("events in the tracker store", counts["tracker_events"]),
        ("rows in processed_events", counts["processed_events"]),
        ("tracker events found in processed_events (by event key)", counts["events_matched"]),
        ("tracker events missing from processed_events", counts["events_missing"]),
        ("processed_events rows matching no tracker event", counts["events_unmatched"]),
        ("user/bot messages in the tracker store", counts["tracker_turns"]),
        ("transcript turns", counts["transcript_turns"]),
        ("messages missing from the transcripts", counts["turns_missing"]),
        ("messages duplicated in the transcripts", counts["turns_duplicated"]),
        ("conversations with a missing or duplicated message", counts["senders_with_differences"]),
    ]
    table = ["| count | value |", "| --- | ---: |"] + [f"| {k} | {v} |" for k, v in rows]
    if counts["events_missing"] and not counts["turns_missing"]:
        table += ["", "Events missing by key while no message is missing: for those events the "
                  "writer's key (a hash of its own redaction of the broker's event) differs from "
                  "the key of the event as the tracker store holds it (redaction is not "
                  "idempotent on them), so a replay from the tracker store would not recognise "
                  "them as already written."]
    return "\n".join(table)


def render_faults(report: dict[str, Any]) -> str:
    """The ``--faults`` report: timeline, what customers saw in each window, integrity."""
    machine = report["machine"]
    lines = [
        "# Load under faults: Candor at "
        f"{report['concurrency']} concurrent conversations"
        + (f" ({report['setup']} set-up)" if report.get("setup") else ""), "",
        f"Command: `{report['command']}`", "",
        f"Machine: {machine.get('cpu') or 'unknown CPU'}, {machine.get('cpu_count')} cores, "
        f"load average before the run {machine.get('load_average_1_5_15')}, Rasa "
        f"{machine.get('rasa')}. Date {report['date']}. "
        + report.get("setup_note", "Processes started with `candor serve` exactly as `candor run` "
                     "starts them; customers talk to the REST webhook."), "",
        "| fault | killed at s | health check passed at s | messages ended in window | "
        "answered | errors seen by customers | error p50 / max ms | longest wait s | "
        "waits > 10 s | 500s | not a 503 with a JSON code | first answer, s after the kill |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for f in report["faults"]:
        w = f["window"]
        errors = ", ".join(f"{k}: {v}" for k, v in w["errors_by_label"].items()) or "none"
        lines.append(
            f"| {f['name']} | {f['killed_at']} | {_cell(f['healthy_at'])} | {w['messages']} | "
            f"{w['answered']} | {errors} | {_cell(w['error_p50_ms'])} / "
            f"{_cell(w['error_max_ms'])} | {w['max_seconds']} | {w['hangs_over_10s']} | "
            f"{w['http_500']} | {w['errors_not_503_json']} | {_cell(w['first_answer_after_s'])} |")
    total, base = report["overall"], report.get("baseline")
    labels = ", ".join(f"{k}: {v}" for k, v in total["errors_by_label"].items()) or "none"
    lines += ["", f"Whole run: {total['messages']} messages, {total['answered']} answered, "
              f"{total['errors']} errors ({labels}), {total['tracebacks']} replies containing "
              "a stack trace.", ""]
    if base:
        lines += [f"Before the first fault: {base['msg_per_s']} msg/s, p50 "
                  f"{_cell(base['p50_ms'])} ms, p99 {_cell(base['p99_ms'])} ms, "
                  f"{base['errors']} errors.", ""]
    for f in report["faults"]:
        if f.get("restart_error") and f.get("running_after_error"):
            lines += [f"**{f['service']}: the health check never passed** although the restarted "
                      f"process kept running (see \"first answer\"): {f['restart_error']}", ""]
        elif f.get("restart_error"):
            lines += [f"**{f['service']} did not come back:** {f['restart_error']}", ""]
    for note in report.get("notes", []):
        lines += [note, ""]
    if report.get("integrity"):
        lines += ["## Transcripts vs tracker store (after the faults)", "",
                  render_integrity(report["integrity"])]
    return "\n".join(lines) + "\n"
