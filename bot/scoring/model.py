"""The CSAT model: ordinal logistic regression over standardised features, as plain numbers.

Why ordinal: ratings 1-5 are ordered, and an all-threshold (cumulative link) model uses that
order with one weight per feature, so every prediction splits exactly into per-feature
contributions on one latent scale (the explanation shown to marketing and compliance).
scikit-learn 1.1 has no ordinal model, so :mod:`bot.scoring.fit` fits it with SciPy; sklearn
provides the metrics and the calibration. The artefact is JSON, not pickle: small, diffable,
reviewable, and loading it can never execute code.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import CandorError, Errors

ARTEFACT_FORMAT = "candor-csat-model"
CLASSES = (1, 2, 3, 4, 5)
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "csat-v3.json"


@dataclass(frozen=True)
class CsatModel:
    """A fitted model: feature names, standardisation, weights and the 4 class thresholds.

    ``recency`` says how a whole conversation is scored: None scores the whole conversation's
    features (csat-v1, csat-v2); a number r (csat-v3, models trained on survey answers) scores
    it as the mean of its customer turns' scores, each turn weighted r times the next, so how
    the conversation ended counts most (:func:`bot.scoring.scorer.score_conversation`).
    """

    version: str
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    thresholds: tuple[float, ...]
    trained_on: dict[str, Any] = field(default_factory=dict, compare=False)
    recency: float | None = None

    def standardise(self, x: np.ndarray) -> np.ndarray:
        """``(x - mean) / scale`` for a (n, d) matrix."""
        return (np.asarray(x, dtype=float) - np.array(self.mean)) / np.array(self.scale)

    def latent(self, x: np.ndarray) -> np.ndarray:
        """The latent satisfaction ``eta = w . z`` per row."""
        return self.standardise(x) @ np.array(self.weights)

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (n, 5) for ratings 1..5."""
        return class_proba(self.latent(x), np.array(self.thresholds))

    def expected(self, x: np.ndarray) -> np.ndarray:
        """Expected rating in [1, 5] per row (the CSAT value)."""
        return self.proba(x) @ np.array(CLASSES, dtype=float)

    def predict_class(self, x: np.ndarray) -> np.ndarray:
        """Most probable rating per row."""
        return np.argmax(self.proba(x), axis=1) + 1

    def slope(self, x: np.ndarray) -> np.ndarray:
        """D expected rating / d latent, per row: converts latent contributions to points."""
        eta = self.latent(x)[:, None]
        s = _sigmoid(np.array(self.thresholds)[None, :] - eta)
        return np.sum(s * (1.0 - s), axis=1)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions (n, d) in rating points.

        Relative to the average training conversation, first order: they sum to the latent
        shift times the slope, so the biggest ones are the reasons for the score.
        """
        return self.standardise(x) * np.array(self.weights) * self.slope(x)[:, None]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))


def class_proba(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Cumulative-link probabilities: P(y <= k) = sigmoid(theta_k - eta)."""
    cum = _sigmoid(thresholds[None, :] - eta[:, None])
    ones = np.ones((len(eta), 1))
    cum = np.hstack([np.zeros((len(eta), 1)), cum, ones])
    return np.clip(np.diff(cum, axis=1), 1e-12, 1.0)


def to_json(model: CsatModel) -> str:
    """Deterministic JSON (rounded, sorted keys), so retraining on the same data is a no-op."""
    data = asdict(model)
    for key in ("mean", "scale", "weights", "thresholds"):
        data[key] = [round(float(v), 6) for v in data[key]]
    data["features"] = list(model.features)
    if model.recency is None:
        del data["recency"]  # artefacts from before it existed stay byte-identical
    return json.dumps({"format": ARTEFACT_FORMAT, **data}, indent=2, sort_keys=True) + "\n"


def from_json(text: str, source: str = "<string>") -> CsatModel:
    """Parse an artefact, checking its format and shape (E403 names what is wrong)."""
    try:
        data = json.loads(text)
        if data.pop("format", None) != ARTEFACT_FORMAT:
            raise ValueError(f"not a {ARTEFACT_FORMAT} artefact")
        model = CsatModel(
            version=str(data["version"]),
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            thresholds=tuple(data["thresholds"]),
            trained_on=dict(data.get("trained_on", {})),
            recency=None if data.get("recency") is None else float(data["recency"]),
        )
    except (ValueError, KeyError, TypeError) as e:
        raise CandorError(Errors.E403.format(path=source, problem=e)) from None
    if model.recency is not None and not 0.0 < model.recency <= 1.0:
        raise CandorError(Errors.E403.format(path=source, problem="recency must be in (0, 1]"))
    d = len(model.features)
    if not (len(model.mean) == len(model.scale) == len(model.weights) == d):
        raise CandorError(Errors.E403.format(path=source, problem="vector lengths differ"))
    if len(model.thresholds) != len(CLASSES) - 1:
        raise CandorError(Errors.E403.format(path=source, problem="need 4 thresholds"))
    return model


def save_model(model: CsatModel, path: Path) -> None:
    """Write the artefact as stable, diff-friendly JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_json(model), encoding="utf-8")


def load_model(path: Path | None = None) -> CsatModel:
    """Load an artefact (default: the shipped ``csat-v3.json``)."""
    path = DEFAULT_MODEL_PATH if path is None else path
    if not path.exists():
        raise CandorError(Errors.E403.format(path=path, problem="file not found"))
    return from_json(path.read_text(encoding="utf-8"), str(path))
