"""Legal holds and regulator exports in the console (compliance only).

Placing and lifting a hold are audited with their reason (:mod:`bot.transcripts.holds`);
lifting one also carries out the erasure requests it deferred
(:func:`bot.transcripts.retention.lift_hold`). An export is downloaded as one zip whose
manifest hash the audit log records (:mod:`bot.transcripts.archive`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import CandorError, Errors
from bot.transcripts import holds
from bot.transcripts.archive import Selection, build_archive
from bot.transcripts.replay import local_tracker_url
from bot.transcripts.retention import lift_hold
from bot.web.pages import render
from bot.web.review import refused

MAX_IDS = 1000


async def holds_page(request: Request) -> Response:
    """GET /holds: active and lifted holds, and the form to place one."""
    rows = await run_in_threadpool(holds.list_holds, request.app.state.db)
    return render(request, "holds.html", {"title": "Legal holds", "holds": rows,
                                          "notice": request.query_params.get("notice")})


async def hold_place(request: Request) -> Response:
    """POST /holds: hold a conversation or a customer, with a reason."""
    state = request.app.state
    form = await request.form()
    target = str(form.get("target") or "").strip()[:255]
    kind = str(form.get("kind") or "conversation")
    try:
        hold_id = await run_in_threadpool(
            holds.place, state.db, state.security.audit, request.state.account.username,
            str(form.get("reason") or ""),
            target if kind == "conversation" and target else None,
            target if kind == "customer" and target else None)
    except CandorError as err:
        return refused(request, err)
    return RedirectResponse(f"/holds?notice=placed+hold+{hold_id}", status_code=303)


async def hold_lift(request: Request) -> Response:
    """POST /holds/{hold_id}/lift: lift with a reason; deferred erasures run."""
    state = request.app.state
    raw = request.path_params["hold_id"]
    form = await request.form()
    try:
        if not raw.isdigit():
            raise CandorError(Errors.E726.format(hold_id=raw))
        _hold, erased = await run_in_threadpool(
            lift_hold, state.db, state.security.audit, int(raw), request.state.account.username,
            str(form.get("reason") or ""), local_tracker_url())
    except CandorError as err:
        return refused(request, err)
    count = sum(r.conversations for r in erased)
    return RedirectResponse(f"/holds?notice=lifted+hold+{raw};+{count}+conversations+erased+"
                            "by+deferred+requests", status_code=303)


async def exports_page(request: Request) -> Response:
    """GET /exports: choose conversations (ids or dates) for a regulator archive."""
    return render(request, "exports.html", {"title": "Regulator export"})


def _selection(ids: str, since: str, until: str) -> Selection:
    try:
        start = datetime.combine(date.fromisoformat(since), time(0), timezone.utc) if since else None
        end = (datetime.combine(date.fromisoformat(until), time(0), timezone.utc)
               + timedelta(days=1)) if until else None
    except ValueError:
        raise CandorError(Errors.E725.format(problem="give dates as YYYY-MM-DD.")) from None
    chosen = tuple(dict.fromkeys(x for x in ids.replace(",", " ").split() if x))[:MAX_IDS]
    if not chosen and start is None and end is None:
        raise CandorError(Errors.E728.format(problem="give conversation ids or a date range"))
    return Selection(chosen, start, end)


async def export_download(request: Request) -> Response:
    """POST /exports: build the archive, record its manifest hash, send the zip."""
    state = request.app.state
    form = await request.form()
    try:
        selection = _selection(str(form.get("ids") or ""), str(form.get("from") or ""),
                               str(form.get("to") or ""))
        archive = await run_in_threadpool(build_archive, state.db, state.security.audit,
                                          request.state.account.username, selection)
    except CandorError as err:
        return refused(request, err)
    name = f"candor-export-{archive.manifest_sha256[:12]}.zip"
    return Response(archive.data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
        "X-Manifest-SHA256": archive.manifest_sha256})
