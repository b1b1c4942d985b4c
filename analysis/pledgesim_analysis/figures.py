"""Figures of one or more run files (PNG, matplotlib's Agg backend).

Every function takes run files already opened with :func:`read_run` and a
path to write; bands and error bars are 90% t-intervals across replications
(for one scenario, of its values; for a change, of the paired differences),
of the mean or prediction intervals by ``kind`` (see :mod:`.stats`), left
out when a run has a single replication.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import metrics  # noqa: E402
from .reader import Run  # noqa: E402
from .stats import interval  # noqa: E402

RATE_TITLES = {
    "agency_rate": "Agency rate: agency FTE / (agency + in post FTE)",
    "turnover_rate": "Turnover: leavers in the last 52 weeks / FTE in post",
    "vacancy_rate": "Vacancy rate: vacancies / (vacancies + in post FTE)",
}


def rate_over_time(runs: list[Run], rate: str, path, group: str | None = None,
                   kind: str = "mean") -> None:
    """Weekly ``rate`` (agency_rate, turnover_rate or vacancy_rate) of the
    headline group (London, or all employers), one line per run: the mean
    across replications with its 90% interval of ``kind`` as a band."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for run in runs:
        name, mask = metrics.headline_group(run)
        group = group or name
        values = metrics.weekly_rates(run, mask)[rate]
        mean, lo, hi = interval(kind, values, axis=0)
        line, = ax.plot(run.dates, mean, label=f"{run.scenario_name} ({run.replications} rep.)")
        if run.replications >= 2:
            ax.fill_between(run.dates, lo, hi, color=line.get_color(), alpha=0.25, linewidth=0)
    ax.set_title(f"{RATE_TITLES[rate]}, {group}")
    ax.set_ylabel("%")
    ax.grid(alpha=0.3)
    band = "90% prediction interval" if kind == "prediction" else "90% interval of the mean"
    ax.legend(title=f"mean; band: {band}" if any(
        r.replications >= 2 for r in runs) else None, fontsize=8, title_fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def annual_costs(runs: list[Run], path) -> None:
    """Cost per complete financial year of the headline group, stacked by
    component, one bar per run in each year (means across replications)."""
    frames = []
    for k, run in enumerate(runs):
        _, mask = metrics.headline_group(run)
        df = metrics.annual_costs(run, mask)
        if df.complete.any():  # whole financial years only, when the run has any
            df = df[df.complete]
        df = df.groupby(["period", "component"], sort=False)["gbp"].mean().reset_index()
        df["run"] = k
        frames.append(df)
    components = [c for c, _, _ in metrics.COST_COMPONENTS
                  if any((f.component == c).any() for f in frames)]
    periods = sorted(set().union(*(set(f.period) for f in frames)))
    fig, ax = plt.subplots(figsize=(10, 5))
    width = 0.8 / max(len(runs), 1)
    cmap = plt.get_cmap("tab10")
    hatches = ["", "//", "..", "xx", "\\\\"]
    x = np.arange(len(periods))
    for k, (run, df) in enumerate(zip(runs, frames)):
        bottom = np.zeros(len(periods))
        for c_i, comp in enumerate(components):
            sel = df[df.component == comp].set_index("period")["gbp"]
            vals = np.array([sel.get(p, 0.0) for p in periods]) / 1e6
            ax.bar(x + (k - (len(runs) - 1) / 2) * width, vals, width * 0.95, bottom=bottom,
                   color=cmap(c_i), hatch=hatches[k % len(hatches)], edgecolor="white",
                   label=comp if k == 0 else None)
            bottom += vals
        for xi, total in zip(x, bottom):
            ax.text(xi + (k - (len(runs) - 1) / 2) * width, total, f"{total:.0f}", ha="center",
                    va="bottom", fontsize=7)
    ax.set_xticks(x, periods)
    ax.set_ylabel("GBP million")
    group = metrics.headline_group(runs[0])[0]
    names = ", ".join(f"{r.scenario_name}{' (' + h + ')' if h else ''}"
                      for r, h in zip(runs, ["", "hatched //", "hatched ..", "hatched xx"]))
    ax.set_title(f"Annual cost by component, {group}, financial years\nbars left to right: {names}",
                 fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def borough_changes(base: Run, other: Run, kind: str = "mean") -> dict:
    """Per London employer present in both runs, B - A of the three DfE
    rates in the last complete year to 30 September, paired by replication:
    {"year": label, "names": [...], rate: (mean, lo, hi) arrays, "kind": kind}."""
    names = [n for n, london in zip(base.employer_names, metrics.london_columns(base))
             if london and n in set(other.employer_names)]
    cols_a = {n: np.array(base.employer_names) == n for n in names}
    cols_b = {n: np.array(other.employer_names) == n for n in names}
    a = metrics.annual_rates(base, cols_a)
    b = metrics.annual_rates(other, cols_b)
    years = [i for i, p in enumerate(a["periods"]) if p.complete]
    if not years:
        raise ValueError(f"{base.path}: no complete year to 30 September to compare")
    y = years[-1]
    pairs = min(base.replications, other.replications)
    out = {"year": a["periods"][y].label, "names": names}
    for rate in ("agency_rate", "turnover_rate", "vacancy_rate"):
        diff = b[rate][:pairs, y, :] - a[rate][:pairs, y, :]
        out[rate] = interval(kind, diff, axis=0)
    out["kind"] = kind
    return out


def borough_change_chart(base: Run, other: Run, path, changes: dict | None = None) -> None:
    """Horizontal bars: per London borough, B - A in agency rate, turnover and
    vacancy rate (percentage points), with 90% paired intervals."""
    ch = changes or borough_changes(base, other)
    order = np.argsort(ch["agency_rate"][0])
    names = [ch["names"][i] for i in order]
    fig, axes = plt.subplots(1, 3, figsize=(13, 0.28 * len(names) + 1.8), sharey=True)
    for ax, rate in zip(axes, ("agency_rate", "turnover_rate", "vacancy_rate")):
        mean, lo, hi = (v[order] for v in ch[rate])
        y = np.arange(len(names))
        colors = ["#b2182b" if m > 0 else "#2166ac" for m in mean]
        err = None
        if np.isfinite(lo).any():
            err = np.vstack([mean - lo, hi - mean])
        ax.barh(y, mean, xerr=err, color=colors, alpha=0.8, error_kw={"elinewidth": 0.8})
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(rate.replace("_", " ") + " (pp)", fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(names)), [n.replace(" upon Thames", "") for n in names],
                       fontsize=8)
    fig.suptitle(f"Change per borough, {other.scenario_name} minus {base.scenario_name}, "
                 f"year to 30 Sep {ch['year']} (bars: 90% paired "
                 f"{'prediction ' if ch.get('kind') == 'prediction' else ''}interval)",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
