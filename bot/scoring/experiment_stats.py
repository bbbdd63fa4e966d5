"""Experiment results and the auto-pause test: pure statistics over per-arm counts.

Confidence intervals: Wilson score intervals (95%) for rates, a normal interval on the mean
for survey CSAT (with n under 2 there is none).

Auto-pause uses the **mixture sequential probability ratio test** (mSPRT; Johari, Pekelis and
Walsh, "Always valid inference", 2017) for the difference of two proportions, variant minus
baseline, with a normal mixing distribution N(0, tau^2) on that difference:

    Lambda_n = sqrt(V / (V + tau^2)) * exp(d^2 tau^2 / (2 V (V + tau^2)))

where d is the observed difference and V = p_b(1-p_b)/n_b + p_v(1-p_v)/n_v its variance. The
experiment pauses as soon as Lambda_n >= 1/alpha with d > 0 (the variant is worse). Because
Lambda_n is a mixture likelihood ratio (a martingale under the null), its false-alarm rate
stays at most alpha however often it is checked, which is what continuous monitoring needs; a
fixed-sample z-test checked after every conversation would not. Two metrics (complaint and
handoff rate) times every non-baseline arm are tested, so alpha is Bonferroni-divided by their
number. Nothing is tested before every arm has ``min_sample`` conversations. Predicted CSAT is
reported but never tested: the predictor reads the bot's own wording, so it would grade the
variants by their words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

Z95 = 1.959963984540054
DEFAULT_ALPHA = 0.05
DEFAULT_TAU = 0.05
GUARDED_METRICS = ("complaint", "handoff")


@dataclass(frozen=True)
class Interval:
    value: float | None
    low: float | None
    high: float | None


def wilson(successes: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval of a proportion."""
    if n == 0:
        return Interval(None, None, None)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


def mean_interval(values: list[float], z: float = Z95) -> Interval:
    """The mean and its normal 95% interval (no interval under two values)."""
    if not values:
        return Interval(None, None, None)
    mean = sum(values) / len(values)
    if len(values) < 2:
        return Interval(mean, None, None)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    half = z * sd / math.sqrt(len(values))
    return Interval(mean, mean - half, mean + half)


def msprt(baseline: tuple[int, int], variant: tuple[int, int], tau: float = DEFAULT_TAU) -> float:
    """The mSPRT statistic Lambda for ``(events, n)`` of baseline and variant (1.0 when flat)."""
    (xb, nb), (xv, nv) = baseline, variant
    if nb == 0 or nv == 0:
        return 1.0
    pb, pv = xb / nb, xv / nv
    var = pb * (1 - pb) / nb + pv * (1 - pv) / nv
    if var == 0:  # both rates 0 or 1: fall back to the pooled variance (0: no evidence)
        pooled = (xb + xv) / (nb + nv)
        var = pooled * (1 - pooled) * (1 / nb + 1 / nv)
        if var == 0:
            return 1.0
    d = pv - pb
    t2 = tau * tau
    return math.sqrt(var / (var + t2)) * math.exp(d * d * t2 / (2 * var * (var + t2)))


@dataclass(frozen=True)
class Verdict:
    """Why an experiment must pause (``pause`` False: keep running)."""

    pause: bool
    reason: str
    threshold: float


def pause_verdict(arms: Mapping[str, Mapping[str, int]], min_sample: int,
                  alpha: float = DEFAULT_ALPHA, tau: float = DEFAULT_TAU,
                  baseline: str = "baseline") -> Verdict:
    """Pause on the first arm significantly worse than the baseline on complaints or handoffs.

    ``arms[a]`` holds the ``n``, ``complaint`` and ``handoff`` counts of arm ``a``.
    """
    others = sorted(a for a in arms if a != baseline)
    tests = max(1, len(others) * len(GUARDED_METRICS))
    threshold = tests / alpha  # 1 / (alpha / tests): Bonferroni
    if baseline not in arms or any(arms[a]["n"] < min_sample for a in arms):
        return Verdict(False, f"waiting for {min_sample} conversations per arm", threshold)
    b = arms[baseline]
    for arm in others:
        v = arms[arm]
        for metric in GUARDED_METRICS:
            stat = msprt((b[metric], b["n"]), (v[metric], v["n"]), tau)
            worse = v[metric] / v["n"] > b[metric] / b["n"]
            if worse and stat >= threshold:
                return Verdict(True, (
                    f"variant {arm!r}: {metric} rate {v[metric]}/{v['n']} vs baseline "
                    f"{b[metric]}/{b['n']}; mSPRT Lambda {stat:.1f} >= {threshold:.0f} "
                    f"(alpha {alpha} / {tests} tests, tau {tau})"), threshold)
    return Verdict(False, "no arm is significantly worse", threshold)
