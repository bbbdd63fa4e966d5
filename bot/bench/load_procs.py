"""CPU seconds and peak RSS of a process tree, read from /proc (psutil is not installed).

:class:`TreeSampler` samples a root process and all its descendants every half second in a
thread, and sums per role (``rasa``, ``actions``, ``console``, ...), so Sanic workers or a
restarted server count towards the same role.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

ROLES: tuple[tuple[str, str], ...] = (
    ("serve rasa", "rasa"),
    ("serve gateway", "gateway"),
    ("serve actions", "actions"),
    ("serve console", "console"),
    ("transcripts worker", "worker"),
    ("transcripts follow", "transcripts"),
    ("rasa run", "rasa"),
    ("rasa_sdk", "actions"),
    ("bot.cli run", "supervisor"),
)

KNOWN_ROLES = frozenset(name for _, name in ROLES)


def role(cmdline: str) -> str:
    """The role of a process from its command line (``python -m bot.cli serve rasa`` -> rasa)."""
    for needle, name in ROLES:
        if needle in cmdline:
            return name
    words = cmdline.split()
    return Path(words[0]).name if words else "?"


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()  # fields from 3 (state) on; comm may hold spaces


def parent_map() -> dict[int, int]:
    """Map every process id to its parent process id."""
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(root: int, parents: dict[int, int]) -> list[int]:
    """``root``'s children, grandchildren, ... (not ``root`` itself)."""
    children: dict[int, list[int]] = defaultdict(list)
    for pid, ppid in parents.items():
        children[ppid].append(pid)
    out, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` so far."""
    fields = _stat_fields(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float | None:
    """Resident set size in MB."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return 0.0


def cmdline(pid: int) -> str:
    """The command line, space-separated."""
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


@dataclass
class TreeSampler:
    """Samples the trees under ``roots()`` (pids, re-read each time) until stopped."""

    roots: Callable[[], Iterable[int]]
    interval: float = 0.5
    _first: dict[int, float] = field(default_factory=dict)
    _last: dict[int, float] = field(default_factory=dict)
    _roles: dict[int, str] = field(default_factory=dict)
    _peak: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _samples: int = 0

    def sample(self) -> None:
        """Read CPU and RSS of every process in the trees once."""
        parents = parent_map()
        pids = [p for root in self.roots() for p in (root, *descendants(root, parents))]
        rss: dict[str, float] = defaultdict(float)
        for pid in pids:
            cpu, mem = cpu_seconds(pid), rss_mb(pid)
            if cpu is None or mem is None:
                continue
            if pid not in self._roles:
                name = role(cmdline(pid))
                if name not in KNOWN_ROLES:  # a spawned worker: it serves its parent's role
                    name = self._roles.get(parents.get(pid, 0), name)
                self._roles[pid] = name
            name = self._roles[pid]
            # A process seen at the first sample is measured from there; a later one from 0.
            self._first.setdefault(pid, cpu if self._samples == 0 else 0.0)
            self._last[pid] = cpu
            rss[name] += mem
        for name, mem in rss.items():
            self._peak[name] = max(self._peak.get(name, 0.0), mem)
        self._samples += 1

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> TreeSampler:
        """Take the baseline sample and keep sampling in a thread."""
        self.sample()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="tree-sampler")
        self._thread.start()
        return self

    def stop(self) -> dict[str, dict[str, Any]]:
        """Stop; per role: CPU seconds used since start, peak RSS (MB), process count."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()
        out: dict[str, dict[str, Any]] = {}
        for pid, name in self._roles.items():
            entry = out.setdefault(name, {"cpu_s": 0.0, "rss_peak_mb": 0.0, "processes": 0})
            entry["cpu_s"] += self._last.get(pid, 0.0) - self._first.get(pid, 0.0)
            entry["processes"] += 1
        for name, entry in out.items():
            entry["cpu_s"] = round(entry["cpu_s"], 2)
            entry["rss_peak_mb"] = round(self._peak.get(name, 0.0), 1)
        return dict(sorted(out.items()))
