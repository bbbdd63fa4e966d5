"""matplotlib for the benchmark reports' charts, which are optional.

A report's numbers are its result; the chart beside it helps people read them. Where
matplotlib cannot be imported the report is written without a chart rather than not at all.
"""

from __future__ import annotations

from typing import Any


def pyplot() -> Any | None:
    """``matplotlib.pyplot`` on the file-only Agg backend, or ``None`` without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception:  # noqa: BLE001 - the chart is optional
        return None
    return plt
