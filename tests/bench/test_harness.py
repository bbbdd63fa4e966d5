"""What every benchmark shares (``bot.bench.harness``)."""

from __future__ import annotations

import logging

import structlog

from bot.bench.harness import quiet_rasa_logs


def test_benchmarks_do_not_log_the_messages_they_parse() -> None:
    # Unconfigured, structlog prints Rasa's debug line with each parsed message's text.
    root = logging.getLogger().level
    structlog.reset_defaults()
    try:
        quiet_rasa_logs()
        assert structlog.stdlib.filter_by_level in structlog.get_config()["processors"]
        assert not logging.getLogger("rasa.core.processor").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("rasa.core.processor").isEnabledFor(logging.INFO)
    finally:
        structlog.reset_defaults()
        logging.getLogger().setLevel(root)
