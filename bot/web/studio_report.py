"""``candor studio report``: the analytics page's figures as an offline HTML or CSV file.

The same functions as ``GET /studio`` (:func:`bot.web.studio._analytics` data and
:func:`bot.web.studio.charts`), so the file and the page cannot disagree. The HTML embeds the
console's stylesheet (it is opened from disk, without the console) and has no script.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.scoring.flow_metrics import FlowMetrics
from bot.web.studio import analytics, charts, flow_link, percent
from bot.web.studio_data import Period
from bot.web.templating import TEMPLATES

CSV_FIELDS = ("flow", "volume", "containment", "fallback_rate", "doom_loops", "doom_loop_rate",
              "handoff_rate", "abandonment", "complaint_rate", "csat_mean", "csat_n",
              "predicted_mean", "median_turns")
STYLESHEET = Path(__file__).resolve().parent / "static" / "site" / "console.css"


def csv_text(whole: FlowMetrics, flows: list[FlowMetrics], steps: list[tuple[str, int]]) -> str:
    """One row per flow (the whole bot first), then the funnel and the daily trend."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for f in [whole, *flows]:
        writer.writerow(["" if getattr(f, k) is None else getattr(f, k) for k in CSV_FIELDS])
    writer.writerow([])
    writer.writerow(["funnel_step", "conversations"])
    writer.writerows(steps)
    writer.writerow([])
    writer.writerow(["day", "conversations"])
    writer.writerows((d.isoformat(), n) for d, n in whole.trend)
    return out.getvalue()


def write_report(db: Any, period: Period, out: Path) -> dict[str, Any]:
    """Write ``out`` (``.html`` or ``.csv``) and return the figures written."""
    data = analytics(db, period)
    if out.suffix.lower() == ".csv":
        out.write_text(csv_text(data["whole"], data["flows"], data["funnel"]), encoding="utf-8")
        return data
    base = {"from": period.since.date().isoformat() if period.since else "",
            "to": period.until.date().isoformat() if period.until else "now"}
    if period.channel:
        base["channel"] = period.channel
    html = TEMPLATES.env.get_template("studio_report.html").render(
        **data, base=base, charts=charts(data["flows"], data["whole"], data["funnel"], base),
        css=STYLESHEET.read_text(encoding="utf-8"), pct=percent, flow_link=flow_link,
        written=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    out.write_text(html, encoding="utf-8")
    return data
