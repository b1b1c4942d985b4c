"""``python3 -m pledgesim_analysis.report A.h5 [B.h5 ...] --out DIR``

Reads one or more run files (the first is the baseline) and writes into DIR
PNG figures and ``report.html``, a single self-contained page (figures
embedded as base64 data) with a headline table:

* ``agency_rate.png``, ``turnover_rate.png``, ``vacancy_rate.png``: the
  weekly rates of London (all employers if the run has no London) per run,
  mean across replications with a 90% band;
* ``costs.png``: cost per financial year, stacked by component;
* for each run after the first, ``borough_change_<scenario>.png`` (change per
  borough in the three rates against the baseline, with 90% paired
  intervals) and ``tilemap_<scenario>.png`` (London tile map coloured by the
  change in agency rate).

Runs are compared replication by replication; run them with the same
``--seed`` and ``--replications`` so that the pairs share random numbers
(and, with ``run --parameters``, the same ensemble, so that they share
parameters). Intervals are 90% prediction intervals when the runs carry
``/replications/parameters``, else 90% confidence intervals of the mean
(``--interval`` chooses; see docs/analysis.md). Exit status 0, or 2
(message on stderr) for a missing or foreign file, runs whose calendars
differ, runs whose paired replications ran different parameters (unless
``--allow-different-parameters``), a DIR that cannot be written, or a DIR
that already holds a report (replaced only with ``--force``).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import os
import re
import sys
from pathlib import Path

import numpy as np

from . import figures, metrics
from .reader import read_run
from .stats import INTERVAL_KINDS, default_interval_kind, interval, interval_title
from .tilemap import draw_tilemap


def _slug(name: str, taken: set) -> str:
    s = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "run"
    base, k = s, 2
    while s in taken:
        s, k = f"{base}_{k}", k + 1
    taken.add(s)
    return s


def _fmt(mean, lo, hi, decimals=1, sign=False, flag=False) -> str:
    if not np.isfinite(mean):
        return "–"
    s = f"{mean:+.{decimals}f}" if sign else f"{mean:.{decimals}f}"
    if np.isfinite(lo):
        s += f" [{lo:.{decimals}f}, {hi:.{decimals}f}]"
        if flag and (lo > 0 or hi < 0):
            s = f"<b>{s}</b>"
    return s


def parameter_mismatch(a, b) -> str:
    """How the paired replications of runs ``a`` and ``b`` differ in their
    parameters (``/replications/parameters``); "" when replication r ran the
    same values in both for every pair (or neither has any)."""
    if not a.has_parameters and not b.has_parameters:
        return ""
    if a.has_parameters != b.has_parameters:
        with_, without = (a, b) if a.has_parameters else (b, a)
        return (f"{with_.path} ran its replications on parameter sets "
                f"({with_.parameter_source or '/replications/parameters'}) and {without.path} "
                "on its scenario's own values")
    if set(a.parameter_keys) != set(b.parameter_keys):
        return (f"{a.path} varies {', '.join(a.parameter_keys)}; {b.path} varies "
                f"{', '.join(b.parameter_keys)}")
    pairs = min(a.replications, b.replications)
    for ka, key in enumerate(a.parameter_keys):
        kb = b.parameter_keys.index(key)
        for r in range(pairs):
            va, vb = a.parameters[r, ka], b.parameters[r, kb]
            if va != vb:
                return f"replication {r} ran {key} = {va!r} in {a.path} and {vb!r} in {b.path}"
    return ""


def _headline_rows(runs, kind="mean"):
    """(indicator label, per-run cells, per-comparison cells) for the
    headline group in the last complete year / financial year, with 90%
    intervals of ``kind``."""
    base = runs[0]
    group, _ = metrics.headline_group(base)
    per_run = []
    for run in runs:
        _, mask = metrics.headline_group(run)
        rates = metrics.annual_rates(run, {group: mask})
        costs = metrics.annual_costs(run, mask)
        per_run.append((rates, costs))
    rates0 = per_run[0][0]
    years = [i for i, p in enumerate(rates0["periods"]) if p.complete]
    rows = []
    if years:
        y = years[-1]
        label = rates0["periods"][y].label
        for rate, title in (("agency_rate", "agency rate %"), ("turnover_rate", "turnover %"),
                            ("vacancy_rate", "vacancy rate %")):
            cells = [_fmt(*interval(kind, r[rate][:, y, 0])) for r, _ in per_run]
            diffs = []
            for r, _ in per_run[1:]:
                n = min(r[rate].shape[0], rates0[rate].shape[0])
                diffs.append(_fmt(*interval(kind, r[rate][:n, y, 0] - rates0[rate][:n, y, 0]),
                                  sign=True, flag=True))
            rows.append((f"{title}, year to 30 Sep {label}", cells, diffs))
    totals = []
    for _, c in per_run:
        c = c[c.complete]
        totals.append(c.groupby(["period", "replication"])["gbp"].sum().unstack("period"))
    if len(totals[0].columns):
        fy = totals[0].columns[-1]
        cells = [_fmt(*interval(kind, t[fy].to_numpy() / 1e6)) if fy in t else "–"
                 for t in totals]
        diffs = []
        for t in totals[1:]:
            n = min(len(t), len(totals[0]))
            d = t[fy].to_numpy()[:n] - totals[0][fy].to_numpy()[:n] if fy in t else np.array([np.nan])
            diffs.append(_fmt(*interval(kind, d / 1e6), sign=True, flag=True))
        rows.append((f"total cost GBP m, financial year {fy}", cells, diffs))
    return group, rows


def build_report(paths, out_dir, kind: str | None = None,
                 allow_different_parameters: bool = False) -> Path:
    """Write the figures and report.html for run files ``paths`` (first =
    baseline) into ``out_dir``, with 90% intervals of ``kind`` ("prediction"
    or "mean"; None: :func:`.stats.default_interval_kind` of the runs);
    returns the HTML path. Raises ValueError for files that cannot be
    compared, or whose paired replications ran different parameters (unless
    ``allow_different_parameters``)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runs = [read_run(p) for p in paths]
    base = runs[0]
    for run in runs[1:]:
        if run.attrs.get("format_version") != base.attrs.get("format_version"):
            raise ValueError(f"cannot compare files of different formats: {base.path} is "
                             f"format_version {base.attrs.get('format_version')}, {run.path} "
                             f"is {run.attrs.get('format_version')}")
        if not base.dates.equals(run.dates):
            raise ValueError(f"calendars do not match: {base.path} and {run.path} cover "
                             "different weeks; run both with the same start and --years")
        mismatch = parameter_mismatch(base, run)
        if mismatch and not allow_different_parameters:
            raise ValueError(f"paired replications ran different parameters: {mismatch}. A paired "
                             "comparison needs common parameters: run both scenarios with the "
                             "same --parameters file and --replications (or pass "
                             "--allow-different-parameters to pair them anyway)")
    kind = kind or default_interval_kind(*runs)
    parameters = any(r.has_parameters for r in runs)

    figs = []  # (file name, caption)
    for rate in ("agency_rate", "turnover_rate", "vacancy_rate"):
        name = f"{rate}.png"
        figures.rate_over_time(runs, rate, out / name, kind=kind)
        figs.append((name, figures.RATE_TITLES[rate] + ", weekly, per scenario"))
    figures.annual_costs(runs, out / "costs.png")
    figs.append(("costs.png", "Cost per financial year, stacked by component (means)"))
    taken: set = set()
    for run in runs[1:]:
        slug = _slug(run.scenario_name, taken)
        changes = figures.borough_changes(base, run, kind=kind)
        name = f"borough_change_{slug}.png"
        figures.borough_change_chart(base, run, out / name, changes)
        figs.append((name, f"Change per borough against {base.scenario_name}: "
                           f"{run.scenario_name}"))
        mean, lo, hi = changes["agency_rate"]
        values = dict(zip(changes["names"], mean))
        flagged = {n: bool(np.isfinite(a) and (a > 0 or b < 0))
                   for n, a, b in zip(changes["names"], lo, hi)}
        name = f"tilemap_{slug}.png"
        draw_tilemap(values, out / name,
                     f"Change in agency rate (pp), year to 30 Sep {changes['year']}\n"
                     f"{run.scenario_name} minus {base.scenario_name}\n"
                     f"* 90% paired {'prediction ' if kind == 'prediction' else ''}interval "
                     "excludes zero", flagged=flagged)
        figs.append((name, f"London tile map: change in agency rate, {run.scenario_name} "
                           f"against {base.scenario_name}"))

    group, rows = _headline_rows(runs, kind)
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>pledgesim report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}"
        "figure{margin:2em 0}img{max-width:100%}figcaption{font-size:90%;color:#555}</style>",
        "</head><body>",
        "<h1>pledgesim: scenario comparison</h1>",
        f"<p>Written {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC. Baseline "
        f"(A): <b>{e(base.scenario_name)}</b>.</p>",
        "<h2>Runs</h2><table><tr><th>scenario</th><th>file</th><th>seed</th>"
        "<th>replications</th><th>parameters</th><th>weeks</th><th>software</th></tr>",
    ]
    for run in runs:
        parts.append(
            f"<tr><td>{e(run.scenario_name)}</td><td>{e(str(run.path))}</td>"
            f"<td>{run.seed}</td><td>{run.replications}</td>"
            f"<td>{e(run.parameter_source or 'ensemble') if run.has_parameters else '–'}</td>"
            f"<td>{len(run.weeks)} "
            f"({run.dates[0]:%Y-%m-%d} to {run.dates[-1]:%Y-%m-%d})</td>"
            f"<td>{e(str(run.attrs.get('software_version', '')))}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>Headline, {e(group)}</h2>")
    parts.append(
        f"<p>Each cell: mean across replications [{e(interval_title(kind, parameters))}, "
        "Student t]; differences B − A are paired replication by replication (common "
        "random numbers when both runs used the same seed and replications, common parameters "
        "when they used the same --parameters file), in bold when the interval excludes zero. "
        "Rates in %, differences in percentage points.</p>")
    head = "".join(f"<th>{e(r.scenario_name)}</th>" for r in runs)
    head += "".join(f"<th>{e(r.scenario_name)} − {e(base.scenario_name)}</th>" for r in runs[1:])
    parts.append(f"<table><tr><th>indicator</th>{head}</tr>")
    for label, cells, diffs in rows:
        parts.append(f"<tr><td>{e(label)}</td>" + "".join(f"<td>{c}</td>" for c in cells + diffs)
                     + "</tr>")
    parts.append("</table>")
    parts.append("<h2>Figures</h2>")
    for name, caption in figs:
        data = base64.b64encode((out / name).read_bytes()).decode("ascii")
        parts.append(f'<figure id="{e(name)}"><img src="data:image/png;base64,{data}" '
                     f'alt="{e(caption)}" data-file="{e(name)}">'
                     f"<figcaption>{e(caption)} (<code>{e(name)}</code>)</figcaption></figure>")
    parts.append(
        "<h2>Definitions</h2><p>DfE children's social work workforce definitions: stocks "
        "at the week containing 30 September; agency rate = agency FTE / (agency + in post "
        "FTE); vacancy rate = vacancies / (vacancies + in post FTE); turnover = leavers in the "
        "year / FTE in post at 30 September (weekly figures: leavers in the last 52 weeks). "
        "Costs per financial year (April to March). See docs/analysis.md.</p>")
    parts.append("</body></html>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m pledgesim_analysis.report",
        description="Figures (PNG) and a self-contained HTML report from pledgesim run files; "
                    "the first file is the baseline the others are compared with.")
    parser.add_argument("files", nargs="+", metavar="FILE.h5")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="directory for the PNG files and report.html (created)")
    parser.add_argument("--force", action="store_true",
                        help="replace the report already in DIR")
    parser.add_argument("--interval", choices=INTERVAL_KINDS, default=None,
                        help="kind of 90%% interval: prediction (where one more replication "
                             "would fall; includes parameter uncertainty for runs with "
                             "--parameters) or mean (confidence interval of the mean). Default: "
                             "prediction when the runs carry /replications/parameters, else mean")
    parser.add_argument("--allow-different-parameters", action="store_true",
                        help="pair replications that ran different parameter values instead of "
                             "refusing")
    args = parser.parse_args(argv)
    out = Path(args.out)
    # Checked before any file is read or figure drawn: an existing report is
    # a result, replaced only with --force; the directory must take files.
    if out.exists() and not out.is_dir():
        print(f"error: {out} exists and is not a directory", file=sys.stderr)
        return 2
    if (out / "report.html").exists() and not args.force:
        print(f"error: {out / 'report.html'} exists; use --force to replace the report, or --out "
              "to choose another directory", file=sys.stderr)
        return 2
    existing = next((p for p in [out, *out.parents] if p.exists()), Path("."))
    if not os.access(existing, os.W_OK | os.X_OK):
        print(f"error: cannot write {out}: directory {existing} is not writable", file=sys.stderr)
        return 2
    for f in args.files:
        if not Path(f).is_file():
            print(f"error: {f}: no such file", file=sys.stderr)
            return 2
    try:
        path = build_report(args.files, args.out, args.interval,
                            args.allow_different_parameters)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
