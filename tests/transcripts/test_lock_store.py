"""The SQLite lock store: Rasa's ticket-lock semantics, atomic across processes."""

from __future__ import annotations

import asyncio
import multiprocessing
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.transcripts.lock_store import SQLiteLockStore


def test_tickets_are_issued_in_order_and_the_lock_is_dropped_when_done(tmp_path: Path) -> None:
    store = SQLiteLockStore(db=tmp_path / "locks.sqlite")
    first = store.issue_ticket("c-1")
    second = store.issue_ticket("c-1")
    assert second == first + 1
    lock = store.get_lock("c-1")
    assert lock is not None and not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup("c-1", first)
    assert store.is_someone_waiting("c-1")
    store.cleanup("c-1", second)
    assert store.get_lock("c-1") is None


def test_the_async_lock_serialises_one_conversation(tmp_path: Path) -> None:
    store = SQLiteLockStore(db=tmp_path / "locks.sqlite")
    order: list[str] = []

    async def handle(name: str) -> None:
        async with store.lock("c-2", wait_time_in_seconds=0.01):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    async def both() -> None:
        await asyncio.gather(handle("a"), handle("b"))

    asyncio.run(both())
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])


def _issue(path: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = SQLiteLockStore(db=path)
    out.put([store.issue_ticket("shared") for _ in range(n)])


def test_two_processes_never_get_the_same_ticket(tmp_path: Path) -> None:
    path = str(tmp_path / "locks.sqlite")
    SQLiteLockStore(db=path)
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
    workers = [ctx.Process(target=_issue, args=(path, 100, out)) for _ in range(2)]
    for w in workers:
        w.start()
    tickets = out.get(timeout=60) + out.get(timeout=60)
    for w in workers:
        w.join(30)
    assert sorted(tickets) == list(range(min(tickets), min(tickets) + 200))


def test_rasa_builds_it_from_endpoints_and_allows_several_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.core.utils import number_of_sanic_workers

    config = EndpointConfig(type="bot.transcripts.lock_store.SQLiteLockStore",
                            db=str(tmp_path / "l.sqlite"))
    assert isinstance(LockStore.create(config), SQLiteLockStore)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(config) == 2
