"""``python3 -m pledgesim_analysis.report A.h5 [B.h5 ...] --out DIR [options]``

Reads one or more run files (the first is the baseline A) and writes into
DIR PNG figures and ``report.html``, one self-contained page (figures
embedded as data URIs, no script, nothing fetched) written for a policy
reader:

* the title, and a box on what the results rest on (the model, its
  calibration, and the kind of interval shown, each in a sentence);
* each scenario's name, description, run facts and table of levers (its
  ``[[policies]]``: kind, scope, dates, settings), and the settings where
  each scenario differs from A (the keys of ``pledgesim diff A B``);
* a headline table for the chosen employers in the last whole year
  (rates, and the total cost to three significant figures), with 90%
  intervals and paired differences;
* ``agency_rate.png``, ``turnover_rate.png``, ``vacancy_rate.png``: weekly
  rates per scenario with a 90% band; ``costs.png``: cost per financial
  year stacked by component, the total's 90% interval on each bar;
* for each run after the first, ``borough_change_<scenario>.png`` (change
  per employer against A, 90% paired intervals, an axis that fits the bulk
  with the widest intervals cut and marked) and, where the employers are
  London boroughs, ``tilemap_<scenario>.png`` with its key (where they are
  not, the page says so and draws no map);
* the definitions of every indicator.

Options choose the employers (``--region``), the years (``--years
FROM-TO``), the indicators (``--indicators``), the scenarios' labels
(``--labels``) and the title (``--title``). A sweep file (root attribute
``format = "pledgesim-sweep"``) is handed to
``pledgesim_analysis.sweep_report``.

Runs are compared replication by replication; run them with the same
``--seed`` and ``--replications`` so that the pairs share random numbers
(and, with ``run --parameters``, the same ensemble, so that they share
parameters). Intervals are 90% prediction intervals when the runs carry
``/replications/parameters``, else 90% confidence intervals of the mean
(``--interval`` chooses). Exit status 0, or 2 (message on stderr) for a
missing or foreign file, runs whose calendars differ, runs whose paired
replications ran different parameters (unless
``--allow-different-parameters``), a bad option, a DIR that cannot be
written, or a DIR that already holds a report (replaced only with
``--force``).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import html
import importlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from . import figures, metrics
from ._cli import fail, output_dir_problem, write_page
from .reader import read_run
from .report_sections import (DEFINITIONS, caveat_box, diff_section, scenario_section,
                              tile_key_section)
from .stats import INTERVAL_KINDS, default_interval_kind, interval, interval_title
from .tilemap import draw_tilemap, tile_positions

#: The indicators ``--indicators`` may choose (the names of ``pledgesim compare``).
INDICATORS = ("agency_rate", "turnover_rate", "vacancy_rate", "total_cost_gbp")
INNER_OUTER = {"Inner London": 1, "Outer London": 0}
INDICATOR_TITLES = {"agency_rate": "agency rate %", "turnover_rate": "turnover %",
                    "vacancy_rate": "vacancy rate %", "total_cost_gbp": "total cost £m"}


@dataclass(frozen=True)
class Options:
    """What the page shows (the command-line options)."""
    region: str | None = None  # None: London when the runs have it, else all
    years: tuple[int, int] | None = None  # years to 30 September FROM..TO
    indicators: tuple[str, ...] = INDICATORS
    labels: tuple[str, ...] | None = None
    title: str | None = None
    interactive: bool = False  # plotly charts (plotly.js inline) for the rates and costs


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


def _fmt_cost(mean, lo, hi, sign=False, flag=False) -> str:
    """A cost (or cost difference) in £m, each number to three significant
    figures."""
    if not np.isfinite(mean):
        return "–"
    s = figures.significant(mean)
    if sign and mean > 0:
        s = "+" + s
    if np.isfinite(lo):
        s += f" [{figures.significant(lo)}, {figures.significant(hi)}]"
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


def group_masks(runs, region: str | None) -> tuple[str, list[np.ndarray]]:
    """(name shown, mask per run) of the employers the page counts:
    ``region`` "all", a region or a subregion name, or Inner/Outer London
    (by the employers' ``inner_london`` flag); None: London when the first
    run has it, else all. Raises ValueError naming the file when no
    employer matches."""
    if region is None:
        group = metrics.headline_group(runs[0])[0]
        region = "all" if group == "all" else "London"
    masks = []
    display = "all employers" if region == "all" else region
    for run in runs:
        if region == "all":
            masks.append(np.ones(len(run.employers), dtype=bool))
            continue
        emp = run.employers
        mask = ((emp["region"] == region) | (emp["subregion"] == region)).to_numpy()
        if region in INNER_OUTER and "inner_london" in emp:
            # As `summarize --by region`: London's employers by their inner_london flag.
            mask = ((emp["region"] == "London")
                    & (emp["inner_london"] == INNER_OUTER[region])).to_numpy()
        if not mask.any():
            regions = sorted(set(run.employers["region"]))
            subregions = sorted(set(run.employers["subregion"]) - {""})
            raise ValueError(f"{run.path}: no employer in region or subregion {region!r} "
                             f"(--region); regions: {', '.join(regions)}; subregions: "
                             f"{', '.join(subregions) or 'none'}; Inner London, Outer London "
                             "or all")
        masks.append(mask)
    return display, masks


def year_window(run, years: tuple[int, int] | None):
    """(slice of weeks, year-to-30-September labels, financial-year labels)
    inside ``years`` (weeks from 1 October FROM-1 to 30 September TO;
    financial years ending in FROM..TO). Raises ValueError when the run has
    no whole year to 30 September there."""
    sep = metrics.periods(run.dates, "year_to_30_sep")
    fys = metrics.periods(run.dates, "financial_year")
    if years is None:
        weeks = slice(None)
        sep_in = [p for p in sep if p.complete]
        fy_in = [p for p in fys if p.complete]
    else:
        lo, hi = years
        dates = run.dates
        inside = np.flatnonzero((dates >= f"{lo - 1}-10-01") & (dates <= f"{hi}-09-30"))
        weeks = slice(int(inside[0]), int(inside[-1]) + 1) if inside.size else slice(0, 0)
        sep_in = [p for p in sep if p.complete and lo <= p.year <= hi]
        fy_in = [p for p in fys if p.complete and lo <= p.year <= hi]
    if not sep_in:
        whole = [p.year for p in sep if p.complete]
        span = f"{whole[0]}-{whole[-1]}" if whole else "none"
        raise ValueError(f"{run.path}: no whole year to 30 September in --years "
                         f"{years[0]}-{years[1]} (the run's whole years: {span})"
                         if years else f"{run.path}: no whole year to 30 September")
    return weeks, [p.label for p in sep_in], [p.label for p in fy_in]


def _headline_rows(runs, masks, group, indicators, sep_labels, fy_labels, kind="mean"):
    """(indicator label, per-run cells, per-comparison cells) for the chosen
    employers in the last whole year to 30 September / financial year of the
    window, with 90% intervals of ``kind``."""
    rows = []
    rates = [metrics.annual_rates(run, {group: mask}) for run, mask in zip(runs, masks)]
    labels0 = [p.label for p in rates[0]["periods"]]
    y = labels0.index(sep_labels[-1])
    for rate in (r for r in figures.RATES if r in indicators):
        values = [r[rate][:, y, 0] for r in rates]
        cells = [_fmt(*interval(kind, v)) for v in values]
        diffs = []
        for v in values[1:]:
            n = min(len(v), len(values[0]))
            diffs.append(_fmt(*interval(kind, v[:n] - values[0][:n]), sign=True, flag=True))
        rows.append((f"{INDICATOR_TITLES[rate]}, year to 30 Sep {sep_labels[-1]}", cells, diffs))
    if "total_cost_gbp" in indicators and fy_labels:
        fy = fy_labels[-1]
        totals = []
        for run, mask in zip(runs, masks):
            c = metrics.annual_costs(run, mask)
            c = c[c.complete & (c.period == fy)]
            totals.append(c.groupby("replication")["gbp"].sum().to_numpy() / 1e6)
        cells = [_fmt_cost(*interval(kind, t)) for t in totals]
        diffs = []
        for t in totals[1:]:
            n = min(len(t), len(totals[0]))
            diffs.append(_fmt_cost(*interval(kind, t[:n] - totals[0][:n]), sign=True, flag=True))
        rows.append((f"{INDICATOR_TITLES['total_cost_gbp']}, financial year {fy}", cells, diffs))
    return rows


def _labels(runs, given) -> list[str]:
    """Readable labels: ``given`` (--labels), else the scenario names, made
    unique by seed or position."""
    if given:
        if len(given) != len(runs):
            raise ValueError(f"--labels has {len(given)} label(s) for {len(runs)} run files")
        if len(set(given)) != len(given):
            raise ValueError("--labels: each run needs its own label")
        return list(given)
    names = [r.scenario_name for r in runs]
    out = []
    for k, (run, name) in enumerate(zip(runs, names)):
        if names.count(name) > 1:
            name = (f"{name} (seed {run.seed})" if len({r.seed for r in runs}) == len(runs)
                    else f"{name} ({k + 1})")
        out.append(name)
    return out


def _check_pairable(runs, allow_different_parameters):
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


def _interactive_figure(name: str, chart: str, caption: str) -> str:
    """A plotly chart (HTML of :mod:`.interactive`) in place of the PNG ``name``
    (still written beside the page)."""
    e = html.escape
    return (f'<figure id="{e(name)}" class="interactive" data-file="{e(name)}">{chart}'
            f"<figcaption>{e(caption)} (interactive: hover for values, click a legend entry "
            f"to hide or show it; as a picture: <code>{e(name)}</code>)</figcaption></figure>")


def _figure(out: Path, name: str, caption: str, notes: str = "") -> str:
    e = html.escape
    data = base64.b64encode((out / name).read_bytes()).decode("ascii")
    return (f'<figure id="{e(name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{e(caption)}" data-file="{e(name)}">'
            f"<figcaption>{e(caption)} (<code>{e(name)}</code>){notes}</figcaption></figure>")


STYLE = (
    "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222;"
    "padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
    "padding:4px 8px;text-align:right;vertical-align:top}th:first-child,td:first-child{"
    "text-align:left}table.levers td,table.diff td,table.tile-key td,table.levers th,"
    "table.diff th,table.tile-key th{text-align:left}.nowrap{white-space:nowrap}"
    "td.abbr{font-weight:bold}caption{text-align:left;font-weight:bold;padding:4px 0}"
    ".caveat{background:#fff8e1;border:1px solid #e0b000;border-radius:6px;padding:0.5em 1.2em;"
    "margin:1.5em 0}.caveat h2{margin-top:0.4em}.note{background:#eef3fb;border-left:4px solid "
    "#2166ac;padding:0.6em 1em}figure{margin:2em 0}img{max-width:100%}figcaption{font-size:90%;"
    "color:#555}</style>")


def build_report(paths, out_dir, kind: str | None = None,
                 allow_different_parameters: bool = False,
                 options: Options | None = None) -> Path:
    """Write the figures and report.html for run files ``paths`` (first =
    baseline) into ``out_dir``, with 90% intervals of ``kind`` ("prediction"
    or "mean"; None: :func:`.stats.default_interval_kind` of the runs) and
    what ``options`` choose; returns the HTML path. Raises ValueError for
    files that cannot be compared, or whose paired replications ran different
    parameters (unless ``allow_different_parameters``), and for options that
    select nothing."""
    options = options or Options()
    out = Path(out_dir)
    runs = [read_run(p) for p in paths]
    base = runs[0]
    _check_pairable(runs, allow_different_parameters)
    labels = _labels(runs, options.labels)
    group, masks = group_masks(runs, options.region)
    weeks, sep_labels, fy_labels = year_window(base, options.years)
    indicators = tuple(options.indicators)
    rates = tuple(r for r in figures.RATES if r in indicators)
    kind = kind or default_interval_kind(*runs)
    parameters = any(r.has_parameters for r in runs)
    out.mkdir(parents=True, exist_ok=True)
    title = options.title or f"{' vs '.join(labels)}: effect on the social work workforce"
    e = html.escape

    interactive = None
    if options.interactive:
        from . import interactive  # plotly, imported only here
        interactive.require()

    figs = []  # HTML of each figure
    # The PNG and the interactive chart are drawn from the same series.
    for rate in rates:
        name = f"{rate}.png"
        series = figures.rate_series(runs, labels, masks, rate, kind, weeks)
        figures.rate_chart(series, rate, out / name, group, kind)
        caption = (f"{figures.RATE_TITLES[rate]}, {group}, weekly, per scenario; band: "
                   f"{figures.band_name(kind)}")
        figs.append(_interactive_figure(name, interactive.to_div(interactive.rate_figure(
            series, rate, group, kind)), caption) if interactive else
            _figure(out, name, caption))
    if "total_cost_gbp" in indicators and fy_labels:
        bars = figures.cost_bars(runs, labels, masks, fy_labels, kind)
        figures.cost_chart(bars, out / "costs.png", group, kind)
        caption = (f"Cost per financial year, {group}, stacked by component (means); total "
                   f"above each bar with its {figures.band_name(kind)}")
        figs.append(_interactive_figure("costs.png", interactive.to_div(
            interactive.cost_figure(bars, group, kind)), caption) if interactive else
            _figure(out, "costs.png", caption))
    comparisons = []
    taken: set = set()
    names_in_group = [n for n, m in zip(base.employer_names, masks[0]) if m]
    for run, label in zip(runs[1:], labels[1:]):
        slug = _slug(run.scenario_name, taken)
        parts = []
        if rates:
            changes = figures.borough_changes(base, run, kind=kind, names=names_in_group,
                                              year=int(sep_labels[-1]))
            name = f"borough_change_{slug}.png"
            cut = figures.borough_change_chart(base, run, (labels[0], label), out / name,
                                               changes, rates)
            note = ""
            if cut:
                note = ("<br>Intervals cut at the axis so that the others can be read: "
                        + "; ".join(e(c) for c in cut) + ".")
            parts.append(_figure(out, name, f"Change per employer of {group}: {label} minus "
                                            f"{labels[0]}, year to 30 Sep {changes['year']}",
                                 note))
            if tile_positions(names_in_group):
                rate = rates[0]
                mean, lo, hi = changes[rate]
                values = dict(zip(changes["names"], mean))
                flagged = {n: bool(np.isfinite(a) and (a > 0 or b < 0))
                           for n, a, b in zip(changes["names"], lo, hi)}
                name = f"tilemap_{slug}.png"
                draw_tilemap(values, out / name,
                             f"Change in {rate.replace('_', ' ')} (pp), year to 30 Sep "
                             f"{changes['year']}\n{label} minus {labels[0]}\n"
                             f"* 90% paired {'prediction ' if kind == 'prediction' else ''}"
                             "interval excludes zero", flagged=flagged)
                parts.append(_figure(out, name, f"London tile map: change in "
                                                f"{rate.replace('_', ' ')}, {label} against "
                                                f"{labels[0]}; one square per borough"))
                parts.append(tile_key_section([n for n in changes["names"]]))
            else:
                parts.append(
                    '<p class="note" id="no-map">No tile map: none of the employers of '
                    f"{e(group)} is a London borough ({e(', '.join(names_in_group[:8]))}"
                    f"{', …' if len(names_in_group) > 8 else ''}), so there is no map to "
                    "colour; the chart above shows each employer.</p>")
        comparisons.append((label, parts))

    rows = _headline_rows(runs, masks, group, indicators, sep_labels, fy_labels, kind)
    years_text = (f"years to 30 September {sep_labels[0]}–{sep_labels[-1]}")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>", STYLE,
        *([interactive.plotly_script()] if interactive else []),
        "</head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>Scenario A (the baseline): <b>{e(labels[0])}</b>. "
        + "".join(f"Scenario {chr(66 + k)}: <b>{e(lbl)}</b>. " for k, lbl in
                  enumerate(labels[1:]))
        + f"Employers: <b>{e(group)}</b>; {e(years_text)}. Written "
        f"{dt.datetime.now(dt.timezone.utc):%d %B %Y %H:%M} UTC by pledgesim "
        f"{e(str(base.attrs.get('software_version', '')))}.</p>",
        caveat_box(kind, runs),
        "<h2>What was compared</h2>",
        *(scenario_section(label, run) for run, label in zip(runs, labels)),
    ]
    if len(runs) > 1:
        parts.append("<h2>Where the scenarios differ</h2>")
        parts += [diff_section((labels[0], label), base, run)
                  for run, label in zip(runs[1:], labels[1:])]
    if rows:
        parts.append(f"<h2>Headline: {e(group)}</h2>")
        parts.append(
            f"<p>Each cell: mean across replications [{e(interval_title(kind, parameters))}]; "
            "differences are paired replication by replication, in bold when the interval "
            "excludes zero. Rates in %, their differences in percentage points; costs in £ "
            "million to three significant figures.</p>")
        head = "".join(f"<th>{e(lbl)}</th>" for lbl in labels)
        head += "".join(f"<th>{e(lbl)} − {e(labels[0])}</th>" for lbl in labels[1:])
        parts.append(f'<table class="headline"><tr><th>indicator</th>{head}</tr>')
        for label, cells, diffs in rows:
            parts.append(f'<tr><td>{e(label)}</td>'
                         + "".join(f"<td>{c}</td>" for c in cells + diffs) + "</tr>")
        parts.append("</table>")
    parts.append("<h2>Over time</h2>")
    parts += figs
    for label, fig_parts in comparisons:
        if fig_parts:
            parts.append(f"<h2>Per employer: {e(label)} against {e(labels[0])}</h2>")
            parts += fig_parts
    parts.append(DEFINITIONS)
    parts.append("</body></html>")
    path = out / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _years(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{4})", text)
    if not m or int(m[1]) > int(m[2]):
        raise argparse.ArgumentTypeError(f"{text!r}: expected FROM-TO, years with FROM <= TO, "
                                         "e.g. 2019-2021")
    return int(m[1]), int(m[2])


def _indicators(text: str) -> tuple[str, ...]:
    chosen = tuple(s.strip() for s in text.split(",") if s.strip())
    unknown = [s for s in chosen if s not in INDICATORS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown indicator {', '.join(unknown) or text!r}; "
                                         f"choose from {', '.join(INDICATORS)}")
    return chosen


def _labels_option(text: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in text.split(","))


def _file_format(path: str) -> str | None:
    """The root attribute ``format`` of an HDF5 file, or None."""
    try:
        with h5py.File(path, "r") as f:
            value = f.attrs.get("format")
    except OSError:
        return None
    return value.decode() if isinstance(value, bytes) else value


def _sweep_report(args) -> int:
    """Hands a sweep file to the sweep report (pledgesim_analysis.sweep_report)."""
    if len(args.files) != 1:
        return fail(f"{args.files[0]} is a sweep file: give it alone (one sweep per report)")
    try:
        sweep_report = importlib.import_module(f"{__package__}.sweep_report")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.sweep_report":
            raise
        return fail(f"{args.files[0]} is a sweep file, and this installation has no sweep "
                    "report (pledgesim_analysis.sweep_report); `pledgesim sensitivity FILE` "
                    "prints its indices")
    options = {"title": args.title} if args.title else {}
    if args.interactive:
        options["interactive"] = True
    return write_page(lambda: sweep_report.write_sweep_report(args.files[0], args.out, **options))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m pledgesim_analysis.report",
        description="Figures (PNG) and a self-contained HTML report, written for a policy "
                    "reader, from pledgesim run files; the first file is the baseline (A) the "
                    "others are compared with. A sweep file gets the sweep report.")
    parser.add_argument("files", nargs="+", metavar="FILE.h5")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="directory for the PNG files and report.html (created)")
    parser.add_argument("--force", action="store_true",
                        help="replace the report already in DIR")
    parser.add_argument("--region", metavar="NAME",
                        help="employers to show: a region (e.g. London, 'South East'), a "
                             "subregion (e.g. South), 'Inner London', 'Outer London', or all. "
                             "Default: London when the runs have London employers, else all")
    parser.add_argument("--years", type=_years, metavar="FROM-TO",
                        help="years to 30 September to show, e.g. 2019-2021: weekly charts "
                             "from 1 October FROM-1 to 30 September TO, financial years ending "
                             "in FROM..TO; the headline is the last whole year. Default: all")
    parser.add_argument("--indicators", type=_indicators, default=INDICATORS,
                        metavar="A,B,...",
                        help=f"indicators to show, comma-separated, from {', '.join(INDICATORS)} "
                             "(default: all). The tile map shows the first rate chosen")
    parser.add_argument("--labels", type=_labels_option, metavar="A,B,...",
                        help="a label per run file, comma-separated, in their order (default: "
                             "the scenario names)")
    parser.add_argument("--title", help="the page's title (default: the labels compared)")
    parser.add_argument("--interval", choices=INTERVAL_KINDS, default=None,
                        help="kind of 90%% interval: prediction (where one more replication "
                             "would fall; includes parameter uncertainty for runs with "
                             "--parameters) or mean (confidence interval of the mean). Default: "
                             "prediction when the runs carry /replications/parameters, else mean")
    parser.add_argument("--allow-different-parameters", action="store_true",
                        help="pair replications that ran different parameter values instead of "
                             "refusing")
    parser.add_argument("--interactive", action="store_true",
                        help="draw the weekly rate and cost charts (a sweep report: its "
                             "scatter plots) with plotly: values on hover, a click on the "
                             "legend hides or shows a scenario. plotly.js is embedded once, so "
                             "the page still works offline but weighs about 9 MB. The PNG "
                             "files are written as without it. Needs Debian's python3-plotly")
    args = parser.parse_args(argv)
    # Checked before any file is read or figure drawn: an existing report is
    # a result, replaced only with --force; the directory must take files.
    problem = output_dir_problem(Path(args.out), "report.html", args.force)
    if problem:
        return fail(problem)
    for f in args.files:
        if not Path(f).is_file():
            return fail(f"{f}: no such file")
    if args.interactive:
        # Before anything is read or drawn: plotly is needed only here.
        from .interactive import PlotlyMissing, require
        try:
            require()
        except PlotlyMissing as exc:
            return fail(str(exc))
    if any(_file_format(f) == "pledgesim-sweep" for f in args.files):
        return _sweep_report(args)
    options = Options(region=args.region, years=args.years, indicators=args.indicators,
                      labels=args.labels, title=args.title, interactive=args.interactive)
    return write_page(lambda: build_report(args.files, args.out, args.interval,
                                           args.allow_different_parameters, options))


if __name__ == "__main__":
    sys.exit(main())
