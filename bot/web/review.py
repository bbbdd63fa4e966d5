"""Review pages: queues, one item with its transcript and review history, daily coverage.

Compliance works the queues: claims an item, records an outcome with a reason and a note,
annotates single turns. Marketing sees outcomes in aggregate only (``/review/outcomes``).
Handlers are thin: parse the form, call :mod:`bot.transcripts.review_store` in a thread, and
redirect (POST/redirect/GET) or show the refusal with its code.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.errors import CandorError, Errors
from bot.transcripts import audit_log
from bot.transcripts.audit_chain import subject_hash
from bot.transcripts.console_transcript import transcript_view
from bot.transcripts.review_config import load_policy
from bot.transcripts.review_fill import coverage, fill_day
from bot.transcripts.review_models import REVIEW_OUTCOMES
from bot.transcripts.review_queues import QUEUE_TITLES
from bot.transcripts.review_store import (
    annotate,
    claim,
    item_detail,
    outcome_totals,
    queue_counts,
    queue_items,
    record_review,
)
from bot.web.listing import segments
from bot.web.pages import render

#: What the review page says after each action.
NOTICES = {"claim": "Claimed: the item is yours until you record a review.",
           "review": "Review recorded (and written to the audit log).",
           "annotate": "Annotation added."}
#: HTTP status of each refusal code (anything else is a bad request).
STATUS = {"E722": 404, "E723": 409, "E724": 409, "E726": 404}


def _today() -> date:
    return datetime.now(timezone.utc).date()


def refused(request: Request, err: CandorError) -> Response:
    """The error page for a refused action, with the code's status."""
    return render(request, "error.html", {"title": "Not done", "message": str(err)},
                  STATUS.get(err.code, 400))


def _item_id(request: Request) -> int | None:
    raw = request.path_params["item_id"]
    return int(raw) if raw.isdigit() else None


async def review_home(request: Request) -> Response:
    """GET /review: every queue with its counts, and the samples' coverage."""
    db = request.app.state.db
    counts = await run_in_threadpool(queue_counts, db)
    days = await run_in_threadpool(coverage, db)
    return render(request, "review_home.html", {
        "title": "Review", "queues": QUEUE_TITLES, "counts": counts, "days": days,
        "today": _today().isoformat(), "notice": request.query_params.get("notice")})


async def review_fill(request: Request) -> Response:
    """POST /review/fill: queue a day's conversations by rule and draw its sample."""
    form = await request.form()
    try:
        day = date.fromisoformat(str(form.get("day") or ""))
    except ValueError:
        return render(request, "error.html", {"title": "Not done",
                                              "message": "Give the day as YYYY-MM-DD."}, 400)
    state = request.app.state
    report = await run_in_threadpool(fill_day, state.db, state.security.audit,
                                     request.state.account.username, day, load_policy())
    added = sum(report.added.values())
    notice = (f"{day}: {added} items queued by rule; sample of {len(report.drawn)} from "
              f"{report.population} {'drawn' if report.new_sample else 'already drawn'}")
    return RedirectResponse(f"/review?notice={notice}", status_code=303)


async def review_queue(request: Request) -> Response:
    """GET /review/queues/{queue}: the queue's items, overdue at the top."""
    queue = request.path_params["queue"]
    if queue not in QUEUE_TITLES:
        return render(request, "error.html", {"title": "Not found",
                                              "message": "No such queue."}, 404)
    rows = await run_in_threadpool(queue_items, request.app.state.db, queue, load_policy(),
                                   _today())
    return render(request, "review_queue.html", {
        "title": QUEUE_TITLES[queue], "queue": queue, "rows": rows})


async def review_item(request: Request) -> Response:
    """GET /review/items/{item_id}: transcript, clocks, history, forms; the opening is audited."""
    state = request.app.state
    item_id = _item_id(request)
    try:
        if item_id is None:
            raise CandorError(Errors.E722.format(item_id=request.path_params["item_id"]))
        detail = await run_in_threadpool(item_detail, state.db, item_id, load_policy(), _today())
    except CandorError as err:
        return refused(request, err)
    view = await run_in_threadpool(transcript_view, state.db, detail.item.conversation_id)
    await run_in_threadpool(
        audit_log.append, state.db, state.security.audit, request.state.account.username,
        "transcript_opened", {"conversation_id": detail.item.conversation_id, "item_id": item_id},
        subject_hash(state.security.audit.current, detail.sender_id))
    return render(request, "review_item.html", {
        "title": f"Review {QUEUE_TITLES[detail.item.queue]} item {item_id}", "d": detail,
        "t": view, "outcomes": REVIEW_OUTCOMES, "segments": segments,
        "me": request.state.account.username, "notice": request.query_params.get("notice"),
        "notices": NOTICES})


async def _act(request: Request, action: str) -> Response:
    state = request.app.state
    item_id = _item_id(request)
    form = await request.form()
    field = lambda name: str(form.get(name) or "")  # noqa: E731
    who = request.state.account.username
    try:
        if item_id is None:
            raise CandorError(Errors.E722.format(item_id=request.path_params["item_id"]))
        if action == "claim":
            await run_in_threadpool(claim, state.db, state.security.audit, item_id, who)
        elif action == "review":
            await run_in_threadpool(record_review, state.db, state.security.audit, item_id, who,
                                    field("outcome"), field("reason"), field("note"))
        else:
            turn = field("turn_id")
            await run_in_threadpool(annotate, state.db, state.security.audit, item_id,
                                    int(turn) if turn.isdigit() else 0, who, field("note"))
    except CandorError as err:
        return refused(request, err)
    return RedirectResponse(f"/review/items/{item_id}?notice={action}", status_code=303)


async def item_claim(request: Request) -> Response:
    """POST /review/items/{item_id}/claim."""
    return await _act(request, "claim")


async def item_review(request: Request) -> Response:
    """POST /review/items/{item_id}/reviews: append a review (never an edit)."""
    return await _act(request, "review")


async def item_annotate(request: Request) -> Response:
    """POST /review/items/{item_id}/annotations: a note on one turn."""
    return await _act(request, "annotate")


async def review_outcomes(request: Request) -> Response:
    """GET /review/outcomes: outcome counts per queue, no conversation named (marketing too)."""
    totals = await run_in_threadpool(outcome_totals, request.app.state.db)
    return render(request, "review_outcomes.html", {
        "title": "Review outcomes", "totals": totals, "queues": QUEUE_TITLES,
        "outcomes": ("open", *REVIEW_OUTCOMES)})
