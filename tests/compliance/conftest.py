"""Fixtures for the compliance tests: registry isolation and detector span assertions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from bot import registry
from bot.compliance.detectors import Detector, DetectorHit
from bot.compliance.redaction import build_detectors

SpanCheck = Callable[[Detector, str, list[str]], list[DetectorHit]]


@pytest.fixture(autouse=True)
def _isolated_registries() -> Iterator[None]:
    """Each test may register temporary entries; the tables are restored afterwards."""
    snapshots = [(r, r.snapshot()) for r in registry.ALL]
    yield
    for reg, snapshot in snapshots:
        reg.restore(snapshot)


def detector_named(name: str) -> Detector:
    """The process-wide instance of a default detector (built once, like in production)."""
    return next(d for d in build_detectors() if d.name == name)


def check_spans(detector: Detector, text: str, expected: list[str]) -> list[DetectorHit]:
    """Assert ``detector`` finds exactly the ``expected`` substrings of ``text``, in order."""
    hits = detector.analyze(text)
    found = [text[h.start : h.end] for h in hits]
    assert found == expected, f"{detector.name} on {text!r}: {found} != {expected}"
    for hit in hits:
        assert hit.detector == detector.name
        assert hit.entity_type == detector.entity_type
        assert hit.pattern_name
        assert detector.min_score <= hit.score <= 1.0
    return hits


def pattern_matches(detector_id: str, text: str) -> list[tuple[str, str]]:
    """(pattern name, matched text) of each hit a registered detector finds in ``text``."""
    return [(h.pattern_name, text[h.start : h.end]) for h in registry.detectors.get(detector_id)().analyze(text)]


@pytest.fixture
def assert_spans() -> SpanCheck:
    """The span assertion, as a fixture (test folders have no ``__init__.py``)."""
    return check_spans
