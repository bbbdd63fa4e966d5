"""The console web app (its own process and port, never mounted on the public bot endpoint).

The signed-in pages (sign-in, conversations, transcripts, audit log, users) are declared in
one route table with their roles (:mod:`bot.web.routes`). Besides them, it serves the
customer-facing widget, which never uses a console session:

* ``/widget/candor-widget.js`` and ``/widget/candor-widget.css``: the widget's static files,
  plain JavaScript and CSS a bank embeds with one ``<script>`` tag (no build step, no CDN);
* ``/demo``: a fictional bank's home page ("Northwind Bank") embedding the widget;
* ``POST /api/survey``: the widget's end-of-chat rating (:mod:`bot.web.survey`).

Every response carries strict security headers (:mod:`bot.web.security`): no inline script,
``connect-src`` limited to the console and the Rasa server named by ``CANDOR_RASA_PUBLIC_URL``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.settings import load_settings
from bot.settings.console import ConsoleSecurity
from bot.transcripts.db import database, database_url
from bot.transcripts.follower_status import STATS_FILE
from bot.web.routes import console_routes
from bot.web.security import SecurityHeadersMiddleware, origin_of
from bot.web.survey import submit_survey
from bot.web.templating import TEMPLATES

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

DEFAULT_RASA_PUBLIC_URL = "http://127.0.0.1:5005"


@dataclass(frozen=True)
class ConsoleSettings:
    """What the console needs to know about the rest of Candor."""

    #: Where browsers reach the Rasa server (rendered into the widget's ``data-server-url``).
    rasa_public_url: str = DEFAULT_RASA_PUBLIC_URL
    #: The server's message limit, mirrored by the widget's input cap.
    max_message_chars: int = 2000
    #: SQLAlchemy URL of the transcript database (survey answers go to its ``surveys`` table).
    transcripts_url: str = ""
    #: Load the PII redaction engines at start-up (in the background), so the first survey
    #: comment is not slowed by loading spaCy.
    warm_up_redaction: bool = True
    #: Bank sites (origins) allowed to post survey answers cross-origin (``/demo`` needs none).
    widget_origins: tuple[str, ...] = ()
    #: Studio's experiment monitor: how often it tests running experiments (0: never), and the
    #: mSPRT's false-alarm rate and mixing scale (:mod:`bot.scoring.experiment_stats`).
    experiment_check_seconds: float = 60.0
    experiment_alpha: float = 0.05
    experiment_tau: float = 0.05
    #: The transcript follower's stats file: the console warns while the transcripts trail the
    #: live conversations (:mod:`bot.transcripts.follower_status`). ``None``: no follower.
    follower_stats: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleSettings:
        """The console's slice of :class:`bot.settings.Settings` (validated there: E012)."""
        settings = load_settings(env)
        return cls(
            rasa_public_url=settings.rasa_public_url or DEFAULT_RASA_PUBLIC_URL,
            max_message_chars=settings.max_message_chars,
            transcripts_url=database_url(env),
            widget_origins=settings.widget_origins,
            experiment_check_seconds=settings.experiment_check_seconds,
            experiment_alpha=settings.experiment_alpha,
            experiment_tau=settings.experiment_tau,
            follower_stats=settings.home.logs / STATS_FILE,
        )


async def health(request: Request) -> JSONResponse:
    """Liveness probe used by `candor run` and the tests."""
    return JSONResponse({"status": "ok"})


async def demo(request: Request) -> Response:
    """Render a fictional bank's home page with the widget embedded by one script tag."""
    settings: ConsoleSettings = request.app.state.settings
    return TEMPLATES.TemplateResponse(
        request,
        "demo.html",
        {
            "server_url": settings.rasa_public_url,
            "max_chars": settings.max_message_chars,
            "widget_src": "/widget/candor-widget.js",
        },
    )


def _warm_up_redaction() -> None:
    try:
        from bot.compliance.redaction import warm_up

        warm_up()
    except Exception as err:  # the survey endpoint reports it (E607) when it is needed
        logger.warning("Redaction warm-up failed: %r", err)


def _monitor_experiments(app: Starlette, stop: threading.Event) -> None:
    """Pause harmful experiments every ``experiment_check_seconds`` (audited by the monitor)."""
    from bot.web.studio_data import check_experiments

    settings: ConsoleSettings = app.state.settings
    while not stop.wait(settings.experiment_check_seconds):
        try:
            check_experiments(app.state.db, app.state.security.audit,
                              settings.experiment_alpha, settings.experiment_tau)
        except Exception as err:  # noqa: BLE001 - try again next time; the page still works
            logger.warning("Experiment check failed: %r", err)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Start-up work that must not delay the health check."""
    if app.state.settings.warm_up_redaction:
        threading.Thread(target=_warm_up_redaction, name="redaction-warm-up", daemon=True).start()
    stop = threading.Event()
    if app.state.settings.experiment_check_seconds > 0:
        threading.Thread(target=_monitor_experiments, args=(app, stop),
                         name="experiment-monitor", daemon=True).start()
    yield
    stop.set()


def create_app(
    settings: ConsoleSettings | None = None, security: ConsoleSecurity | None = None
) -> Starlette:
    """Build the console application (settings and secrets from the environment by default)."""
    settings = settings or ConsoleSettings.from_env()
    security = security or ConsoleSecurity.from_env()
    middleware = [
        Middleware(
            SecurityHeadersMiddleware, connect_origins=[origin_of(settings.rasa_public_url)]
        )
    ]
    if settings.widget_origins:  # only the survey is ever called cross-origin
        middleware.append(
            Middleware(
                CORSMiddleware, allow_origins=list(settings.widget_origins),
                allow_methods=["POST"], allow_headers=["Content-Type"],
            )
        )
    app = Starlette(
        routes=[
            *console_routes(),
            Route("/health", health),
            Route("/demo", demo),
            Route("/api/survey", submit_survey, methods=["POST"]),
            Mount("/widget", StaticFiles(directory=str(STATIC / "widget")), name="widget"),
            Mount("/static", StaticFiles(directory=str(STATIC / "site")), name="static"),
        ],
        lifespan=lifespan,
        middleware=middleware,
    )
    app.state.settings = settings
    app.state.security = security
    app.state.db = database(settings.transcripts_url or None)
    return app
