"""The Rasa worker's start-up: the loaded objects leave the garbage collector's view."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.runtime.rasa_server import freeze_loaded_objects


class Node:
    """A container the collector tracks (instances of plain classes are tracked)."""


@pytest.fixture()
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process keeps collecting normally


def _tracked(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_loaded_objects_are_skipped_by_later_collections(unfrozen: None) -> None:
    loaded = Node()
    assert _tracked(loaded)
    freeze_loaded_objects()
    created_later = Node()
    assert gc.get_freeze_count() > 0
    assert not _tracked(loaded)  # never walked by a collection again
    assert _tracked(created_later)  # what a conversation creates is still collected


def test_garbage_from_start_up_is_collected_not_frozen(unfrozen: None) -> None:
    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    del cycle  # unreachable: only a collection frees it
    freeze_loaded_objects()
    gc.unfreeze()  # look at everything, frozen or not
    assert not any(isinstance(o, Node) and hasattr(o, "self") for o in gc.get_objects())
