"""Whether a model trained on a bank's own survey answers may replace the one in use.

Pure: conversation ids, predictions and answers in, a decision out. The split is a hash of the
conversation id, so a conversation held out once stays held out as answers accumulate and a
later candidate is never checked on what an earlier one learnt from. The check is a paired
bootstrap of the gain in Spearman rho on the held-out answers: ranking is what the review
queues and Studio use (calibration fixes the scale), and a candidate replaces the model in use
only when it ranks better with 95% one-sided confidence, so a lucky split of a small survey
set does not swap a model for a noisier one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy.stats import rankdata

MIN_SURVEY_ANSWERS = 200
"""Fewest answered conversations to train on: the ordinal model has 29 weights and 4
thresholds, and a quarter is held out for the check."""
MIN_HELD_OUT = 40
"""Fewest held-out answers the check needs for its confidence bound to mean anything."""
HELD_OUT_SHARE = 0.25
RESAMPLES = 2000
CONFIDENCE = 0.95


def is_held_out(conversation_id: str, share: float = HELD_OUT_SHARE) -> bool:
    """Stable membership of the held-out part: the id's SHA-256 read as a fraction."""
    digest = hashlib.sha256(conversation_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < share


@dataclass(frozen=True)
class HeldOutCheck:
    """The candidate against the model in use, on answers neither learnt from."""

    held_out: int
    spearman_candidate: float
    spearman_current: float
    mae_candidate: float
    mae_current: float
    gain_low: float
    """Lower end of the one-sided 95% bootstrap interval of the gain in Spearman rho."""
    promote: bool
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, rounded (stored in the artefact and the audit entry)."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _spearman_rows(pred: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """Spearman rho of each row of ``pred`` with the same row of ``answers`` (0 if constant)."""
    rp, ra = rankdata(pred, axis=1), rankdata(answers, axis=1)
    rp -= rp.mean(axis=1, keepdims=True)
    ra -= ra.mean(axis=1, keepdims=True)
    denom = np.sqrt((rp * rp).sum(axis=1) * (ra * ra).sum(axis=1))
    return np.divide((rp * ra).sum(axis=1), denom, out=np.zeros(len(rp)), where=denom > 0)


def held_out_check(
    candidate: Sequence[float], current: Sequence[float], answers: Sequence[float],
    resamples: int = RESAMPLES, seed: int = 0,
) -> HeldOutCheck:
    """Compare two models' predictions for the same held-out conversations."""
    c, p, a = (np.asarray(v, dtype=float) for v in (candidate, current, answers))
    if not len(c) == len(p) == len(a):
        raise ValueError("candidate, current and answers must be the same length")
    rho_c, rho_p = (float(_spearman_rows(v[None, :], a[None, :])[0]) for v in (c, p))
    rows = np.random.default_rng(seed).integers(0, len(a), size=(resamples, len(a)))
    gains = _spearman_rows(c[rows], a[rows]) - _spearman_rows(p[rows], a[rows])
    low = float(np.quantile(gains, 1.0 - CONFIDENCE))
    promote = low > 0.0
    reason = (f"ranks the held-out answers better (rho {rho_c:.3f} against {rho_p:.3f}; the gain's "
              f"{CONFIDENCE:.0%} lower bound is {low:+.3f})" if promote else
              f"not clearly better on the held-out answers (rho {rho_c:.3f} against {rho_p:.3f}; "
              f"the gain's {CONFIDENCE:.0%} lower bound is {low:+.3f}, not above 0)")
    return HeldOutCheck(
        held_out=len(a), spearman_candidate=rho_c, spearman_current=rho_p,
        mae_candidate=float(np.mean(np.abs(c - a))), mae_current=float(np.mean(np.abs(p - a))),
        gain_low=low, promote=promote, reason=reason)
