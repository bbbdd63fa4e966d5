"""Server-rendered chart geometry: bars and points computed here, drawn as SVG by a template.

No chart library and no script: :func:`bars` and :func:`line` return coordinates, labels and a
link per mark; ``templates/studio_charts.html`` writes the ``<svg>`` (autoescaped) with a
``<title>`` per mark and the same figures as a table beside it for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Mark:
    """A bar (x, y, width, height) or a point (x, y), with what it shows and links to."""

    label: str
    value: float
    shown: str
    href: str
    x: float
    y: float
    width: float = 0.0
    height: float = 0.0


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    marks: tuple[Mark, ...]
    polyline: str = ""


def bars(title: str, rows: Sequence[tuple[str, float, str, str]]) -> Chart:
    """Horizontal bars for ``(label, value, shown value, link)`` rows, scaled to the largest."""
    top = max((v for _, v, _, _ in rows), default=0.0) or 1.0
    span = WIDTH - LABEL_WIDTH - 60
    marks = tuple(Mark(label, value, shown, href, LABEL_WIDTH, i * (BAR_HEIGHT + GAP),
                       max(1.0, span * value / top), BAR_HEIGHT)
                  for i, (label, value, shown, href) in enumerate(rows))
    return Chart(title, WIDTH, max(1, len(rows)) * (BAR_HEIGHT + GAP), marks)


def line(title: str, points: Sequence[tuple[str, float, str, str]], height: int = 160) -> Chart:
    """A line through ``(label, value, shown value, link)`` points, left to right."""
    top = max((v for _, v, _, _ in points), default=0.0) or 1.0
    step = (WIDTH - 40) / max(1, len(points) - 1)
    marks = tuple(Mark(label, value, shown, href, 20 + i * step,
                       height - 20 - (height - 40) * value / top)
                  for i, (label, value, shown, href) in enumerate(points))
    return Chart(title, WIDTH, height, marks,
                 " ".join(f"{mark.x:.1f},{mark.y:.1f}" for mark in marks))
