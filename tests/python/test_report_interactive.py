"""Tests of the report's ``--interactive`` option (plotly charts): plotly.js
is in the page once and nothing is fetched; one chart per PNG; the charts'
values are the very series the PNGs are drawn from; hover templates carry
units and intervals; a legend click hides a whole scenario; without the
option the page has no script; without plotly the option exits 2 naming
python3-plotly. The sweep report's interactive scatter too. Runs are small
and made here (PLEDGESIM_BIN; ctest sets it). Skipped without plotly.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from html.parser import HTMLParser
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
sys.path.insert(0, str(SOURCE_ROOT / "analysis"))
from pledgesim_analysis import figures, read_run, report  # noqa: E402
from pledgesim_analysis.stats import default_interval_kind  # noqa: E402

HAVE_PLOTLY = importlib.util.find_spec("plotly") is not None
SCENARIOS = SOURCE_ROOT / "scenarios"
RATE_PNGS = [f"{r}.png" for r in figures.RATES]

SWEEP = """scenario = "two.toml"
seed = 1
replications = 2
design = "morris"
samples = 4
morris_levels = 4

[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.04
max = 0.12

[[parameters]]
policy = 0
field = "weeks"
min = 0
max = 26

[[outputs]]
indicator = "agency_rate"
group = "London"
year = 2018

[[outputs]]
indicator = "leavers"
group = "all"
year = 2018
"""

# A plotly that cannot be imported, put first on PYTHONPATH.
NO_PLOTLY = 'raise ModuleNotFoundError("No module named \'plotly\'", name="plotly")\n'


def binary() -> str:
    b = os.environ.get("PLEDGESIM_BIN")
    if not b:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    return b


def run(*args, pythonpath: str | None = None) -> subprocess.CompletedProcess:
    path = str(SOURCE_ROOT / "analysis")
    return subprocess.run([sys.executable, "-m", "pledgesim_analysis.report", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": (f"{pythonpath}{os.pathsep}{path}"
                                                            if pythonpath else path)})


class Tags(HTMLParser):
    """Every start tag of the page with its attributes, and the figures'
    ``data-file`` by class."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


def charts(page: str) -> dict[str, tuple[list, dict]]:
    """(traces, layout) of each ``Plotly.newPlot`` call, by the data-file of
    the figure around it (the PNG it stands for) or, without one, its div id."""
    decoder = json.JSONDecoder()
    out = {}
    for m in re.compile(r"Plotly\.newPlot\(\s*").finditer(page, body(page)):
        div, i = decoder.raw_decode(page, m.end())
        i = re.compile(r"\s*,\s*").match(page, i).end()
        traces, i = decoder.raw_decode(page, i)
        i = re.compile(r"\s*,\s*").match(page, i).end()
        layout, _ = decoder.raw_decode(page, i)
        before = page.rfind("<figure", 0, m.start())
        name = re.match(r'<figure[^>]*data-file="([^"]+)"', page[before:])
        out[name[1] if name else div] = (traces, layout)
    return out


def body(page: str) -> int:
    """Where the page's body starts (plotly.js, in the head, calls
    Plotly.newPlot itself)."""
    return page.index("<body>")


def values(seq) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in seq], dtype=float)


@unittest.skipUnless(HAVE_PLOTLY, "plotly is not installed (Debian: python3-plotly)")
class InteractiveReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_interactive_")
        d = Path(cls.tmp.name)
        cls.runs = []
        for scenario in ("london_competitive.toml", "london_pledge_2022.toml"):
            out = d / scenario.replace(".toml", ".h5")
            proc = subprocess.run([binary(), "run", SCENARIOS / scenario, "--years", "3",
                                   "--seed", "2", "--replications", "3", "-q", "--no-summary",
                                   "--out", out], capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise AssertionError(f"pledgesim run {scenario}: {proc.stderr}")
            cls.runs.append(out)
        cls.out = {"static": d / "static", "interactive": d / "interactive"}
        cls.procs = {"static": run(*cls.runs, "--out", cls.out["static"]),
                     "interactive": run(*cls.runs, "--out", cls.out["interactive"],
                                        "--interactive")}
        cls.pages = {k: (v / "report.html").read_text(encoding="utf-8")
                     for k, v in cls.out.items() if cls.procs[k].returncode == 0}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def page(self, name: str) -> str:
        self.assertEqual(self.procs[name].returncode, 0, self.procs[name].stderr)
        return self.pages[name]

    def report_inputs(self):
        """What build_report computes the series from, by its own functions."""
        runs = [read_run(p) for p in self.runs]
        labels = report._labels(runs, None)
        group, masks = report.group_masks(runs, None)
        weeks, _, fy_labels = report.year_window(runs[0], None)
        return runs, labels, group, masks, weeks, fy_labels, default_interval_kind(*runs)

    # -- the page ---------------------------------------------------------
    def test_plotly_js_once_and_one_chart_per_png(self):
        import plotly.offline
        page = self.page("interactive")
        js = plotly.offline.get_plotlyjs()
        self.assertEqual(page.count(js), 1)
        self.assertEqual(page.count("* plotly.js v"), 1)  # its banner: no second copy
        tags = Tags(page)
        divs = [a for a in tags.all("div") if "plotly-graph-div" in a.get("class", "")]
        self.assertEqual(len(divs), 4)
        self.assertEqual(len(re.findall(r"Plotly\.newPlot\(", page[body(page):])), 4)
        self.assertEqual(sorted(charts(page)), sorted(RATE_PNGS + ["costs.png"]))
        # The other figures stay images; the four charts are not also images.
        shown = {a["data-file"] for a in tags.all("img")}
        self.assertFalse(shown & set(RATE_PNGS + ["costs.png"]))
        self.assertTrue(any(n.startswith("borough_change_") for n in shown))

    def test_png_files_are_written_in_both_modes_and_are_the_same(self):
        self.page("static"), self.page("interactive")
        static = sorted(p.name for p in self.out["static"].glob("*.png"))
        self.assertEqual(static, sorted(p.name for p in self.out["interactive"].glob("*.png")))
        for name in RATE_PNGS + ["costs.png"]:
            self.assertIn(name, static)
            self.assertEqual((self.out["static"] / name).read_bytes(),
                             (self.out["interactive"] / name).read_bytes(), name)

    def test_nothing_is_fetched(self):
        page = self.page("interactive")
        tags = Tags(page)
        scripts = tags.all("script")
        self.assertGreater(len(scripts), 4)
        self.assertEqual([a for a in scripts if "src" in a], [])
        self.assertEqual(tags.all("link"), [])
        self.assertEqual(tags.all("iframe"), [])
        for tag, attrs in tags.tags:
            for key in ("src", "href"):
                self.assertFalse(re.match(r"\s*(https?:)?//", attrs.get(key) or ""),
                                 f"<{tag} {key}={attrs.get(key)!r}>")
        # No MathJax: plotly.js is told it is "local" and the charts load none.
        self.assertIn('MathJaxConfig: "local"', page[:page.index("/**")])
        self.assertFalse("mathjax" in page[body(page):].lower(), "the body loads MathJax")

    def test_without_the_option_the_page_has_no_script(self):
        page = self.page("static")
        self.assertFalse("<script" in page.lower(), "a script in the static page")
        self.assertFalse("plotly" in page.lower(), "plotly in the static page")
        files = {a["data-file"] for a in Tags(page).all("img")}
        self.assertLessEqual(set(RATE_PNGS + ["costs.png"]), files)

    # -- the charts' values -----------------------------------------------
    def test_rate_charts_show_the_series_the_pngs_are_drawn_from(self):
        runs, labels, group, masks, weeks, _, kind = self.report_inputs()
        plotted = charts(self.page("interactive"))
        series = {rate: figures.rate_series(runs, labels, masks, rate, kind, weeks)
                  for rate in figures.RATES}
        for rate in figures.RATES:
            traces, _ = plotted[f"{rate}.png"]
            lines = [t for t in traces if "hovertemplate" in t]
            bands = [t for t in traces if t.get("hoverinfo") == "skip"]
            self.assertEqual(len(lines), len(runs))
            self.assertEqual(len(bands), 2 * len(runs))
            for k, s in enumerate(series[rate]):
                with self.subTest(rate=rate, run=labels[k]):
                    np.testing.assert_array_equal(values(lines[k]["y"]), s.mean)
                    np.testing.assert_array_equal(values(bands[2 * k]["y"]), s.lo)
                    np.testing.assert_array_equal(values(bands[2 * k + 1]["y"]), s.hi)
                    custom = np.array(lines[k]["customdata"], dtype=float)
                    np.testing.assert_array_equal(custom[:, 0], s.lo)
                    np.testing.assert_array_equal(custom[:, 1], s.hi)
                    self.assertEqual(lines[k]["x"][0][:10], f"{s.dates[0]:%Y-%m-%d}")
                    self.assertEqual(len(lines[k]["x"]), len(s.dates))
                    ok = np.isfinite(s.lo)  # (turnover: none before 52 weeks have passed)
                    self.assertGreater(ok.mean(), 0.5)
                    self.assertTrue((s.lo[ok] <= s.mean[ok]).all()
                                    and (s.mean[ok] <= s.hi[ok]).all())
        # The comparison can fail: the charts differ from each other and so
        # do the scenarios.
        agency = values([t for t in plotted["agency_rate.png"][0] if "hovertemplate" in t][0]["y"])
        self.assertFalse(np.allclose(agency, series["vacancy_rate"][0].mean))
        self.assertFalse(np.allclose(series["agency_rate"][0].mean,
                                     series["agency_rate"][1].mean))

    def test_cost_chart_shows_the_bars_the_png_is_drawn_from(self):
        runs, labels, group, masks, _, fy_labels, kind = self.report_inputs()
        bars = figures.cost_bars(runs, labels, masks, fy_labels, kind)
        traces, layout = charts(self.page("interactive"))["costs.png"]
        self.assertEqual(layout["xaxis"]["ticktext"], bars.periods)
        for k, label in enumerate(labels):
            group_traces = [t for t in traces if t["legendgroup"] == f"run{k}"]
            stacked = [t for t in group_traces if t["type"] == "bar"]
            self.assertEqual([t["name"] for t in stacked], bars.components)
            for c, t in enumerate(stacked):
                np.testing.assert_array_equal(values(t["y"]), bars.stacks[k][c])
            total = next(t for t in group_traces if t.get("mode") == "markers")
            mean, lo, hi = bars.totals[k]
            np.testing.assert_array_equal(values(total["y"]), mean)
            np.testing.assert_allclose(values(total["error_y"]["array"]), hi - mean, rtol=1e-12)
            np.testing.assert_allclose(values(total["error_y"]["arrayminus"]), mean - lo,
                                       rtol=1e-12)
            # The same totals as the headline's and the PNG's: cost_totals.
            np.testing.assert_allclose(
                mean, figures.cost_totals(runs[k], masks[k], fy_labels, kind)["mean"], rtol=1e-12)
            # Components sum to the total (mean of sums = sum of means).
            np.testing.assert_allclose(bars.stacks[k].sum(axis=0), mean, rtol=1e-9)
        self.assertFalse(np.allclose(bars.totals[0][0], bars.totals[1][0]))

    def test_hover_shows_units_precision_and_interval(self):
        traces, _ = charts(self.page("interactive"))["agency_rate.png"]
        for t in (t for t in traces if "hovertemplate" in t):
            h = t["hovertemplate"]
            self.assertIn("%{x|%d %b %Y}", h)  # the week's date
            self.assertIn("%{y:.1f}%", h)  # value in %, one decimal
            self.assertIn("90% interval of the mean: %{customdata[0]:.1f}% to "
                          "%{customdata[1]:.1f}%", h)
            self.assertRegex(h, r"^<b>london_(competitive|pledge_2022)</b>")
        traces, _ = charts(self.page("interactive"))["costs.png"]
        bar = next(t for t in traces if t["type"] == "bar")
        self.assertIn("financial year %{customdata[0]}", bar["hovertemplate"])
        for period, value, total in bar["customdata"]:
            self.assertRegex(period, r"^\d{4}-\d\d$")
            self.assertRegex(value, r"^£[0-9.]+m$")
            # Three significant figures, with the interval's bounds.
            self.assertRegex(total, r"^£\d{3}m \[90% interval of the mean: \d{3} to \d{3}\]$")

    def test_a_legend_click_hides_or_shows_a_whole_scenario(self):
        for name, (traces, layout) in charts(self.page("interactive")).items():
            with self.subTest(chart=name):
                self.assertEqual(layout["legend"]["groupclick"], "togglegroup")
                groups = [t["legendgroup"] for t in traces]
                self.assertEqual(sorted(set(groups)), ["run0", "run1"])
                # Every trace of a group is the same scenario's.
                for g in ("run0", "run1"):
                    label = "london_competitive" if g == "run0" else "london_pledge_2022"
                    for t in (t for t in traces if t["legendgroup"] == g):
                        self.assertIn(label, t.get("hovertemplate") or t["name"])

    # -- without plotly ---------------------------------------------------
    def test_without_plotly_the_option_exits_2_naming_the_package(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "plotly.py").write_text(NO_PLOTLY)
            proc = run(*self.runs, "--out", Path(d) / "r", "--interactive", pythonpath=d)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn("python3-plotly", proc.stderr)
            self.assertIn("--interactive", proc.stderr)
            self.assertFalse((Path(d) / "r").exists())
            # Without the option the package does not need plotly.
            proc = run(*self.runs, "--out", Path(d) / "r", pythonpath=d)
            self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_help_describes_the_option(self):
        proc = run("--help")
        self.assertIn("--interactive", proc.stdout)
        self.assertIn("python3-plotly", proc.stdout)


@unittest.skipUnless(HAVE_PLOTLY, "plotly is not installed (Debian: python3-plotly)")
class InteractiveSweepReportTest(unittest.TestCase):
    def test_scatter_shows_each_runs_parameters_and_outcome(self):
        from pledgesim_analysis.sweep_report import Sweep
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            (d / "two.toml").write_text(
                (SOURCE_ROOT / "tests/common/two_authorities.toml").read_text())
            (d / "sweep.toml").write_text(SWEEP)
            proc = subprocess.run([binary(), "sweep", d / "sweep.toml", "--out", d / "s.h5",
                                   "-q"], capture_output=True, text=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            proc = run(d / "s.h5", "--out", d / "r", "--interactive")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            page = (d / "r" / "report.html").read_text(encoding="utf-8")
            static = run(d / "s.h5", "--out", d / "r0")
            self.assertEqual(static.returncode, 0, static.stderr)
            self.assertFalse("<script" in (d / "r0" / "report.html").read_text().lower())
            sweep = Sweep(d / "s.h5")
        self.assertEqual(page.count("* plotly.js v"), 1)
        plotted = list(charts(page).values())
        self.assertEqual(len(plotted), len(sweep.outcomes))  # one chart per outcome
        for (traces, layout), (name, (y, units)) in zip(plotted, sweep.outcomes.items()):
            self.assertIn(name, layout["title"]["text"])
            self.assertEqual(len(traces), len(sweep.parameters))
            for j, t in enumerate(traces):
                np.testing.assert_array_equal(values(t["x"]), sweep.values[sweep.point, j])
                np.testing.assert_array_equal(values(t["y"]), y)
                custom = np.array(t["customdata"], dtype=float)
                np.testing.assert_array_equal(custom[:, 0], sweep.point)
                np.testing.assert_array_equal(custom[:, 1], sweep.replication)
                np.testing.assert_array_equal(custom[:, 2:], sweep.values[sweep.point])
                for p in sweep.parameters:
                    self.assertIn(f"{p} = %{{customdata[", t["hovertemplate"])
                if units:
                    self.assertIn(f"%{{y:.4g}} {units}", t["hovertemplate"])
        self.assertEqual(len(set(sweep.replication)), 2)


if __name__ == "__main__":
    unittest.main()
