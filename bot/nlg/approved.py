"""Which approved text each response shows, from a cache refreshed off Rasa's event loop.

:class:`ApprovedCache` loads the approved versions and running experiments (one query, from
the source named in endpoints.yml, by default the transcript database) in a daemon thread every
few seconds and swaps in a new :class:`ServingTable`; the message path only reads that table (a
dictionary lookup and, under an experiment, one hash). If a load fails, the last table stays:
the database being down never makes the bot serve anything but approved text. Each forked Sanic
worker starts its own thread (the pid is checked per message), so every worker converges
within one refresh interval of an approval.

Per response, the **live** text is the newest approved, not retired version of the ``default``
variant whose baseline hash matches the current domain text (else domain.yml itself, version 0,
variant ``baseline``). A version approved against an older domain text is stale and is not
served until it is approved again.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.compliance.contract import ServableExperiment, ServableSet, ServableVersion
from bot.errors import Errors
from bot.nlg.experiments import assign

logger = logging.getLogger(__name__)

DEFAULT_VARIANT = "default"
BASELINE = "baseline"
DEFAULT_REFRESH_SECONDS = 2.0


@dataclass(frozen=True)
class Choice:
    """What to show: ``text`` None means the domain.yml text (version 0)."""

    text: str | None
    version: int
    variant: str


BASELINE_CHOICE = Choice(None, 0, BASELINE)


@dataclass(frozen=True)
class ServingTable:
    """Per response: the live version, the servable variants, the running experiment."""

    live: dict[str, ServableVersion] = field(default_factory=dict)
    variants: dict[str, dict[str, ServableVersion]] = field(default_factory=dict)
    experiments: dict[str, ServableExperiment] = field(default_factory=dict)

    def choose(self, response: str, sender_id: str) -> Choice:
        """The text ``sender_id`` sees for ``response`` (pure; the per-message work)."""
        experiment = self.experiments.get(response)
        if experiment is not None:
            arm = assign(sender_id, experiment["id"], experiment["arms"])
            chosen = self.variants.get(response, {}).get(arm)
            if chosen is not None:
                return Choice(chosen["text"], chosen["version"], chosen["variant"])
        live = self.live.get(response)
        return Choice(live["text"], live["version"], live["variant"]) if live else BASELINE_CHOICE


def build_table(loaded: ServableSet, baseline_hashes: Mapping[str, str]) -> ServingTable:
    """Index the loaded set, dropping stale versions and arms that cannot be served (pure)."""
    variants: dict[str, dict[str, ServableVersion]] = {}
    for v in loaded["versions"]:  # oldest first: a newer version of a variant replaces it
        if baseline_hashes.get(v["response"]) == v["baseline_hash"]:
            variants.setdefault(v["response"], {})[v["variant"]] = v
    live = {r: by[DEFAULT_VARIANT] for r, by in variants.items() if DEFAULT_VARIANT in by}
    experiments: dict[str, ServableExperiment] = {}
    for e in loaded["experiments"]:
        have = variants.get(e["response"], {})
        arms = {a: w for a, w in e["arms"].items()
                if w > 0 and (a == BASELINE or a in have)}
        if len(arms) >= 2:
            experiments[e["response"]] = ServableExperiment(id=e["id"], response=e["response"],
                                                            arms=arms)
    return ServingTable(live, variants, experiments)


class ApprovedCache:
    """The current :class:`ServingTable`, reloaded by a daemon thread per process."""

    def __init__(self, load: Callable[[], ServableSet],
                 baseline_hashes: Callable[[], Mapping[str, str]],
                 refresh_seconds: float = DEFAULT_REFRESH_SECONDS) -> None:
        self._load = load
        #: Read at every refresh: Rasa builds the NLG with an empty domain and sets the
        #: model's responses afterwards (``Agent.load_model``).
        self._hashes = baseline_hashes
        self.refresh_seconds = refresh_seconds
        self.table = ServingTable()
        self.loads = 0
        self._pid: int | None = None
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Load once; on failure keep the last table (and log E863). True when it loaded."""
        try:
            table = build_table(self._load(), self._hashes())
        except Exception as err:  # noqa: BLE001 - any failure keeps the last approved set
            logger.warning(Errors.E863.format(cause=type(err).__name__))
            return False
        self.table = table  # one reference swap: readers see the old or the new table
        self.loads += 1
        return True

    def ensure_running(self) -> None:
        """Start this process's refresh thread unless it runs (cheap: a pid comparison)."""
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="candor-approved-responses",
                             daemon=True).start()

    def close(self) -> None:
        """Stop refreshing (the thread ends after its current sleep)."""
        self._pid = None

    def _run(self) -> None:
        pid = os.getpid()
        while self._pid == pid:
            self.refresh()
            time.sleep(self.refresh_seconds)

    def choose(self, response: str, sender_id: str) -> Choice:
        """:meth:`ServingTable.choose` on the current table."""
        self.ensure_running()
        return self.table.choose(response, sender_id)
