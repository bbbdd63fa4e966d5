"""Response versions and experiments in the database, with the four-eyes rules.

Every change is written in the same transaction as its audit entry. A version is never edited:
proposing inserts it; approving, rejecting and retiring append a review row. Its status is its
newest review (``proposed`` without one). The rules, in :func:`check_review`:

* only a ``proposed`` version can be approved or rejected, only an ``approved`` one retired;
* the proposer can never approve (or reject) their own proposal, whatever roles they hold;
* a rejection says why.

Retiring the live version of a variant brings back the previous approved one: the NLG serves
the newest approved, not retired version whose baseline is current (:mod:`bot.nlg.approved`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import registry
from bot.compliance.contract import ServableExperiment, ServableSet, ServableVersion
from bot.errors import CandorError, Errors
from bot.settings.console import AuditKeys
from bot.transcripts import audit_log
from bot.transcripts.db import Database, database
from bot.transcripts.records import aware
from bot.transcripts.studio_models import Experiment, ResponseReview, ResponseVersion

VARIANT = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
#: The variant an edit of the live text belongs to; other names are A/B variants.
DEFAULT_VARIANT = "default"
BASELINE = "baseline"
VERBS = {"approved": "approve", "rejected": "reject", "retired": "retire"}


@dataclass(frozen=True)
class Review:
    status: str
    actor: str
    at: datetime
    comment: str | None


@dataclass(frozen=True)
class VersionState:
    """A version and its reviews, oldest first."""

    id: int
    response: str
    variant: str
    version: int
    text: str
    baseline_hash: str
    proposed_by: str
    proposed_at: datetime
    reviews: tuple[Review, ...]

    @property
    def status(self) -> str:
        return self.reviews[-1].status if self.reviews else "proposed"

    def decided(self, status: str) -> Review | None:
        """The review that set ``status`` (e.g. who approved it), if any."""
        return next((r for r in self.reviews if r.status == status), None)


def now_utc() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


def check_variant(variant: str) -> str:
    """Raise E855 unless ``variant`` is a valid variant name."""
    if not VARIANT.match(variant) or variant == BASELINE:
        raise CandorError(Errors.E855.format(variant=variant))
    return variant


def check_review(version: VersionState, actor: str, status: str, comment: str | None) -> None:
    """The four-eyes rules (pure): raise E857/E858/E859 when ``actor`` may not do this."""
    needed = "approved" if status == "retired" else "proposed"
    if version.status != needed:
        raise CandorError(Errors.E858.format(version_id=version.id, status=version.status,
                                             needed=needed, verb=status))
    if status != "retired" and actor == version.proposed_by:
        raise CandorError(Errors.E857.format(actor=actor, verb=VERBS[status]))
    if status == "rejected" and not (comment or "").strip():
        raise CandorError(Errors.E859)


def _state(row: ResponseVersion, reviews: list[ResponseReview]) -> VersionState:
    return VersionState(row.id, row.response, row.variant, row.version, row.text,
                        row.baseline_hash, row.proposed_by, aware(row.proposed_at),
                        tuple(Review(r.status, r.actor, aware(r.at), r.comment) for r in reviews))


def _states(s: Session, where: list[object]) -> list[VersionState]:
    rows = list(s.execute(select(ResponseVersion).where(*where)
                          .order_by(ResponseVersion.id)).scalars())
    ids = [r.id for r in rows]
    reviews: dict[int, list[ResponseReview]] = {i: [] for i in ids}
    if ids:
        for review in s.execute(select(ResponseReview).where(ResponseReview.version_id.in_(ids))
                                .order_by(ResponseReview.id)).scalars():
            reviews[review.version_id].append(review)
    return [_state(r, reviews[r.id]) for r in rows]


def versions(db: Database, response: str | None = None) -> list[VersionState]:
    """Every version (of ``response``), oldest first."""
    with db.begin() as s:
        return _states(s, [ResponseVersion.response == response] if response else [])


def version(db: Database, version_id: int) -> VersionState:
    """One version (E856 when there is none)."""
    with db.begin() as s:
        found = _states(s, [ResponseVersion.id == version_id])
    if not found:
        raise CandorError(Errors.E856.format(version_id=version_id))
    return found[0]


def propose(db: Database, keys: AuditKeys, response: str, variant: str, text: str,
            baseline_hash: str, actor: str) -> VersionState:
    """Insert the next version of ``response``/``variant`` (text already checked)."""
    check_variant(variant)
    with db.begin() as s:
        audit_log.serialise(s)
        last = s.execute(select(func.max(ResponseVersion.version)).where(
            ResponseVersion.response == response, ResponseVersion.variant == variant)).scalar()
        row = ResponseVersion(response=response, variant=variant, version=int(last or 0) + 1,
                              text=text, baseline_hash=baseline_hash, proposed_by=actor,
                              proposed_at=now_utc())
        s.add(row)
        s.flush()
        audit_log.append_in(s, keys, actor, "response_proposed", {
            "version_id": row.id, "response": response, "variant": variant,
            "version": row.version, "chars": len(text)})
        return _state(row, [])


def review(db: Database, keys: AuditKeys, version_id: int, actor: str, status: str,
           comment: str | None = None) -> VersionState:
    """Approve, reject or retire a version under :func:`check_review`; audited."""
    with db.begin() as s:
        audit_log.serialise(s)
        found = _states(s, [ResponseVersion.id == version_id])
        if not found:
            raise CandorError(Errors.E856.format(version_id=version_id))
        check_review(found[0], actor, status, comment)
        comment = (comment or "").strip()[:2000] or None
        s.add(ResponseReview(version_id=version_id, status=status, actor=actor, at=now_utc(),
                             comment=comment))
        audit_log.append_in(s, keys, actor, f"response_{status}", {
            "version_id": version_id, "response": found[0].response,
            "variant": found[0].variant, "version": found[0].version})
        return _states(s, [ResponseVersion.id == version_id])[0]


@dataclass(frozen=True)
class ExperimentState:
    id: int
    response: str
    arms: dict[str, int]
    min_sample: int
    status: str
    pause_reason: str | None
    created_by: str
    created_at: datetime
    changed_at: datetime


def _experiment(row: Experiment) -> ExperimentState:
    return ExperimentState(row.id, row.response, {str(k): int(v) for k, v in row.arms.items()},
                           row.min_sample, row.status, row.pause_reason, row.created_by,
                           aware(row.created_at), aware(row.changed_at))


def experiments(db: Database, response: str | None = None) -> list[ExperimentState]:
    """Every experiment (on ``response``), newest first."""
    query = select(Experiment).order_by(Experiment.id.desc())
    if response:
        query = query.where(Experiment.response == response)
    with db.begin() as s:
        return [_experiment(r) for r in s.execute(query).scalars()]


def start_experiment(db: Database, keys: AuditKeys, response: str, arms: dict[str, int],
                     min_sample: int, actor: str) -> ExperimentState:
    """Start an experiment (arms already checked against the approved variants); audited."""
    with db.begin() as s:
        audit_log.serialise(s)
        running = s.execute(select(Experiment.id).where(
            Experiment.response == response, Experiment.status == "running")).first()
        if running:
            raise CandorError(Errors.E860.format(
                response=response, problem=f"experiment {running.id} is already running"))
        now = now_utc()
        row = Experiment(response=response, arms=dict(arms), min_sample=min_sample,
                         status="running", created_by=actor, created_at=now, changed_at=now)
        s.add(row)
        s.flush()
        audit_log.append_in(s, keys, actor, "experiment_started", {
            "experiment_id": row.id, "response": response, "arms": dict(arms),
            "min_sample": min_sample})
        return _experiment(row)


def set_experiment_status(db: Database, keys: AuditKeys, experiment_id: int, status: str,
                          actor: str, reason: str | None = None) -> ExperimentState:
    """Pause, resume (``running``) or stop an experiment, with its reason; audited."""
    allowed = {"paused": ("running",), "running": ("paused",), "stopped": ("running", "paused")}
    with db.begin() as s:
        audit_log.serialise(s)
        row = s.get(Experiment, experiment_id)
        if row is None:
            raise CandorError(Errors.E861.format(experiment_id=experiment_id))
        if row.status not in allowed[status]:
            raise CandorError(Errors.E862.format(experiment_id=experiment_id, status=row.status,
                                                 verb=status))
        row.status, row.changed_at = status, now_utc()
        row.pause_reason = reason if status == "paused" else None
        action = {"paused": "experiment_paused", "running": "experiment_resumed",
                  "stopped": "experiment_stopped"}[status]
        audit_log.append_in(s, keys, actor, action, {
            "experiment_id": experiment_id, "response": row.response, "reason": reason or ""})
        return _experiment(row)


def servable(db: Database) -> ServableSet:
    """Approved, not retired versions and running experiments: the NLG's whole read."""
    with db.begin() as s:
        latest = (select(ResponseReview.version_id, func.max(ResponseReview.id).label("last"))
                  .group_by(ResponseReview.version_id).subquery())
        rows = s.execute(
            select(ResponseVersion).join(latest, latest.c.version_id == ResponseVersion.id)
            .join(ResponseReview, ResponseReview.id == latest.c.last)
            .where(ResponseReview.status == "approved").order_by(ResponseVersion.id)).scalars()
        found = [ServableVersion(response=r.response, variant=r.variant, version=r.version,
                                 text=r.text, baseline_hash=r.baseline_hash) for r in rows]
        running = s.execute(select(Experiment).where(Experiment.status == "running")
                            .order_by(Experiment.id)).scalars()
        exps = [ServableExperiment(id=e.id, response=e.response,
                                   arms={str(k): int(v) for k, v in e.arms.items()})
                for e in running]
    return ServableSet(versions=found, experiments=exps)


@registry.response_sources.register("studio.database.v1")
def database_source(url: str | None = None) -> Callable[[], ServableSet]:
    """The default source: :func:`servable` on the transcript database."""
    return lambda: servable(database(url))
