"""The one typed settings object for every ``CANDOR_*`` variable.

This is the only module that reads or writes the process environment.

Every knob an operator can turn is a field of :class:`Settings`, parsed and validated in one
place (:func:`load_settings`). A bad value stops start-up with ``E012`` naming the variable and
what it accepts, instead of a bare ``ValueError`` deep inside a server. Settings are read afresh
on each call (a few dictionary lookups), so a process, a test or a child process always sees the
environment it was given; processes validate them once at start-up (:func:`validate_environment`).

Child processes get their environment from :func:`runtime_env`; the few places that must set a
variable for a library in this process (Sanic's bind host, Hugging Face's offline switch) go
through :func:`export` so the writes are visible in one place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from bot.errors import CandorError, Errors
from bot.paths import PROJECT_ROOT, CandorHome

T = TypeVar("T")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_RASA_PORT = 5005
DEFAULT_ACTIONS_PORT = 5055
DEFAULT_CONSOLE_PORT = 8000
DEFAULT_MAX_MESSAGE_CHARS = 2000
DEFAULT_RASA_WORKERS = 2  # one per core of the reference machine; each holds a model copy
DEFAULT_RETENTION_DAYS = 7 * 365  # banks commonly keep customer communications 5-7 years
DEFAULT_CSAT_IDLE_MINUTES = 30.0
#: Longest wait for the action server per call: a customer gets a 503 within the 10 s budget.
DEFAULT_ACTION_TIMEOUT_SECONDS = 5.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(CandorError, ValueError):
    """A ``CANDOR_*`` variable with a value Candor cannot use (E012)."""


def _fail(name: str, value: str, accepted: str) -> SettingsError:
    return SettingsError(Errors.E012.format(name=name, value=value, accepted=accepted))


def _integer(low: int, high: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise _fail(name, raw, f"a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise _fail(name, raw, f"a whole number from {low} to {high}")
        return value

    return parse


def _positive_minutes(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:  # NaN is not positive either
        raise CandorError(Errors.E409.format(value=raw))
    return value


def _number(low: float, high: float, unit: str = "") -> Callable[[str, str], float]:
    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # NaN fails too
            raise _fail(name, raw, f"{unit}from {low:g} to {high:g}".strip())
        return value

    return parse


def _seconds(low: float, high: float) -> Callable[[str, str], float]:
    return _number(low, high, "seconds ")


def _http_url(name: str, raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise _fail(name, raw, "an http(s) URL such as https://chat.bank.example")
    return raw.rstrip("/")


def _origins(name: str, raw: str) -> tuple[str, ...]:
    origins = tuple(o.strip() for o in raw.split(",") if o.strip())
    for origin in origins:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or parsed.path not in ("", "/") or not parsed.netloc:
            raise _fail(name, raw, "comma-separated origins like https://www.bank.example")
    return tuple(o.rstrip("/") for o in origins)


def _path(name: str, raw: str) -> Path:
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _log_level(name: str, raw: str) -> str:
    level = raw.upper()
    if level not in LOG_LEVELS:
        raise _fail(name, raw, ", ".join(LOG_LEVELS))
    return level


def _text(name: str, raw: str) -> str:
    return raw


@dataclass(frozen=True)
class Settings:
    """Every ``CANDOR_*`` knob (and ``LOG_LEVEL``), typed; see the README's configuration table."""

    #: ``CANDOR_HOME``: the runtime directory (models, databases, logs, caches).
    home: CandorHome
    #: ``CANDOR_HOST``: the interface every process binds to.
    host: str = DEFAULT_HOST
    #: ``CANDOR_RASA_PORT``, ``CANDOR_ACTIONS_PORT``, ``CANDOR_CONSOLE_PORT``.
    rasa_port: int = DEFAULT_RASA_PORT
    actions_port: int = DEFAULT_ACTIONS_PORT
    console_port: int = DEFAULT_CONSOLE_PORT
    #: ``CANDOR_RASA_UPSTREAM_PORT``: where the Rasa server itself listens, behind the gateway
    #: on ``CANDOR_RASA_PORT`` (0: ``candor run`` picks a free port).
    rasa_upstream_port: int = 0
    #: ``CANDOR_ACTION_TIMEOUT``: seconds Rasa waits for the action server per call.
    action_timeout_seconds: float = DEFAULT_ACTION_TIMEOUT_SECONDS
    #: ``CANDOR_RASA_WORKERS``: Sanic worker processes of the Rasa server (each loads the model).
    rasa_workers: int = DEFAULT_RASA_WORKERS
    #: ``CANDOR_RASA_TOKEN``: the Rasa HTTP API token (``candor run`` generates one per run).
    rasa_token: str | None = None
    #: ``CANDOR_RASA_PUBLIC_URL``: where browsers reach the Rasa server (the widget's URL).
    rasa_public_url: str | None = None
    #: ``CANDOR_WIDGET_ORIGINS``: bank sites allowed to post survey answers cross-origin.
    widget_origins: tuple[str, ...] = ()
    #: ``CANDOR_MAX_MESSAGE_CHARS``: the longest customer message accepted.
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    #: ``CANDOR_TRANSCRIPTS_URL``: SQLAlchemy URL of the transcript database (default: SQLite).
    transcripts_url: str | None = None
    #: ``CANDOR_RETENTION_DAYS``: how long transcripts are kept by ``candor transcripts purge``.
    retention_days: int = DEFAULT_RETENTION_DAYS
    #: ``CANDOR_CSAT_IDLE_MINUTES``: silence after which an open conversation is CSAT-scored.
    csat_idle_minutes: float = DEFAULT_CSAT_IDLE_MINUTES
    #: ``CANDOR_RULEBOOK``: the rulebook file (default ``compliance.yml``).
    rulebook: Path = PROJECT_ROOT / "compliance.yml"
    #: ``CANDOR_BANK_FILE``: the bank's facts (default ``bank.yml``).
    bank_file: Path = PROJECT_ROOT / "bank.yml"
    #: ``LOG_LEVEL``: the servers' log level, as for Rasa's CLI.
    log_level: str = "INFO"
    #: ``CANDOR_EXPERIMENT_CHECK_SECONDS``: how often the console tests running Studio
    #: experiments for harm (0: never); ``CANDOR_EXPERIMENT_ALPHA`` and
    #: ``CANDOR_EXPERIMENT_TAU``: the mSPRT's false-alarm rate and mixing scale
    #: (:mod:`bot.scoring.experiment_stats`).
    experiment_check_seconds: float = 60.0
    experiment_alpha: float = 0.05
    experiment_tau: float = 0.05

    @property
    def transcripts_database_url(self) -> str:
        """The transcript database: ``CANDOR_TRANSCRIPTS_URL``, else SQLite under the home."""
        return self.transcripts_url or f"sqlite:///{self.home.db / 'transcripts.sqlite'}"


# Field -> (variable, parser). Variables read by Rasa itself from endpoints*.yml
# (CANDOR_ACTION_URL, CANDOR_TRACKER_DB, CANDOR_EVENTS_QUEUE, CANDOR_EVENTS_EXCHANGE,
# CANDOR_LOCK_PREFIX) are set by `candor run` or the operator and interpolated by Rasa.
VARIABLES: dict[str, tuple[str, Callable[[str, str], Any]]] = {
    "host": ("CANDOR_HOST", _text),
    "rasa_port": ("CANDOR_RASA_PORT", _integer(1, 65535)),
    "actions_port": ("CANDOR_ACTIONS_PORT", _integer(1, 65535)),
    "console_port": ("CANDOR_CONSOLE_PORT", _integer(1, 65535)),
    "rasa_upstream_port": ("CANDOR_RASA_UPSTREAM_PORT", _integer(0, 65535)),
    "action_timeout_seconds": ("CANDOR_ACTION_TIMEOUT", _seconds(0.1, 300.0)),
    "rasa_workers": ("CANDOR_RASA_WORKERS", _integer(1, 64)),
    "rasa_token": ("CANDOR_RASA_TOKEN", _text),
    "rasa_public_url": ("CANDOR_RASA_PUBLIC_URL", _http_url),
    "widget_origins": ("CANDOR_WIDGET_ORIGINS", _origins),
    "max_message_chars": ("CANDOR_MAX_MESSAGE_CHARS", _integer(1, 100_000)),
    "transcripts_url": ("CANDOR_TRANSCRIPTS_URL", _text),
    "retention_days": ("CANDOR_RETENTION_DAYS", _integer(1, 36_500)),
    "csat_idle_minutes": ("CANDOR_CSAT_IDLE_MINUTES", _positive_minutes),
    "rulebook": ("CANDOR_RULEBOOK", _path),
    "bank_file": ("CANDOR_BANK_FILE", _path),
    "log_level": ("LOG_LEVEL", _log_level),
    "experiment_check_seconds": ("CANDOR_EXPERIMENT_CHECK_SECONDS", _seconds(0.0, 86_400.0)),
    "experiment_alpha": ("CANDOR_EXPERIMENT_ALPHA", _number(0.0001, 0.5)),
    "experiment_tau": ("CANDOR_EXPERIMENT_TAU", _number(0.0001, 1.0)),
}


def candor_home(env: Mapping[str, str] | None = None) -> CandorHome:
    """Resolve ``CANDOR_HOME`` (relative paths are taken from the project root)."""
    env = os.environ if env is None else env
    raw = Path(env.get("CANDOR_HOME") or "var")
    root = raw if raw.is_absolute() else PROJECT_ROOT / raw
    return CandorHome(root.resolve())


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Parse the environment (default: this process's); E012 names the first bad variable."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {"home": candor_home(env)}
    for field in fields(Settings):
        if field.name not in VARIABLES:
            continue
        name, parse = VARIABLES[field.name]
        raw = env.get(name)
        if raw is not None and raw.strip():
            values[field.name] = parse(name, raw.strip())
    return Settings(**values)


def validate_environment() -> Settings:
    """Called once by every process at start-up: fail before serving anything."""
    return load_settings()


def process_env() -> dict[str, str]:
    """A copy of this process's environment (the base of a child process's)."""
    return dict(os.environ)


def export(values: Mapping[str, str], overwrite: bool = True) -> None:
    """Set variables that a library in this process reads from the environment."""
    for name, value in values.items():
        if overwrite or name not in os.environ:
            os.environ[name] = value


def ci() -> bool:
    """True under CI (``CI`` set): tests that need local services fail instead of skipping."""
    return bool(os.environ.get("CI"))


OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def runtime_env(home: CandorHome, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for Candor's child processes: state under ``home``, no telemetry, offline.

    Libraries that would otherwise write to ``~`` (Rasa's telemetry config and training cache,
    TensorFlow/Keras, matplotlib, tldextract, Hugging Face) are pointed inside the home;
    ``HOME`` itself is moved too, because Rasa builds its global config path from ``~`` at import
    time.
    """
    env = dict(os.environ if base is None else base)
    cache = home.cache
    env.update(
        {
            "CANDOR_HOME": str(home.root),
            "HOME": str(cache / "home"),
            "KERAS_HOME": str(cache / "keras"),
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_CACHE_DIRECTORY": str(cache / "rasa"),
            "XDG_CONFIG_HOME": str(cache / "config"),
            "XDG_CACHE_HOME": str(cache),
            "MPLCONFIGDIR": str(cache / "matplotlib"),
            "TLDEXTRACT_CACHE": str(cache / "tldextract"),
            "HF_HOME": str(cache / "huggingface"),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
            **OFFLINE_ENV,
        }
    )
    return env
