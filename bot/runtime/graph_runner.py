"""Run the model's graph in plain Python instead of through dask's scheduler.

Rasa 3.6 runs its predict graph with ``DaskGraphRunner`` for every parse and every action
prediction: it rebuilds the minimal schema for the targets, then ``dask.get`` orders the graph,
tracks task states and fires callbacks around each of a few dozen cheap nodes. Under 20
concurrent conversations that bookkeeping was 7% of a Rasa worker's event-loop time (py-spy,
``--gil``). The graph is a small DAG whose tasks are ``(GraphNode, *input names)`` and whose
inputs are ``(name, value)`` pairs, so evaluating each target depth-first, each node once, is
the same computation. :func:`install` makes the Rasa server load its model with
:class:`SequentialGraphRunner`; training and every other runner stay Rasa's.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner


def evaluate(graph: dict[str, Any], targets: list[str]) -> dict[str, Any]:
    """Each target's value: a task ``(callable, *keys)`` is called with its keys' values.

    Anything else (an input's ``(name, value)`` pair) is its own value, as in dask's spec. Each
    key is computed once, however many nodes need it.
    """
    values: dict[str, Any] = {}

    def value(key: str) -> Any:
        if key not in values:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                values[key] = task[0](*(value(need) for need in task[1:]))
            else:
                values[key] = task
        return values[key]

    return dict(value(target) for target in targets)


class SequentialGraphRunner(DaskGraphRunner):
    """Rasa's runner (same nodes, hooks and checks), evaluated by :func:`evaluate`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Minimal schema per target list: the schema never changes once loaded.
        self._minimal: dict[tuple[str, ...], GraphSchema] = {}

    def run(self, inputs: dict[str, Any] | None = None,
            targets: list[str] | None = None) -> dict[str, Any]:
        """Run the graph for ``targets`` (default: the schema's) with ``inputs``."""
        run_targets = list(targets or self._graph_schema.target_names)
        key = tuple(run_targets)
        if key not in self._minimal:
            self._minimal[key] = self._graph_schema.minimal_graph_schema(run_targets)
        graph = self._build_dask_graph(self._minimal[key])
        self._add_inputs_to_graph(inputs, graph)
        try:
            return evaluate(graph, run_targets)
        except RuntimeError as err:
            raise GraphRunError("Error running runner.") from err


def install() -> None:
    """Load every model of this process (the Rasa server's) with :class:`SequentialGraphRunner`."""
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner
