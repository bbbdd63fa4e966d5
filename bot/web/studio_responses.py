"""Studio's response library pages: list, one response with its versions, reviews, experiments.

Handlers stay thin: parse the form, call :mod:`bot.transcripts.response_store` in a thread,
redirect (or re-render with the error and the text as typed, so nothing is lost). The route
table gives proposing and experiments to marketing and reviewing to compliance; the store
refuses self-approval whatever roles a user holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import CandorError, Errors
from bot.nlg.approved import BASELINE, DEFAULT_VARIANT, build_table
from bot.nlg.baseline import Baseline, check_proposal, load_baselines
from bot.transcripts import response_store as store
from bot.web.pages import render
from bot.web.studio_data import experiment_results, response_figures
from bot.web.studio_views import customer_view, where_used, word_diff

FIGURE_DAYS = 30


@dataclass(frozen=True)
class Live:
    """What a response shows now outside experiments."""

    text: str
    version: int
    variant: str


def _hashes(baselines: dict[str, Baseline]) -> dict[str, str]:
    return {name: b.hash for name, b in baselines.items()}


def _live(db: Any, baselines: dict[str, Baseline]) -> dict[str, Live]:
    table = build_table(store.servable(db), _hashes(baselines))
    return {name: Live(v["text"], v["version"], v["variant"]) for name, v in table.live.items()}


def _since() -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=FIGURE_DAYS)


async def responses_page(request: Request) -> Response:
    """GET /studio/responses: every customer-facing response, its live text and figures."""
    db = request.app.state.db
    baselines = load_baselines()
    live = await run_in_threadpool(_live, db, baselines)
    shown = await run_in_threadpool(response_figures, db, _since())
    pending = [v for v in await run_in_threadpool(store.versions, db) if v.status == "proposed"]
    per_response: dict[str, int] = {}
    for key, figure in shown.items():
        per_response[key[0]] = per_response.get(key[0], 0) + figure.messages
    return render(request, "studio_responses.html", {
        "title": "Responses", "baselines": baselines, "live": live, "shown": per_response,
        "pending": {v.response for v in pending}, "days": FIGURE_DAYS,
        "quote": lambda s: quote(s, safe="/")})


def _response_name(request: Request) -> str:
    name = request.path_params["name"]
    if name not in load_baselines():
        raise CandorError(Errors.E854.format(response=name[:128]))
    return str(name)


def _details(db: Any, name: str) -> dict[str, Any]:
    baselines = load_baselines()
    baseline = baselines[name]
    live = _live(db, baselines).get(name)
    live_text = live.text if live else baseline.text
    versions = store.versions(db, name)
    exps = store.experiments(db, name)
    return {
        "name": name, "baseline": baseline, "live": live, "live_text": live_text,
        "customer": customer_view(live_text, name, baselines),
        "versions": list(reversed(versions)),
        "diffs": {v.id: word_diff(live_text, v.text) for v in versions},
        "stale": {v.id for v in versions if v.baseline_hash != baseline.hash},
        "used": where_used(name), "figures": response_figures(db, _since()),
        "experiments": [(e, experiment_results(db, e)) for e in exps],
        "variants": sorted({v.variant for v in versions if v.status == "approved"
                            and v.baseline_hash == baseline.hash and v.variant
                            != DEFAULT_VARIANT}),
        "days": FIGURE_DAYS, "baseline_name": BASELINE,
    }


async def response_page(request: Request, error: str | None = None,
                        form: dict[str, str] | None = None, status: int = 200) -> Response:
    """GET /studio/responses/{name}: texts, customer view, versions, diffs, experiments."""
    try:
        name = _response_name(request)
    except CandorError as err:
        return render(request, "error.html", {"title": "Not found", "message": str(err)}, 404)
    context = await run_in_threadpool(_details, request.app.state.db, name)
    return render(request, "studio_response.html", {
        "title": f"Response {name}", **context, "error": error, "form": form or {},
        "notice": request.query_params.get("notice")}, status)


def back_to_response(name: str, notice: str) -> Response:
    """Redirect to the response's page with a notice (post/redirect/get)."""
    return RedirectResponse(f"/studio/responses/{quote(name, safe='/')}?notice={notice}",
                            status_code=303)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields, without the CSRF token."""
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf"}


async def propose(request: Request) -> Response:
    """POST /studio/responses/{name}/propose: a new version of a variant (marketing)."""
    try:
        name = _response_name(request)
    except CandorError as err:
        return render(request, "error.html", {"title": "Not found", "message": str(err)}, 404)
    form = await form_fields(request)
    state = request.app.state
    baseline = load_baselines()[name]
    try:
        text = check_proposal(form.get("text", ""), baseline)
        variant = store.check_variant(form.get("variant", "").strip() or DEFAULT_VARIANT)
        await run_in_threadpool(store.propose, state.db, state.security.audit, name, variant,
                                text, baseline.hash, request.state.account.username)
    except CandorError as err:
        return await response_page(request, str(err), form, 400)
    return back_to_response(name, "proposed")


async def _version_action(request: Request, status: str) -> Response:
    form = await form_fields(request)
    state = request.app.state
    version_id = int(request.path_params["version_id"])
    try:
        version = await run_in_threadpool(store.version, state.db, version_id)
    except CandorError as err:
        return render(request, "error.html", {"title": "Not found", "message": str(err)}, 404)
    request.path_params["name"] = version.response
    try:
        await run_in_threadpool(store.review, state.db, state.security.audit, version_id,
                                request.state.account.username, status, form.get("comment"))
    except CandorError as err:
        return await response_page(request, str(err), form, 400)
    return back_to_response(version.response, status)


async def review(request: Request) -> Response:
    """POST /studio/versions/{id}/review: approve or reject with a comment (compliance)."""
    form = await request.form()
    decision = {"approve": "approved", "reject": "rejected"}.get(str(form.get("decision")))
    if decision is None:
        return render(request, "error.html", {"title": "Not done",
                                              "message": "Choose approve or reject."}, 400)
    return await _version_action(request, decision)


async def retire(request: Request) -> Response:
    """POST /studio/versions/{id}/retire: take an approved version out of service."""
    return await _version_action(request, "retired")
