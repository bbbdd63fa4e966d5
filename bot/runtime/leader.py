"""One process of a machine does the once-per-machine jobs, whatever the number of workers.

With several Sanic workers every Rasa worker process builds its own event broker; the start-up
replay of the tracker store and the idle-conversation CSAT sweep must still run once. The first
process to take an exclusive ``flock`` on a file under ``$CANDOR_HOME`` is the leader until it
exits (the kernel drops the lock with the process, so a killed leader frees it).
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

_held: dict[Path, IO[str]] = {}


def try_lead(lock_file: Path) -> bool:
    """True if this process holds (or now takes) the leadership named by ``lock_file``."""
    if lock_file in _held:
        return True
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_file.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return False
    _held[lock_file] = handle  # kept open: closing it would release the lock
    return True
