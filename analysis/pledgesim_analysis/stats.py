"""Student t quantiles and t-intervals (no SciPy needed).

The same definitions as the C++ ``analysis/cpp/intervals.hpp``, with s the
sample standard deviation of n replications, undefined (NaN) for n < 2:

* ``mean``: mean +/- t(0.95; n-1) s / sqrt(n), the 90% confidence interval of
  the mean (how precisely the replications pin down the expected outcome);
* ``prediction``: mean +/- t(0.95; n-1) s sqrt(1 + 1/n), the 90% prediction
  interval (where one more replication would fall; with replications on the
  sets of a parameter ensemble, ``run --parameters``, it includes parameter
  uncertainty).
"""

from __future__ import annotations

import math

import numpy as np

LEVEL = 0.90


def _beta_cf(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1001):
        m2 = 2.0 * m
        for aa in (m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
                   -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_cf(a, b, x) / a
    return 1.0 - front * _beta_cf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _incomplete_beta(0.5 * df, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom."""
    if not 0 < p < 1 or not df > 0:
        raise ValueError("t_quantile needs 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if p == 0.5:
        return 0.0
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-13 * hi:
            break
    return 0.5 * (lo + hi)


#: The interval kinds (``summarize``/``compare --interval``).
INTERVAL_KINDS = ("prediction", "mean")


def _t_interval(values, axis, level, scale):
    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x)
    n = finite.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(finite, x, 0).sum(axis=axis) / n
        dev = np.where(finite, x - np.expand_dims(mean, axis), 0)
        sd = np.sqrt((dev ** 2).sum(axis=axis) / (n - 1))
        tq = np.vectorize(lambda k: t_quantile(0.5 + level / 2, k - 1) if k >= 2 else np.nan,
                          otypes=[float])(n)
        half = tq * sd * scale(n)
    return mean, mean - half, mean + half


def mean_interval(values, axis: int = 0, level: float = LEVEL):
    """Mean and the ``level`` t-interval of the mean along ``axis``, leaving
    NaN values out. Returns (mean, lo, hi) arrays; lo/hi are NaN where fewer
    than two values are finite."""
    return _t_interval(values, axis, level, lambda n: 1 / np.sqrt(n))


def prediction_interval(values, axis: int = 0, level: float = LEVEL):
    """Mean and the ``level`` t prediction interval of one more value along
    ``axis`` (half-width t s sqrt(1 + 1/n)), as :func:`mean_interval`."""
    return _t_interval(values, axis, level, lambda n: np.sqrt(1 + 1 / n))


def interval(kind: str, values, axis: int = 0, level: float = LEVEL):
    """:func:`prediction_interval` or :func:`mean_interval` by ``kind``."""
    if kind not in INTERVAL_KINDS:
        raise ValueError(f"interval kind {kind!r}: expected one of {', '.join(INTERVAL_KINDS)}")
    return (prediction_interval if kind == "prediction" else mean_interval)(values, axis, level)


def default_interval_kind(*runs) -> str:
    """``prediction`` when any run's replications ran parameter sets
    (``/replications/parameters``), else ``mean``: as the C++ commands."""
    return "prediction" if any(r.has_parameters for r in runs) else "mean"


def interval_title(kind: str, parameters: bool) -> str:
    """What the interval is and which uncertainty it holds, for headers."""
    name = ("90% prediction interval" if kind == "prediction"
            else "90% confidence interval of the mean")
    if not parameters:
        scope = "chance only"
    elif kind == "prediction":
        scope = "parameters and chance"
    else:
        scope = "the average over the parameter sets and chance, not their spread"
    return f"{name} ({scope})"
