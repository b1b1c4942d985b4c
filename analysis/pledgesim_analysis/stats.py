"""Student t quantiles (SciPy) and t-intervals.

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


import numpy as np
import scipy.stats

LEVEL = 0.90


def t_cdf(t: float, df: float) -> float:
    """Distribution function of Student's t with ``df`` degrees of freedom."""
    return float(scipy.stats.t.cdf(t, df))


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with ``df`` degrees of freedom."""
    if not 0 < p < 1 or not df > 0:
        raise ValueError("t_quantile needs 0 < p < 1 and df > 0")
    return float(scipy.stats.t.ppf(p, df))


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
