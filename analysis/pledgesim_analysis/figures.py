"""Figures of one or more run files (PNG, matplotlib's Agg backend).

Every function takes run files already opened with :func:`read_run`, the
readable label of each run (the report's ``--labels`` or the scenario
names), the employers to count (one boolean mask per run: the report's
``--region``) and a path to write. Bands and error bars are 90%
t-intervals across replications (for one scenario, of its values; for a
change, of the paired differences), of the mean or prediction intervals by
``kind`` (see :mod:`.stats`), left out when a run has a single replication.
Time axes are ticked in years.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import metrics  # noqa: E402
from .reader import Run  # noqa: E402
from .stats import interval  # noqa: E402

RATE_TITLES = {
    "agency_rate": "Agency rate: agency FTE / (agency + in post FTE)",
    "turnover_rate": "Turnover: leavers in the last 52 weeks / FTE in post",
    "vacancy_rate": "Vacancy rate: vacancies / (vacancies + in post FTE)",
}
RATES = tuple(RATE_TITLES)
#: Hatching of run k's cost bars (the interactive chart's patterns follow it).
HATCHES = ["", "//", "..", "xx", "\\\\"]


def band_name(kind: str) -> str:
    return "90% prediction interval" if kind == "prediction" else "90% interval of the mean"


def significant(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures in fixed notation (19.4,
    158, 0.0234; 1580 stays 1580): costs read £19.4m against £19.1m, not 19
    against 19."""
    if not np.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))
    return f"{value:.{decimals}f}"


def year_axis(ax) -> None:
    """Ticks at 1 January, labelled with the year (not ``2019-01``)."""
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


@dataclass(frozen=True)
class RateSeries:
    """One run's weekly rate as charted: the mean across replications and its
    90% interval (NaN with a single replication), in %."""
    label: str
    replications: int
    dates: pd.DatetimeIndex
    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @property
    def band(self) -> bool:
        return self.replications >= 2

    @property
    def legend(self) -> str:
        return f"{self.label} ({self.replications} rep.)"


def rate_series(runs: list[Run], labels: list[str], masks: list[np.ndarray], rate: str,
                kind: str = "mean", weeks: slice = slice(None)) -> list[RateSeries]:
    """Weekly ``rate`` (agency_rate, turnover_rate or vacancy_rate) of the
    employers in ``masks`` over ``weeks``, one series per run: what
    :func:`rate_chart` draws and the report's interactive chart shows."""
    out = []
    for run, label, mask in zip(runs, labels, masks):
        values = metrics.weekly_rates(run, mask)[rate][:, weeks]
        mean, lo, hi = interval(kind, values, axis=0)
        out.append(RateSeries(label, run.replications, run.dates[weeks], np.asarray(mean),
                              np.asarray(lo), np.asarray(hi)))
    return out


def rate_chart(series: list[RateSeries], rate: str, path, group: str,
               kind: str = "mean") -> None:
    """One line per series (its mean) with its 90% interval as a band."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for s in series:
        line, = ax.plot(s.dates, s.mean, label=s.legend)
        if s.band:
            ax.fill_between(s.dates, s.lo, s.hi, color=line.get_color(), alpha=0.25,
                            linewidth=0)
    ax.set_title(f"{RATE_TITLES[rate]}, {group}", fontsize=11)
    ax.set_ylabel("%")
    ax.grid(alpha=0.3)
    year_axis(ax)
    ax.legend(title=f"mean; band: {band_name(kind)}" if any(s.band for s in series) else None,
              fontsize=8, title_fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def rate_over_time(runs: list[Run], labels: list[str], masks: list[np.ndarray], rate: str,
                   path, group: str, kind: str = "mean",
                   weeks: slice = slice(None)) -> list[RateSeries]:
    """Weekly ``rate`` of the employers in ``masks``, one line per run over
    ``weeks``: the mean across replications with its 90% interval of
    ``kind`` as a band (:func:`rate_series` drawn by :func:`rate_chart`)."""
    series = rate_series(runs, labels, masks, rate, kind, weeks)
    rate_chart(series, rate, path, group, kind)
    return series


def cost_totals(run: Run, mask: np.ndarray, financial_years: list[str] | None = None,
                kind: str = "mean") -> pd.DataFrame:
    """Total cost per financial year of the employers in ``mask`` in GBP
    million: columns ``period``, ``mean``, ``lo``, ``hi`` (90% interval of
    ``kind`` across replications), whole financial years only (those in
    ``financial_years`` when given)."""
    df = metrics.annual_costs(run, mask)
    df = df[df.complete]
    if financial_years is not None:
        df = df[df.period.isin(financial_years)]
    totals = df.groupby(["period", "replication"], sort=False)["gbp"].sum().unstack("period")
    rows = []
    for period in totals.columns:
        mean, lo, hi = interval(kind, totals[period].to_numpy() / 1e6)
        rows.append({"period": period, "mean": float(mean), "lo": float(lo), "hi": float(hi)})
    return pd.DataFrame(rows, columns=["period", "mean", "lo", "hi"])


@dataclass(frozen=True)
class CostBars:
    """Cost per whole financial year as charted, in GBP million: per run
    (``labels``), the mean of each component (``stacks[k]``: [components,
    periods], 0 where absent) and the total's mean and 90% interval
    (``totals[k]``: [3, periods] mean, lo, hi; NaN where the run has no such
    year, lo and hi NaN with a single replication)."""
    periods: list[str]
    components: list[str]
    labels: list[str]
    replications: list[int]
    stacks: list[np.ndarray]
    totals: list[np.ndarray]


def cost_bars(runs: list[Run], labels: list[str], masks: list[np.ndarray],
              financial_years: list[str] | None = None, kind: str = "mean") -> CostBars:
    """The data of :func:`cost_chart` (and of the report's interactive cost
    chart) for the employers in ``masks``."""
    frames, totals = [], []
    for run, mask in zip(runs, masks):
        df = metrics.annual_costs(run, mask)
        df = df[df.complete]
        if financial_years is not None:
            df = df[df.period.isin(financial_years)]
        df = df.groupby(["period", "component"], sort=False)["gbp"].mean().reset_index()
        frames.append(df)
        totals.append(cost_totals(run, mask, financial_years, kind).set_index("period"))
    components = [c for c, _, _ in metrics.COST_COMPONENTS
                  if any((f.component == c).any() for f in frames)]
    periods = sorted(set().union(*(set(f.period) for f in frames)))
    stacks, total_arrays = [], []
    for df, tot in zip(frames, totals):
        stack = np.zeros((len(components), len(periods)))
        for c_i, comp in enumerate(components):
            sel = df[df.component == comp].set_index("period")["gbp"]
            stack[c_i] = np.array([sel.get(p, 0.0) for p in periods]) / 1e6
        stacks.append(stack)
        total_arrays.append(np.array([tot.loc[p, ["mean", "lo", "hi"]].to_numpy(dtype=float)
                                      if p in tot.index else np.full(3, np.nan)
                                      for p in periods]).T.reshape(3, len(periods)))
    return CostBars(periods, components, list(labels), [r.replications for r in runs], stacks,
                    total_arrays)


def cost_chart(bars: CostBars, path, group: str, kind: str = "mean") -> tuple:
    """Stacked bars of ``bars``: one bar per run in each year, its total
    written above the bar's 90% interval (three significant figures). The
    axis is made to hold the interval and its label. Returns (upper y
    limit, highest interval end or total)."""
    runs = len(bars.labels)
    fig, ax = plt.subplots(figsize=(10, 5.2))
    width = 0.8 / max(runs, 1)
    cmap = plt.get_cmap("tab10")
    x = np.arange(len(bars.periods))
    top = 0.0
    for k, (stack, tot) in enumerate(zip(bars.stacks, bars.totals)):
        xs = x + (k - (runs - 1) / 2) * width
        bottom = np.zeros(len(bars.periods))
        for c_i, vals in enumerate(stack):
            ax.bar(xs, vals, width * 0.95, bottom=bottom, color=cmap(c_i),
                   hatch=HATCHES[k % len(HATCHES)], edgecolor="white")
            bottom += vals
        for xi, mean, lo, hi in zip(xs, *tot):
            if not np.isfinite(mean):
                continue
            label_at = mean
            if np.isfinite(lo):
                ax.errorbar(xi, mean, yerr=[[mean - lo], [hi - mean]], color="black",
                            capsize=3, linewidth=1)
                label_at = hi
            ax.annotate(significant(mean), (xi, label_at), xytext=(0, 3),
                        textcoords="offset points", ha="center", va="bottom", fontsize=7)
            top = max(top, label_at)
    ylim = top * 1.15 if top > 0 else 1.0  # room for the labels above the intervals
    ax.set_ylim(0, ylim)
    ax.set_xticks(x, bars.periods)
    ax.set_xlabel("financial year (April to March)")
    ax.set_ylabel("GBP million")
    ax.set_title(f"Annual cost by component, {group}", fontsize=11)
    handles = [Patch(facecolor=cmap(i), label=c) for i, c in enumerate(bars.components)]
    handles += [Patch(facecolor="white", edgecolor="grey", hatch=HATCHES[k % len(HATCHES)] * 2,
                      label=f"bar {k + 1}: {label}") for k, label in enumerate(bars.labels)]
    if any(r >= 2 for r in bars.replications):
        handles.append(plt.Line2D([], [], color="black", label=f"total: {band_name(kind)}"))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return ylim, top


def annual_costs(runs: list[Run], labels: list[str], masks: list[np.ndarray], path, group: str,
                 financial_years: list[str] | None = None, kind: str = "mean") -> tuple:
    """Cost per whole financial year of the employers in ``masks``, stacked
    by component (means across replications), one bar per run in each year,
    its total written above the bar's 90% interval (:func:`cost_bars` drawn
    by :func:`cost_chart`; returns its axis limit and top)."""
    return cost_chart(cost_bars(runs, labels, masks, financial_years, kind), path, group, kind)


def borough_changes(base: Run, other: Run, kind: str = "mean", names: list[str] | None = None,
                    year: int | None = None) -> dict:
    """Per employer (``names``, default: the London ones) present in both
    runs, B - A of the three DfE rates in the last complete year to 30
    September (up to ``year`` when given), paired by replication:
    {"year": label, "names": [...], rate: (mean, lo, hi) arrays, "kind": kind}."""
    if names is None:
        names = [n for n, london in zip(base.employer_names, metrics.london_columns(base))
                 if london]
    names = [n for n in names if n in set(other.employer_names)]
    cols_a = {n: np.array(base.employer_names) == n for n in names}
    cols_b = {n: np.array(other.employer_names) == n for n in names}
    a = metrics.annual_rates(base, cols_a)
    b = metrics.annual_rates(other, cols_b)
    years = [i for i, p in enumerate(a["periods"])
             if p.complete and (year is None or p.year <= year)]
    if not years:
        raise ValueError(f"{base.path}: no complete year to 30 September to compare")
    y = years[-1]
    pairs = min(base.replications, other.replications)
    out = {"year": a["periods"][y].label, "names": names}
    for rate in RATES:
        diff = b[rate][:pairs, y, :] - a[rate][:pairs, y, :]
        out[rate] = interval(kind, diff, axis=0)
    out["kind"] = kind
    return out


def axis_limit(mean, lo, hi) -> float:
    """Half-width of a symmetric axis that fits the bulk of the bars: the
    90th percentile of the interval ends' distance from zero, or the 90th of
    the means' if larger, with 10% to spare. One very uncertain borough then
    no longer sets the scale: its bar or interval is cut at the axis and
    marked (:func:`borough_change_chart`)."""
    def q(values, p):
        v = np.abs(np.asarray(values, dtype=float))
        v = v[np.isfinite(v)]
        return float(np.quantile(v, p)) if v.size else 0.0
    limit = 1.1 * max(q(np.concatenate([np.ravel(lo), np.ravel(hi)]), 0.9), q(mean, 0.9))
    return limit if limit > 0 else 1.0


def borough_change_chart(base: Run, other: Run, labels: tuple[str, str], path,
                         changes: dict, rates=RATES) -> list[str]:
    """Horizontal bars: per borough, B - A in each of ``rates`` (percentage
    points), with 90% paired intervals; the axis fits the bulk
    (:func:`axis_limit`) and bars or intervals beyond it end in an arrow with
    their end written. Returns "borough: rate mean, interval [lo, hi]" for
    each one cut."""
    ch = changes
    order = np.argsort(ch[rates[0]][0])
    names = [ch["names"][i] for i in order]
    fig, axes = plt.subplots(1, len(rates), figsize=(4.4 * len(rates) + 0.8,
                                                     0.28 * len(names) + 2.0),
                             sharey=True, squeeze=False)
    axes = axes[0]
    cut = []
    for ax, rate in zip(axes, rates):
        mean, lo, hi = (v[order] for v in ch[rate])
        limit = axis_limit(mean, lo, hi)
        y = np.arange(len(names))
        colors = ["#b2182b" if m > 0 else "#2166ac" for m in mean]
        ax.barh(y, np.clip(mean, -limit, limit), color=colors, alpha=0.8)
        if np.isfinite(lo).any():
            clo, chi = np.clip(lo, -limit, limit), np.clip(hi, -limit, limit)
            ax.hlines(y, clo, chi, color="black", linewidth=0.8)
        for yi, n, m, a, b in zip(y, names, mean, lo, hi):
            if not (abs(m) > limit or a < -limit or b > limit):
                continue
            cut.append(f"{n}: {rate.replace('_', ' ')} {m:+.1f} pp, interval [{a:+.1f}, {b:+.1f}]")
            for end, edge, marker in ((np.nanmin([a, m]), -limit, "<"),
                                      (np.nanmax([b, m]), limit, ">")):
                if abs(end) > limit and np.sign(end) == np.sign(edge):
                    ax.plot(edge, yi, marker=marker, color="black", markersize=5)
                    ax.annotate(f"{end:+.0f}", (edge, yi), xytext=(-3 if edge > 0 else 3, 4),
                                textcoords="offset points", fontsize=6,
                                ha="right" if edge > 0 else "left")
        ax.set_xlim(-limit, limit)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(rate.replace("_", " ") + " (pp)", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(names)), [n.replace(" upon Thames", "") for n in names],
                       fontsize=8)
    fig.suptitle(f"Change per borough, {labels[1]} minus {labels[0]}, year to 30 Sep "
                 f"{ch['year']}\nlines: 90% paired "
                 f"{'prediction ' if ch.get('kind') == 'prediction' else ''}interval; "
                 "arrows: bar or interval cut at the axis (its end written)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return cut
