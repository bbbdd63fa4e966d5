"""The widget's end-of-chat survey: ``POST /api/survey`` (the CSAT issue's survey answer).

Body (a JSON object, nothing else)::

    {"sender": "<the chat's sender id>", "rating": 1-5, "comment": "optional, <= 1000 chars"}

Refusals are JSON errors in the same shape as the bot channels' (``{"error": {"code",
"message"}}``) and never quote what the customer wrote:

=====  ======  ===========================================================
400    E601    body is not a JSON object, or has fields other than the three
400    E602    ``sender`` missing or not a valid chat id
400    E603    ``rating`` missing or not a whole number from 1 to 5
400    E604    ``comment`` not a string, or longer than 1000 characters
404    E608    no conversation with this sender id is recorded (yet)
409    E605    this conversation already has a survey answer
413    E606    body larger than 8 KiB
503    E607    the answer could not be stored (nothing raw was written); resend
=====  ======  ===========================================================

Answers go to the ``surveys`` table of the transcript database through
:func:`bot.transcripts.repository.record_survey`, attached to the sender's latest conversation.
The comment is free text, so it is redacted (the same PII redaction as the transcripts) here
and again by the repository; if redaction fails the answer is refused with E607, never stored raw.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, TypedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.channels.validation import SENDER_ID
from bot.errors import Errors, HttpError
from bot.transcripts.repository import DuplicateSurvey, UnknownConversation, record_survey

logger = logging.getLogger(__name__)

MAX_COMMENT_CHARS = 1000
MAX_BODY_BYTES = 8192
FIELDS = frozenset({"sender", "rating", "comment"})


class SurveyBody(TypedDict, total=False):
    """What the widget posts (a process-boundary JSON shape)."""

    sender: str
    rating: int
    comment: str | None


@dataclass(frozen=True)
class SurveyAnswer:
    """A validated survey answer; ``comment`` is ``None`` when the customer left none."""

    sender: str
    rating: int
    comment: str | None


class SurveyError(HttpError):
    """A refused survey request (E601-E608), in the one HTTP error shape."""

    def response(self) -> JSONResponse:
        return JSONResponse(self.as_json(), self.status)


def parse_survey(body: Any) -> SurveyAnswer:
    """Validate a decoded JSON body; raise :class:`SurveyError` on the first problem."""
    if not isinstance(body, dict):
        raise SurveyError.of(Errors.E601)
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise SurveyError.of(Errors.E601)
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER_ID.match(sender):
        raise SurveyError.of(Errors.E602)
    rating = body.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise SurveyError.of(Errors.E603)
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise SurveyError.of(Errors.E604, limit=MAX_COMMENT_CHARS)
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise SurveyError.of(Errors.E604, limit=MAX_COMMENT_CHARS)
    comment = (comment or "").strip() or None
    return SurveyAnswer(sender=sender, rating=rating, comment=comment)


async def read_json(request: Request) -> Any:
    """Decode the request body as JSON, refusing oversize bodies before decoding them."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise SurveyError.of(Errors.E606, 413, limit=MAX_BODY_BYTES)
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise SurveyError.of(Errors.E606, 413, limit=MAX_BODY_BYTES)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SurveyError.of(Errors.E601) from None


def redacted(answer: SurveyAnswer) -> SurveyAnswer:
    """Remove PII from the answer's comment (imported lazily: spaCy is heavy)."""
    if answer.comment is None:
        return answer
    from bot.compliance.redaction import redact_text

    return SurveyAnswer(answer.sender, answer.rating, redact_text(answer.comment))


def store_survey(answer: SurveyAnswer, url: str) -> int:
    """Store an answer in the transcript database (``url``) through its repository."""
    return record_survey(answer.sender, answer.rating, answer.comment, url=url)


async def submit_survey(request: Request) -> JSONResponse:
    """``POST /api/survey``: validate, redact, store; 201 with the stored id."""
    try:
        answer = parse_survey(await read_json(request))
    except SurveyError as err:
        return err.response()
    try:
        clean = await run_in_threadpool(redacted, answer)
        survey_id = await run_in_threadpool(
            store_survey, clean, request.app.state.settings.transcripts_url
        )
    except DuplicateSurvey:
        return SurveyError.of(Errors.E605, 409).response()
    except UnknownConversation:
        return SurveyError.of(Errors.E608, 404).response()
    except Exception as err:  # the kind of failure only: the comment may hold personal data
        logger.error("E607 Storing a survey for %s failed: %r", answer.sender, type(err))
        return SurveyError.of(Errors.E607, 503).response()
    return JSONResponse({"id": survey_id, "sender": answer.sender, "rating": answer.rating}, 201)
