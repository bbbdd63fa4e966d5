"""The shared NLP engine: thinc's backend is found once, not per request task."""

from __future__ import annotations

import contextvars

import pytest


def test_a_new_request_context_gets_the_cached_cpu_backend_without_a_lookup(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Rasa request runs in a fresh context: thinc must not search its registry again."""
    import thinc.api
    import thinc.backends
    from thinc.backends import context_ops

    from bot.compliance import engines

    engines.nlp_artifacts("warm up")  # loads spaCy and the backend once per process
    for module in (thinc.api, thinc.backends):  # thinc's own fallback imports it from here
        monkeypatch.setattr(module, "get_ops", lambda *_a, **_k: pytest.fail("looked up again"))

    def in_new_context() -> object:
        assert context_ops.get() is None  # what a new asyncio task starts with
        engines.use_cpu_ops()
        return context_ops.get()

    ops = contextvars.Context().run(in_new_context)
    assert ops is engines._cpu_ops()
    artifacts = contextvars.Context().run(engines.nlp_artifacts, "Jane Doe lost her card")
    assert [e.label_ for e in artifacts.entities] == ["PERSON"]
