"""Studio's analytics page and experiment actions.

``GET /studio`` shows, for a period and channel, every flow's figures
(:mod:`bot.scoring.flow_metrics`), the bot-wide funnel and the daily trend, as SVG charts with
a table behind each; every bar and point links to the conversation list filtered to it.
Experiments start and stop here; the monitor (:func:`bot.web.studio_data.check_experiments`)
pauses them on harm, in a console thread and whenever a response page is opened.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.errors import CandorError, Errors
from bot.nlg.approved import BASELINE
from bot.scoring.flow_metrics import FlowMetrics, by_flow, funnel, metrics
from bot.transcripts import response_store as store
from bot.web.charts import Chart, bars, line
from bot.web.listing import parse_filter
from bot.web.pages import render
from bot.web.studio_data import Period, load_facts
from bot.web.studio_responses import back_to_response, form_fields, response_page

DEFAULT_DAYS = 30
#: The list filter of each kind of flow (``topic:card_pin`` -> ``?topic=card_pin``).
FLOW_FILTER = {"topic": "topic", "intent": "intent", "form": "form"}


def period_of(params: Mapping[str, str]) -> tuple[Period, dict[str, str], list[str]]:
    """The period from the query string (default: the last 30 days) and its list filters."""
    flt, errors = parse_filter({k: params[k] for k in ("from", "to", "channel") if k in params})
    today = datetime.now(timezone.utc).date()
    since = flt.since or datetime.combine(today - timedelta(days=DEFAULT_DAYS - 1),
                                          datetime.min.time(), timezone.utc)
    until = flt.until or datetime.combine(today + timedelta(days=1), datetime.min.time(),
                                          timezone.utc)
    shown = {"from": since.date().isoformat(),
             "to": (until.date() - timedelta(days=1)).isoformat()}
    if flt.channel:
        shown["channel"] = flt.channel
    return Period(since, until, flt.channel), shown, errors


def list_link(base: Mapping[str, str], **extra: str) -> str:
    """The conversation list filtered to the period plus ``extra``."""
    return "/conversations?" + urlencode({**base, **extra})


def flow_link(base: Mapping[str, str], flow: str) -> str:
    """Link of a flow's bar: the list filtered to the period and the flow."""
    kind, _, name = flow.partition(":")
    return list_link(base, **({FLOW_FILTER[kind]: name} if kind in FLOW_FILTER else {}))


def percent(value: float | None) -> str:
    """``42%`` (empty when there is no rate)."""
    return "" if value is None else f"{100 * value:.0f}%"


def charts(flows: list[FlowMetrics], whole: FlowMetrics, steps: list[tuple[str, int]],
           base: Mapping[str, str]) -> dict[str, Chart]:
    """The page's charts (pure)."""
    day_link = {d: list_link({**base, "from": d.isoformat(), "to": d.isoformat()})
                for d, _ in whole.trend}
    return {
        "volume": bars("Conversations per flow", [
            (f.flow, f.volume, str(f.volume), flow_link(base, f.flow)) for f in flows[:15]]),
        "containment": bars("Containment per flow", [
            (f.flow, f.containment or 0.0, percent(f.containment), flow_link(base, f.flow))
            for f in flows[:15]]),
        "funnel": bars("Bot-wide funnel", [
            (label, count, str(count), list_link(base, step=label)) for label, count in steps]),
        "trend": line("Conversations per day", [
            (d.isoformat(), n, str(n), day_link[d]) for d, n in whole.trend]),
    }


def analytics(db: Any, period: Period) -> dict[str, Any]:
    """Flows, the whole bot and the funnel for a period (the page and the report)."""
    facts = load_facts(db, period)
    return {"flows": by_flow(facts), "whole": metrics("all flows", facts),
            "funnel": funnel(facts).steps()}


async def analytics_page(request: Request) -> Response:
    """GET /studio: flows, funnel and trend for a period and channel."""
    period, base, errors = period_of(request.query_params)
    data = await run_in_threadpool(analytics, request.app.state.db, period)
    return render(request, "studio.html", {
        "title": "Studio", **data, "base": base, "errors": errors, "pct": percent,
        "charts": charts(data["flows"], data["whole"], data["funnel"], base),
        "flow_link": flow_link, "list_link": list_link})


def parse_arms(form: Mapping[str, str], response: str) -> dict[str, int]:
    """``weight_<arm>`` fields -> positive weights (E860 unless two or more arms)."""
    arms: dict[str, int] = {}
    for key, raw in form.items():
        if key.startswith("weight_") and raw.strip():
            try:
                weight = int(raw)
            except ValueError:
                raise CandorError(Errors.E860.format(
                    response=response, problem=f"{raw[:10]!r} is not a whole number")) from None
            if weight > 0:
                arms[key[len("weight_"):]] = weight
    if len(arms) < 2:
        raise CandorError(Errors.E860.format(response=response, problem="fewer than two arms"))
    return arms


def _check_arms(db: Any, response: str, arms: dict[str, int], baseline_hash: str) -> None:
    current = {v.variant for v in store.versions(db, response)
               if v.status == "approved" and v.baseline_hash == baseline_hash}
    unknown = sorted(a for a in arms if a != BASELINE and a not in current)
    if unknown:
        raise CandorError(Errors.E860.format(
            response=response, problem=f"{', '.join(unknown)} not approved"))


async def start_experiment(request: Request) -> Response:
    """POST /studio/responses/{name}/experiments: split the response between variants."""
    from bot.nlg.baseline import load_baselines

    name = request.path_params["name"]
    baselines = load_baselines()
    if name not in baselines:
        return render(request, "error.html", {"title": "Not found", "message": Errors.E854
                                              .format(response=name[:128])}, 404)
    form = await form_fields(request)
    state = request.app.state
    try:
        arms = parse_arms(form, name)
        min_sample = int(form.get("min_sample") or 0)
        if not 10 <= min_sample <= 1_000_000:
            raise CandorError(Errors.E860.format(
                response=name, problem="the minimum sample per arm must be 10 to 1,000,000"))
        await run_in_threadpool(_check_arms, state.db, name, arms, baselines[name].hash)
        await run_in_threadpool(store.start_experiment, state.db, state.security.audit, name,
                                arms, min_sample, request.state.account.username)
    except (CandorError, ValueError) as err:
        return await response_page(request, str(err), form, 400)
    return back_to_response(name, "experiment-started")


async def experiment_status(request: Request) -> Response:
    """POST /studio/experiments/{id}/status: stop, pause or resume (with a reason)."""
    form = await form_fields(request)
    state = request.app.state
    wanted = {"stop": "stopped", "pause": "paused", "resume": "running"}.get(
        form.get("action", ""))
    if wanted is None:
        return render(request, "error.html", {"title": "Not done",
                                              "message": "Choose stop, pause or resume."}, 400)
    try:
        exp = await run_in_threadpool(
            store.set_experiment_status, state.db, state.security.audit,
            int(request.path_params["experiment_id"]), wanted, request.state.account.username,
            (form.get("reason") or "").strip()[:500] or f"{wanted} by hand")
    except CandorError as err:
        return render(request, "error.html", {"title": "Not done", "message": str(err)}, 400)
    return back_to_response(exp.response, wanted)


