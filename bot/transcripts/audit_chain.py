r"""The audit log's HMAC chain: pure functions, no I/O.

Each entry's ``mac`` is ``HMAC-SHA256(key, canonical JSON of the entry + "\\n" + prev_mac)``, and
``prev_mac`` is the previous entry's ``mac`` (``""`` for the first). The sequence number is
inside the MAC, so an entry cannot be moved, and the key is not in the database, so someone who
can write every row still cannot recompute a chain that verifies: rewriting all rows with plain
hashes, or with a guessed key, fails at the first row.

:func:`verify` walks the entries in storage order and names the first problem:

* ``altered``: the entry's MAC does not match its content, and the next entry links to it;
* ``inserted``: the entry's MAC does not match, and the next entry links past it;
* ``removed``: the entry is intact but links to an entry that is missing;
* ``reordered``: the entry is intact but stored out of sequence.

Removing the newest entries (truncating the tail) leaves a valid shorter chain; the head
(sequence number and MAC) that :func:`verify` returns is what an operator records elsewhere
(a SIEM, a ticket) to detect that: see the README.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

GENESIS = ""
LEGACY_KEY_ID = "legacy"


@dataclass(frozen=True)
class ChainEntry:
    """One audit entry as stored (``row_id`` is the storage order, not part of the MAC)."""

    row_id: int
    seq: int
    at: str
    actor: str
    action: str
    subject: str | None
    details: Mapping[str, Any]
    key_id: str
    prev_mac: str
    mac: str


@dataclass(frozen=True)
class Finding:
    """The first thing wrong with the chain."""

    kind: str
    seq: int
    row_id: int
    detail: str


@dataclass(frozen=True)
class VerifyReport:
    """The result of :func:`verify`; ``finding`` is None when the chain holds."""

    entries: int
    legacy: int
    head_seq: int | None
    head_mac: str
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def canonical(entry: ChainEntry) -> bytes:
    """The bytes an entry's MAC covers: every field but the storage id and the MACs."""
    body = {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "action": entry.action,
            "subject": entry.subject, "details": entry.details, "key_id": entry.key_id}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def compute_mac(key: bytes, entry: ChainEntry, prev_mac: str) -> str:
    """The MAC ``entry`` must carry when it follows an entry whose MAC is ``prev_mac``."""
    return hmac.new(key, canonical(entry) + b"\n" + prev_mac.encode(), hashlib.sha256).hexdigest()


def subject_hash(key: bytes, sender_id: str) -> str:
    """How the audit log names a customer: a keyed hash, provable with the key, not reversible.

    Erasing a customer therefore never needs an edit of the log.
    """
    subkey = hmac.new(key, b"candor-audit-subject", hashlib.sha256).digest()
    return "h:" + hmac.new(subkey, sender_id.encode(), hashlib.sha256).hexdigest()[:40]


def _intact(entry: ChainEntry, keys: Mapping[str, bytes]) -> bool:
    key = keys.get(entry.key_id)
    return key is not None and hmac.compare_digest(
        compute_mac(key, entry, entry.prev_mac), entry.mac)


def _classify(entries: Sequence[ChainEntry], i: int, prev: str, expected: int | None,
              keys: Mapping[str, bytes]) -> Finding:
    entry = entries[i]
    if entry.key_id == LEGACY_KEY_ID:
        return Finding("altered", entry.seq, entry.row_id, "its MAC was removed")
    if not _intact(entry, keys):
        following = entries[i + 1] if i + 1 < len(entries) else None
        if following is not None and following.prev_mac == prev and prev != entry.mac:
            return Finding("inserted", entry.seq, entry.row_id,
                           "the entry was never chained: the next entry links past it")
        return Finding("altered", entry.seq, entry.row_id,
                       "its content no longer matches its MAC")
    later = {e.seq for e in entries[i + 1:]}
    if expected is not None and (entry.seq < expected or expected in later):
        return Finding("reordered", entry.seq, entry.row_id,
                       f"stored where entry {expected} belongs")
    missing = f"{expected}-{entry.seq - 1}" if expected is not None else f"before {entry.seq}"
    return Finding("removed", entry.seq, entry.row_id, f"entries {missing} are missing")


def verify(entries: Sequence[ChainEntry], keys: Mapping[str, bytes]) -> VerifyReport:
    """Recompute the chain over ``entries`` (in storage order) with the keys by key id."""
    legacy = 0
    while legacy < len(entries) and entries[legacy].key_id == LEGACY_KEY_ID:
        legacy += 1
    prev, expected, head_seq = GENESIS, None, None
    for i in range(legacy, len(entries)):
        entry = entries[i]
        if entry.key_id != LEGACY_KEY_ID and entry.key_id not in keys:
            finding = Finding("unknown-key", entry.seq, entry.row_id, entry.key_id)
            return VerifyReport(len(entries), legacy, head_seq, prev, finding)
        linked = entry.prev_mac == prev and (expected is None or entry.seq == expected)
        if entry.key_id == LEGACY_KEY_ID or not linked or not _intact(entry, keys):
            finding = _classify(entries, i, prev, expected, keys)
            return VerifyReport(len(entries), legacy, head_seq, prev, finding)
        prev, expected, head_seq = entry.mac, entry.seq + 1, entry.seq
    return VerifyReport(len(entries), legacy, head_seq, prev, None)
