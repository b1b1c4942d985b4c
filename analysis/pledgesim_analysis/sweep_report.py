"""``python3 -m pledgesim_analysis.sweep_report SWEEP.h5 --out DIR``

Writes ``DIR/report.html``, one self-contained page (figures embedded as
base64 PNG data, no script, nothing fetched: it works offline) about a sweep
file written by ``pledgesim sweep``:

* what was swept: the base scenario, each parameter with its range (or list,
  or "from the design file" for a csv design) and the values the runs used,
  the design kind and size, runs done of runs planned, replications, seeds;
* sensitivity indices, when ``pledgesim sensitivity`` has stored them in the
  file (``/sensitivity``): Sobol first-order and total indices as bars with
  their 90% bootstrap intervals (saltelli designs), Morris mu* and sigma as
  bars (morris designs), or standardised regression coefficients (SRC) and
  partial rank correlation coefficients (PRCC) with their 90% bootstrap
  intervals and the fits' R² (grid, Latin hypercube and csv designs).
  Nothing is estimated here: without stored indices the page says which
  command computes them;
* a warning where the design is too small for its indices to mean much
  (fewer than 64 Sobol base samples, fewer than 10 Morris trajectories,
  fewer than 10 points per parameter for regression measures; the
  thresholds of ``pledgesim sensitivity``);
* each annual outcome against each parameter: one scatter panel per
  parameter, one point per run.

The file is read with h5py by dataset path (``/design``, ``/runs``,
``/outcomes``, ``/sensitivity``). An unfinished sweep (only its journal
``FILE.h5.runs/`` exists) is reported as such, with the runs done and the
command that continues it, as ``pledgesim sensitivity`` does.

Exit status 0, or 2 (message on stderr) for a missing, unfinished or foreign
file, a DIR that cannot be written, or a DIR that already holds a report
(replaced only with ``--force``).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import fcntl
import html
import io
import os
import sys
import tomllib
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402

from ._cli import fail, output_dir_problem, write_page  # noqa: E402
from .reader import _open_file  # noqa: E402  (the regular-file and own-storage checks)

# The thresholds below which `pledgesim sensitivity` warns that the design is
# too small (analysis/cpp/sensitivity_report.cpp).
FEW_SOBOL_SAMPLES = 64
FEW_MORRIS_TRAJECTORIES = 10
REGRESSION_POINTS_PER_PARAMETER = 10
#: Below this R² of the linear fit the SRC describe little of the outcome.
LOW_R_SQUARED = 0.7
#: Designs whose points follow no set layout: regression measures.
REGRESSION_DESIGNS = ("grid", "latin_hypercube", "csv")

REPORT_NAME = "report.html"


class UnfinishedSweep(ValueError):
    """The sweep file does not exist yet, but its journal does."""


def _strings(dataset: h5py.Dataset) -> list[str]:
    return [x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in dataset[()]]


def _attr(obj, name, default=None):
    value = obj.attrs.get(name, default)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value


def _output_writer(path: Path) -> str | None:
    """Who holds the output's lock (``FILE.lock``, sim/io/output_lock), or None
    when no process is writing it."""
    try:
        fd = os.open(f"{path}.lock", os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return None
        except BlockingIOError:
            holder = os.pread(fd, 511, 0).decode("utf-8", "replace").strip()
            return holder or "another pledgesim process"
    finally:
        os.close(fd)


def unfinished_sweep_message(path: str | os.PathLike) -> str | None:
    """For a sweep file that does not exist but whose journal ``FILE.runs/``
    does: how many runs of how many are done and how to continue (the wording
    of ``pledgesim sensitivity``); None otherwise."""
    path = Path(path)
    journal = Path(f"{path}.runs")
    if path.exists() or not journal.is_dir():
        return None
    done = sum(1 for p in journal.iterdir() if p.name.startswith("run-") and p.suffix == ".bin")
    manifest = {}
    try:
        manifest = tomllib.loads((journal / "journal.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    runs = str(manifest.get("runs", ""))
    sweep = str(manifest.get("sweep_file", "")) or "SWEEP.toml"
    text = (f"no such file yet: an unfinished sweep, {done}{' of ' + runs if runs else ''} "
            f"runs done (kept in {journal})")
    writer = _output_writer(path)
    if writer:
        return f"{text}; it is still running ({writer}): wait for it to finish"
    return f"{text}; run `pledgesim sweep {sweep} --out {path}` again to continue"


class Sweep:
    """What the report needs from a sweep file, read by dataset path."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        message = unfinished_sweep_message(self.path)
        if message:
            raise UnfinishedSweep(f"{self.path}: {message}")
        with _open_file(self.path) as f:
            if _attr(f, "format") != "pledgesim-sweep":
                raise ValueError(f"{self.path}: not a pledgesim sweep file (root attribute "
                                 f"'format' is {_attr(f, 'format')!r})")
            for name in ("design/parameter", "design/value", "runs/point", "runs/replication",
                         "outcomes"):
                if name not in f:
                    raise ValueError(f"{self.path}: /{name} is missing")
            design = f["design"]
            self.kind = str(_attr(design, "kind", ""))
            self.samples = int(_attr(design, "samples", 0))
            self.morris_levels = int(_attr(design, "morris_levels", 0))
            self.parameters = _strings(design["parameter"])
            self.values = np.asarray(design["value"][()], dtype=float)  # [points, k]
            if self.values.ndim != 2 or self.values.shape[1] != len(self.parameters):
                raise ValueError(f"{self.path}: /design/value has shape {self.values.shape}, "
                                 f"not [points, {len(self.parameters)}]")
            self.point = np.asarray(f["runs/point"][()], dtype=np.int64)
            self.replication = replication = np.asarray(f["runs/replication"][()],
                                                         dtype=np.int64)
            if len(self.point) and (self.point.min() < 0 or self.point.max() >= len(self.values)):
                raise ValueError(f"{self.path}: /runs/point names points outside /design/value")
            self.replications = int(replication.max()) + 1 if len(replication) else 0
            self.runs_planned = len(self.values) * self.replications
            self.outcomes = {}
            # Sweep format 2 labels the outcomes for xarray: beside them in
            # /outcomes lie the dimension `run` and copies of the /runs
            # columns (its coordinates), which are not outcomes.
            coordinates = set(f["runs"]) | {"run", "week", "date"}
            for name, ds in f["outcomes"].items():
                if name in coordinates or not isinstance(ds, h5py.Dataset):
                    continue
                y = np.asarray(ds[()], dtype=float)
                if y.shape != self.point.shape:
                    raise ValueError(f"{self.path}: /outcomes/{name} has {y.shape} values for "
                                     f"{len(self.point)} runs")
                self.outcomes[name] = (y, str(_attr(ds, "units", "")))
            self.indices = {}
            if "sensitivity" in f:
                for name, g in f["sensitivity"].items():
                    self.indices[name] = {
                        "method": str(_attr(g, "method", "")),
                        "attrs": {k: _attr(g, k) for k in g.attrs},
                        **{k: (_strings(g[k]) if k == "parameter" else np.asarray(g[k][()],
                                                                                 dtype=float))
                           for k in g if isinstance(g[k], h5py.Dataset)},
                    }
            self.seed = _attr(f, "seed")
            self.seed_policy = _attr(f, "seed_policy", "")
            self.software_version = _attr(f, "software_version", "")
            self.format_version = _attr(f, "format_version")
            self.sweep_text = (f["sweep/text"][()] if "sweep/text" in f else b"")
            if isinstance(self.sweep_text, bytes):
                self.sweep_text = self.sweep_text.decode("utf-8")

    def spec(self) -> dict:
        """The sweep file as run (/sweep/text), or {} when it is absent."""
        try:
            return tomllib.loads(self.sweep_text)
        except tomllib.TOMLDecodeError:
            return {}

    def varying_parameters(self) -> int:
        """How many parameters take more than one value in the design."""
        return int(np.sum(np.ptp(self.values, axis=0) > 0)) if self.values.size else 0

    def regression_fits(self) -> bool:
        """Whether there are enough points for regression measures (varying
        parameters + 2, as ``pledgesim sensitivity`` requires)."""
        return self.samples >= self.varying_parameters() + 2

    def design_too_small(self) -> str | None:
        """The warning of ``pledgesim sensitivity`` for a design too small for its
        indices, or None."""
        if self.kind == "saltelli" and self.samples < FEW_SOBOL_SAMPLES:
            return (f"{self.samples} base samples are too few for Sobol indices to mean much "
                    "(estimates can fall outside [0, 1] and their intervals are wide); use "
                    f"samples = {FEW_SOBOL_SAMPLES} or more, several hundred for small indices")
        if self.kind == "morris" and self.samples < FEW_MORRIS_TRAJECTORIES:
            return (f"{self.samples} trajectories are too few for Morris effects to rank "
                    f"parameters reliably; use {FEW_MORRIS_TRAJECTORIES} or more")
        k = len(self.parameters)
        if self.kind in REGRESSION_DESIGNS and not self.regression_fits():
            m = self.varying_parameters()
            return (f"{self.samples} points are too few for {m} varying parameters: regression "
                    f"measures need at least {m + 2}")
        if self.kind in REGRESSION_DESIGNS and self.samples < REGRESSION_POINTS_PER_PARAMETER * k:
            return (f"{self.samples} points for {k} parameters are few for regression measures "
                    f"(their intervals are wide); use {REGRESSION_POINTS_PER_PARAMETER} points "
                    "per parameter or more")
        return None


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(data: str, caption: str, kind: str) -> str:
    e = html.escape
    return (f'<figure class="{kind}"><img src="data:image/png;base64,{data}" alt="{e(caption)}">'
            f"<figcaption>{e(caption)}</figcaption></figure>")


def _bars_with_intervals(ax, y, index: dict, bars) -> None:
    """Pairs of horizontal bars (key, label, colour) at y -/+ 0.18, each with
    its stored 90% interval (KEY_lo90, KEY_hi90) where there is one."""
    for offset, (key, label, colour) in zip((-0.18, 0.18), bars):
        value = index[key]
        lo, hi = index.get(f"{key}_lo90"), index.get(f"{key}_hi90")
        err = None
        if lo is not None and hi is not None and np.any(np.isfinite(lo)):
            err = np.nan_to_num(np.vstack([value - lo, hi - value])).clip(min=0)
        ax.barh(y + offset, np.nan_to_num(value), height=0.36, xerr=err, capsize=3,
                color=colour, label=label)


def _index_chart(name: str, units: str, index: dict) -> tuple[str, str]:
    """Bars of one outcome's stored indices: Sobol S1 and ST, or SRC and
    PRCC, with their 90% intervals, or Morris mu* and sigma. Returns (PNG
    data, caption)."""
    names = index["parameter"]
    y = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(7.5, 0.6 * len(names) + 1.4))
    title = name
    if index["method"] == "sobol":
        _bars_with_intervals(ax, y, index, (("first", "first order S1", "#1f77b4"),
                                            ("total", "total ST", "#ff7f0e")))
        ax.set_xlabel("share of the outcome's variance (bars: 90% bootstrap intervals)")
        caption = f"Sobol indices of {name}, with 90% bootstrap intervals"
    elif index["method"] == "regression":
        _bars_with_intervals(ax, y, index, (("src", "SRC (linear fit)", "#1f77b4"),
                                            ("prcc", "PRCC (ranks)", "#ff7f0e")))
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("standardised effect, -1 to 1 (bars: 90% bootstrap intervals)")
        r2, rank_r2 = (float(index["attrs"].get(k, np.nan))
                       for k in ("r_squared", "rank_r_squared"))
        title = f"{name}: linear fit R² {r2:.2f}, fit on ranks R² {rank_r2:.2f}"
        caption = (f"Regression measures of {name}: standardised regression coefficients "
                   f"(SRC; the linear fit explains {100 * r2:.0f}% of the variance) and partial "
                   "rank correlation coefficients (PRCC), with 90% bootstrap intervals")
        if r2 < LOW_R_SQUARED:
            caption += ("; the linear fit explains little, so read the PRCC (any monotone "
                        "effect) rather than the SRC")
    else:
        ax.barh(y - 0.18, index["mu_star"], height=0.36, color="#1f77b4",
                label="μ* (mean |elementary effect|)")
        ax.barh(y + 0.18, index["sigma"], height=0.36, color="#ff7f0e",
                label="σ (its standard deviation)")
        ax.set_xlabel(f"{units or 'outcome units'} per full parameter range")
        caption = f"Morris elementary effects of {name}: μ* and σ"
    ax.axvline(0, color="#444", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    return _png(fig), caption


def _scatter(sweep: Sweep, name: str, y: np.ndarray, units: str) -> tuple[str, str]:
    """One panel per parameter: the outcome of every run against the
    parameter's value at its point."""
    k = len(sweep.parameters)
    columns = min(k, 3)
    rows = (k + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
    x_all = sweep.values[sweep.point]  # [runs, k]
    for j, parameter in enumerate(sweep.parameters):
        ax = axes[j // columns][j % columns]
        ax.scatter(x_all[:, j], y, s=12, alpha=0.6, color="#1f77b4", edgecolors="none")
        ax.set_xlabel(parameter)
        ax.set_ylabel(f"{name}{f' ({units})' if units else ''}", fontsize=8)
        ax.grid(alpha=0.3)
    for j in range(k, rows * columns):
        axes[j // columns][j % columns].set_visible(False)
    fig.suptitle(f"{name} against each parameter (one point per run)")
    fig.tight_layout()
    return _png(fig), f"{name} against each parameter: one panel per parameter, one point per run"


def _interactive_scatter(sweep: Sweep, name: str, y: np.ndarray, units: str) -> tuple[str, str]:
    """:func:`_scatter` as a plotly chart (same values: the design's value at
    each run's point, the run's outcome); hover: the run's parameters and
    outcome. Returns (HTML fragment, caption)."""
    from . import interactive
    fig = interactive.sweep_scatter_figure(sweep.parameters, sweep.values[sweep.point], y, name,
                                           units, sweep.point, sweep.replication)
    return (interactive.to_div(fig), f"{name} against each parameter: one panel per parameter, "
                                     "one point per run (interactive: hover for the run's values)")


def _parameter_rows(sweep: Sweep) -> list[tuple[str, str, str]]:
    """(name, as given in the sweep file, values the runs used) per parameter."""
    entries = sweep.spec().get("parameters", [])
    rows = []
    for j, name in enumerate(sweep.parameters):
        entry = entries[j] if j < len(entries) and isinstance(entries[j], dict) else {}
        if "values" in entry:
            given = "list " + ", ".join(f"{v:g}" for v in entry["values"])
        elif "min" in entry and "max" in entry:
            given = f"range [{entry['min']:g}, {entry['max']:g}]"
        else:
            given = "no range (values from the design file)"
        column = sweep.values[:, j]
        used = (f"{np.unique(column).size} distinct, {column.min():g} to {column.max():g}"
                if column.size else "–")
        rows.append((name, given, used))
    return rows


def write_sweep_report(path: str | os.PathLike, out_dir: str | os.PathLike, *,
                       outcomes: list[str] | None = None, title: str | None = None,
                       interactive: bool = False) -> Path:
    """Write ``out_dir/report.html`` for the sweep file ``path`` and return its
    path. ``outcomes`` restricts the report to those annual outcomes (names as
    in /outcomes, e.g. ``agency_rate.London.2022``); ``title`` replaces the
    page's heading (default: "pledgesim sweep: FILE"); ``interactive`` draws
    the scatter plots with plotly (plotly.js inline once; needs plotly). Raises
    :class:`UnfinishedSweep` (a ValueError) for a sweep that has not finished,
    ValueError for a file that is not a sweep file or an unknown outcome, and
    FileNotFoundError for a missing one."""
    if interactive:
        from . import interactive as plotly_charts  # plotly, imported only here
        plotly_charts.require()
    sweep = Sweep(path)
    names = list(sweep.outcomes)
    if outcomes:
        unknown = [o for o in outcomes if o not in sweep.outcomes]
        if unknown:
            raise ValueError(f"{sweep.path}: no outcome {', '.join(unknown)} (the file has "
                             f"{', '.join(names) or 'none'})")
        names = list(outcomes)
    spec = sweep.spec()
    e = html.escape
    heading = title or f"pledgesim sweep: {sweep.path.name}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(heading)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
        "padding:4px 8px;text-align:left}figure{margin:2em 0}img{max-width:100%}"
        "figcaption{font-size:90%;color:#555}.warning{background:#fff3cd;border:1px solid "
        "#c9a100;padding:0.6em 1em}.note{background:#eef4fb;border:1px solid #9bb7d4;"
        "padding:0.6em 1em}</style>",
        *([plotly_charts.plotly_script()] if interactive else []),
        "</head><body>",
        f"<h1>{e(heading)}</h1>",
        f"<p>Written {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC from "
        f"<code>{e(str(sweep.path))}</code> (pledgesim {e(str(sweep.software_version))}, "
        f"sweep format version {e(str(sweep.format_version))}).</p>",
        "<h2>What was swept</h2><table>",
        f"<tr><th>base scenario</th><td>{e(str(spec.get('scenario', 'built-in')))}</td></tr>",
        f"<tr><th>design</th><td>{e(sweep.kind)}"
        + (f" (design file <code>{e(str(spec['design_file']))}</code>)"
           if "design_file" in spec else "")
        + f"; {len(sweep.values)} points"
        + {"saltelli": f" from {sweep.samples} base samples",
           "morris": f" on {sweep.samples} trajectories, {sweep.morris_levels} levels"}.get(
               sweep.kind, "")
        + "</td></tr>",
        f"<tr><th>runs</th><td>{len(sweep.point)} done of {sweep.runs_planned} planned "
        f"({len(sweep.values)} points × {sweep.replications} replications)</td></tr>",
        f"<tr><th>seed</th><td>{e(str(sweep.seed))} ({e(str(sweep.seed_policy))} random "
        "numbers across points)</td></tr>",
        "</table>",
        "<table><tr><th>parameter</th><th>in the sweep file</th><th>values used</th></tr>",
    ]
    for name, given, used in _parameter_rows(sweep):
        parts.append(f"<tr><td>{e(name)}</td><td>{e(given)}</td><td>{e(used)}</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Sensitivity indices</h2>")
    warning = sweep.design_too_small()
    if warning:
        parts.append(f'<p class="warning" id="small-design"><b>Warning:</b> {e(warning)}.</p>')
    if sweep.kind in REGRESSION_DESIGNS:
        parts.append(
            f'<p class="note">A {e(sweep.kind)} design has no set layout, so its measures come '
            "from regressions over its points: the standardised regression coefficient (SRC: "
            "standard deviations of the outcome per standard deviation of the parameter, all "
            "parameters fitted together; meaningful where the linear fit's R² is high) and the "
            "partial rank correlation coefficient (PRCC, -1 to 1: any monotone effect, the "
            "other parameters held out). Sobol indices need a saltelli design, Morris effects "
            "a morris design.</p>")
    fits = sweep.kind not in REGRESSION_DESIGNS or sweep.regression_fits()
    missing = [n for n in names if n not in sweep.indices]
    for name in names:
        if name in sweep.indices:
            data, caption = _index_chart(name, sweep.outcomes[name][1], sweep.indices[name])
            parts.append(_figure(data, caption, "indices"))
    if missing and fits:
        parts.append(
            f'<p class="note">No indices stored for {e(", ".join(missing))}: run '
            f"<code>pledgesim sensitivity {e(str(sweep.path))}</code>, which computes "
            "them and stores them in the file, then write this report again.</p>")

    parts.append("<h2>Outcomes against each parameter</h2>")
    for name in names:
        y, units = sweep.outcomes[name]
        if interactive:
            chart, caption = _interactive_scatter(sweep, name, y, units)
            parts.append(f'<figure class="scatter interactive">{chart}'
                         f"<figcaption>{e(caption)}</figcaption></figure>")
        else:
            data, caption = _scatter(sweep, name, y, units)
            parts.append(_figure(data, caption, "scatter"))
    parts.append("</body></html>")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / REPORT_NAME
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m pledgesim_analysis.sweep_report",
        description="A self-contained HTML report of a pledgesim sweep file: what was swept, "
                    "sensitivity indices stored by `pledgesim sensitivity`, and each outcome "
                    "against each parameter.")
    parser.add_argument("file", metavar="SWEEP.h5")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help=f"directory for {REPORT_NAME} (created)")
    parser.add_argument("--outcome", action="append", default=None, metavar="NAME",
                        help="only this outcome (repeatable), e.g. agency_rate.London.2022")
    parser.add_argument("--title", help="the page's heading (default: pledgesim sweep: FILE)")
    parser.add_argument("--force", action="store_true", help="replace the report already in DIR")
    parser.add_argument("--interactive", action="store_true",
                        help="draw the scatter plots with plotly (hover: the run's parameter "
                             "values and outcome); plotly.js is embedded once (about 9 MB), so "
                             "the page still works offline. Needs Debian's python3-plotly")
    args = parser.parse_args(argv)
    problem = output_dir_problem(Path(args.out), REPORT_NAME, args.force)
    if problem:
        return fail(problem)
    return write_page(lambda: write_sweep_report(args.file, args.out, outcomes=args.outcome,
                                                 title=args.title, interactive=args.interactive))


if __name__ == "__main__":
    sys.exit(main())
