"""The sequential graph runner computes what Rasa's dask runner computes, each node once."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

import pytest

from bot.runtime.graph_runner import SequentialGraphRunner, evaluate


def test_each_node_runs_once_with_its_inputs_in_order() -> None:
    calls: list[str] = []

    def node(name: str) -> Any:
        def run(*inputs: tuple[str, Any]) -> tuple[str, Any]:
            calls.append(name)
            return name, [value for _, value in inputs]
        return run

    graph = {
        "message": ("message", "hi"),  # an input: a (name, value) pair, its own value
        "tokens": (node("tokens"), "message"),
        "features": (node("features"), "tokens", "message"),
        "intent": (node("intent"), "features", "tokens"),
        "unused": (node("unused"), "message"),
    }
    result = evaluate(graph, ["intent", "tokens"])
    assert calls == ["tokens", "features", "intent"]
    assert result["tokens"] == ["hi"]
    assert result["intent"] == [[["hi"], "hi"], ["hi"]]


def test_a_failing_node_raises_its_own_error() -> None:
    def broken(*_: Any) -> Any:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        evaluate({"x": ("x", 1), "y": (broken, "x")}, ["y"])


def test_the_product_model_parses_exactly_as_with_dask(trained_model: Path) -> None:
    import rasa.core.processor
    from rasa.core.agent import Agent
    from rasa.engine.runner.dask import DaskGraphRunner

    from bot.runtime import graph_runner

    original = rasa.core.processor.DaskGraphRunner
    graph_runner.install()
    try:
        agent = Agent.load(str(trained_model))
    finally:
        rasa.core.processor.DaskGraphRunner = original  # type: ignore[misc]
    runner = agent.processor.graph_runner if agent.processor else None
    assert isinstance(runner, SequentialGraphRunner)
    texts = ("hello", "I want to complain, my card was charged twice",
             "what's the interest rate on savings? and can I talk to a person")
    ours = [asyncio.run(agent.parse_message(text)) for text in texts]
    runner.run = functools.partial(DaskGraphRunner.run, runner)
    theirs = [asyncio.run(agent.parse_message(text)) for text in texts]
    assert ours == theirs
    assert all(p["intent"]["name"] for p in ours)
