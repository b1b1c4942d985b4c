"""Tests of the report as a policy reader gets it (issue 17): levers and
settings that differ (the same keys as `pledgesim diff`), readable labels,
the caveat box, the tile map's key and joint-return note, no map for
employers that are not London boroughs, cost precision, axes that fit, year
ticks, and the options --years, --indicators, --region, --labels, --title.
Runs are small and made here (PLEDGESIM_BIN; ctest sets it).
"""

from __future__ import annotations

import csv
import io
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
from pledgesim_analysis import figures, read_run, scenario_diff  # noqa: E402
from pledgesim_analysis.tilemap import TILES, tile_key, tile_label  # noqa: E402

SCENARIOS = SOURCE_ROOT / "scenarios"

# Two councils outside London; the second adds a dated lever, changes a
# behaviour key and adds a region's own value (a key part that must be
# quoted), so the diff has keys only in B and a differing value.
NORTH_WEST = """name = "north_west_pair"
description = "Two north-west councils, no agreement"
start = 2017-10-01
years = 2
authorities = [
  { name = "Manchester", region = "North West", subregion = "Greater Manchester", inpost_fte = 100, vacancy_fte = 25, agency_fte = 20, caseload = 16 },
  { name = "Salford", region = "North West", subregion = "Greater Manchester", inpost_fte = 150, vacancy_fte = 30, agency_fte = 40, caseload = 15 },
]

[population]
nqsw_intake_per_year = 20

[behaviour]
search_rate_per_year = 0.15
"""
NORTH_WEST_LEVER = """include = "north_west.toml"
name = "north_west_cooling_off"
description = "The pair with a twelve-week cooling-off period for a year"

[behaviour]
search_rate_per_year = 0.2

[behaviour_by_region."North West"]
exit_rate_per_year = 0.05

[[policies]]
kind = "cooling_off"
scope = "region:North West"
start = 2018-04-01
end = 2019-04-01
weeks = 12
"""


def binary() -> str:
    b = os.environ.get("PLEDGESIM_BIN")
    if not b:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    return b


def pledgesim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def report(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pledgesim_analysis.report", *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})


class Page(HTMLParser):
    """The parts of report.html the tests read: rows of each table by class
    (cells as text), the data-key of the diff rows, the data-kind of the
    lever rows, and the page's text."""

    def __init__(self, text: str):
        super().__init__()
        self.tables: list[tuple[dict, list[list[str]]]] = []
        self.keys, self.kinds, self.text = [], [], []
        self._row = self._cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append((a, []))
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1][1].append(self._row)
            if "data-key" in a:
                self.keys.append(a["data-key"])
            if "data-kind" in a:
                self.kinds.append((self.tables[-1][0].get("data-label"), a["data-kind"]))
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, cls: str) -> list[list[str]]:
        return [r for a, rows in self.tables if a.get("class") == cls for r in rows[1:]]

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


class PolicyReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_policy_report_")
        d = Path(cls.tmp.name)
        (d / "north_west.toml").write_text(NORTH_WEST, encoding="utf-8")
        (d / "north_west_lever.toml").write_text(NORTH_WEST_LEVER, encoding="utf-8")
        cls.files = {
            "competitive": SCENARIOS / "london_competitive.toml",
            "pledge": SCENARIOS / "london_pledge_2022.toml",
            "nw": d / "north_west.toml",
            "nw_lever": d / "north_west_lever.toml",
        }
        cls.runs = {}
        for key, years in (("competitive", 3), ("pledge", 3), ("nw", 2), ("nw_lever", 2)):
            out = d / f"{key}.h5"
            proc = pledgesim("run", cls.files[key], "--years", years, "--seed", 2,
                             "--replications", 3, "-q", "--no-summary", "--out", out)
            if proc.returncode != 0:
                raise AssertionError(f"pledgesim run {cls.files[key]}: {proc.stderr}")
            cls.runs[key] = out
        cls.pages = {}
        cls.procs = {}
        for name, args in {
            "default": [cls.runs["competitive"], cls.runs["pledge"]],
            "options": [cls.runs["competitive"], cls.runs["pledge"], "--years", "2018-2019",
                        "--indicators", "agency_rate,total_cost_gbp", "--region", "Inner London",
                        "--labels", "No agreement,Pledge levers", "--title", "Caps in Inner London"],
            "north_west": [cls.runs["nw"], cls.runs["nw_lever"]],
        }.items():
            out = d / f"report_{name}"
            proc = report(*args, "--out", out)
            cls.procs[name] = proc
            if proc.returncode == 0:
                cls.pages[name] = (out, (out / "report.html").read_text(encoding="utf-8"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def page(self, name) -> tuple[Path, str, Page]:
        self.assertEqual(self.procs[name].returncode, 0, self.procs[name].stderr)
        out, text = self.pages[name]
        return out, text, Page(text)

    # -- what was compared ------------------------------------------------
    def test_levers_table_lists_each_policy_with_kind_scope_and_dates(self):
        _, _, page = self.page("default")
        rows = page.rows("levers")
        kinds = ["agency pay cap", "cooling off", "no poach", "harmonised pay",
                 "shared references"]
        self.assertEqual([r[0] for r in rows], kinds)
        for r in rows:
            self.assertEqual(r[1:4], ["region:London", "2017-10-01", "open-ended"])
        self.assertIn("weeks = 26", rows[1][4])
        self.assertIn("rate_gbp_per_hour.social_worker = 28.0", rows[0][4])
        # The baseline has none, and says so.
        self.assertIn("No policy levers", page.all_text)
        _, _, nw = self.page("north_west")
        self.assertEqual(nw.rows("levers"),
                         [["cooling off", "region:North West", "2018-04-01", "2019-04-01",
                           "weeks = 12"]])

    def test_labels_are_the_scenario_names_or_the_labels_given(self):
        _, text, page = self.page("default")
        headline = [a for a, rows in page.tables if a.get("class") == "headline"]
        self.assertEqual(len(headline), 1)
        self.assertIn("london_pledge_2022 − london_competitive", text)
        self.assertNotIn("pledge.h5 −", text)
        _, text, page = self.page("options")
        self.assertIn("<th>Pledge levers − No agreement</th>", text)
        self.assertNotIn("london_pledge_2022 −", text)
        self.assertIn("<h1>Caps in Inner London</h1>", text)
        self.assertIn("<title>Caps in Inner London</title>", text)

    def test_caveat_box_says_what_the_effects_rest_on_and_which_interval(self):
        _, text, page = self.page("default")
        self.assertIn('class="caveat"', text)
        start = text.index('class="caveat"')
        caveat = text[start:text.index("</div>", start)]
        for phrase in ("A model, not a forecast", "Calibration",
                       "Intervals are 90% Monte-Carlo intervals", "Paired comparison"):
            self.assertIn(phrase, caveat)
        self.assertNotIn("prediction interval", caveat)
        self.assertIsNone(re.search(r"see docs/", text), "the page must be self-contained")
        self.assertIn("Agency rate</b> = agency full-time equivalents", text)

    # -- where the scenarios differ ---------------------------------------
    def diff_cli(self, a, b) -> tuple[int, list[dict]]:
        proc = pledgesim("diff", a, b, "--format", "csv")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return proc.returncode, list(csv.DictReader(io.StringIO(proc.stdout)))

    def test_report_diff_lists_the_keys_of_pledgesim_diff(self):
        for page_name, a, b in (("default", "competitive", "pledge"),
                                ("north_west", "nw", "nw_lever")):
            with self.subTest(page=page_name):
                status, rows = self.diff_cli(self.files[a], self.files[b])
                self.assertEqual(status, 1)
                _, _, page = self.page(page_name)
                self.assertEqual(page.keys, [r["key"] for r in rows])
                self.assertGreater(len(rows), 3)
                cells = page.rows("diff")
                self.assertEqual([[c[1], c[2], c[3]] for c in cells],
                                 [[r["change"], r["a"] or "–", r["b"] or "–"] for r in rows])
        _, rows = self.diff_cli(self.files["nw"], self.files["nw_lever"])
        changes = {r["key"]: r["change"] for r in rows}
        self.assertEqual(changes["behaviour.search_rate_per_year"], "differs")
        self.assertEqual(changes["policies[0].end"], "only in B")
        self.assertEqual(changes["name"], "differs")
        self.assertEqual(changes['behaviour_by_region."North West".exit_rate_per_year'],
                         "only in B")

    def test_python_diff_matches_pledgesim_diff_from_the_run_files(self):
        """The report reads /scenario/text; run with other --years and
        --seed both runs change alike, so the differing keys are the same."""
        a, b = read_run(self.runs["nw"]), read_run(self.runs["nw_lever"])
        py = scenario_diff.diff(a.scenario_text, b.scenario_text)
        _, rows = self.diff_cli(self.files["nw"], self.files["nw_lever"])
        self.assertEqual([(d.key, d.change, d.a, d.b) for d in py],
                         [(r["key"], r["change"], r["a"], r["b"]) for r in rows])
        self.assertEqual(scenario_diff.diff(a.scenario_text, a.scenario_text), [])

    def test_pledgesim_diff_exit_status_and_formats(self):
        same = pledgesim("diff", self.files["pledge"], self.files["pledge"])
        self.assertEqual(same.returncode, 0, same.stderr)
        self.assertIn("The resolved scenarios are the same", same.stdout)
        text = pledgesim("diff", self.files["competitive"], self.files["pledge"])
        self.assertEqual(text.returncode, 1)
        self.assertRegex(text.stdout, r"policies\[1\]\.weeks\s+only in B\s+-\s+26")
        self.assertIn("keys differ.", text.stdout)
        md = pledgesim("diff", self.files["competitive"], self.files["pledge"], "--format",
                       "markdown")
        self.assertEqual(md.returncode, 1)
        self.assertIn("| `policies[0].kind` | only in B |  | `\"agency_pay_cap\"` |", md.stdout)
        missing = pledgesim("diff", self.files["pledge"], Path(self.tmp.name) / "none.toml")
        self.assertEqual(missing.returncode, 2)
        self.assertIn("none.toml", missing.stderr)
        bad = Path(self.tmp.name) / "bad.toml"
        bad.write_text('name = "bad"\nyears = "five"\n', encoding="utf-8")
        broken = pledgesim("diff", self.files["pledge"], bad)
        self.assertEqual(broken.returncode, 2)
        self.assertIn("bad.toml:2", broken.stderr)

    # -- the tile map -----------------------------------------------------
    def test_tile_key_lists_every_abbreviation_drawn_and_the_joint_return_once(self):
        _, text, page = self.page("default")
        run = read_run(self.runs["pledge"])
        drawn = {tile_label(n) for n in run.employer_names if n in TILES}
        key = page.rows("tile-key")
        shown = {row[i] for row in key for i in range(0, len(row), 2)}
        self.assertEqual(shown, drawn)
        self.assertIn("RIC/KIN", shown)
        self.assertEqual(text.count('class="joint-note"'), 1)
        self.assertEqual(page.all_text.count("make one joint return"), 1)
        # One key entry for the joint return, not one per square.
        joint = "Kingston upon Thames / Richmond upon Thames"
        self.assertEqual([k for k in tile_key([joint, "Merton"])],
                         [("RIC/KIN", joint), ("MRT", "Merton")])

    def test_no_map_and_a_sentence_where_employers_are_not_london_boroughs(self):
        out, text, page = self.page("north_west")
        self.assertEqual(list(out.glob("tilemap_*.png")), [])
        self.assertIn('id="no-map"', text)
        self.assertIn("none of the employers of all employers is a London borough",
                      page.all_text)
        self.assertNotIn('class="tile-key"', text)
        self.assertTrue((out / "borough_change_north_west_cooling_off.png").exists())

    # -- numbers and axes -------------------------------------------------
    def test_costs_to_three_significant_figures(self):
        self.assertEqual(figures.significant(19.437), "19.4")
        self.assertEqual(figures.significant(158.04), "158")
        self.assertEqual(figures.significant(1580.4), "1580")
        self.assertEqual(figures.significant(-0.023449), "-0.0234")
        _, _, page = self.page("north_west")
        row = next(r for r in page.rows("headline") if r[0].startswith("total cost"))
        a, b = (float(c.split()[0]) for c in row[1:3])
        self.assertLess(abs(a - b), 1.0, "the runs' totals should differ by less than £1m")
        self.assertNotEqual(row[1].split()[0], row[2].split()[0])
        for cell in row[1:3]:
            self.assertRegex(cell.split()[0], r"^\d{2}\.\d$")  # e.g. 19.7, not 20

    def test_cost_axis_holds_every_interval_and_total(self):
        runs = [read_run(self.runs["competitive"]), read_run(self.runs["pledge"])]
        masks = [np.ones(len(r.employers), dtype=bool) for r in runs]
        with tempfile.TemporaryDirectory() as d:
            ylim, top = figures.annual_costs(runs, ["A", "B"], masks, Path(d) / "c.png", "all")
        highest = max(figures.cost_totals(r, m)["hi"].max() for r, m in zip(runs, masks))
        self.assertAlmostEqual(top, highest, places=9)
        self.assertGreater(ylim, 1.1 * highest)

    def test_axis_fits_the_bulk_not_one_very_uncertain_borough(self):
        rng = np.random.default_rng(1)
        mean = rng.normal(-10, 1, 32)
        lo, hi = mean - 2, mean + 2
        lo[5], hi[5], mean[5] = -200.0, 100.0, -50.0
        limit = figures.axis_limit(mean, lo, hi)
        self.assertLess(limit, 20)
        self.assertGreater(limit, abs(mean[np.arange(32) != 5]).max())
        others = np.abs(np.concatenate([np.delete(lo, 5), np.delete(hi, 5)]))
        self.assertGreaterEqual((others <= limit).mean(), 0.9)

    def test_time_axes_are_ticked_in_years(self):
        import matplotlib.pyplot as plt
        import pandas as pd

        def tick_labels(years_only):
            fig, ax = plt.subplots(figsize=(9, 4.5))
            dates = pd.date_range("2017-10-01", "2019-09-29", freq="7D")
            ax.plot(dates, np.arange(len(dates)))
            if years_only:
                figures.year_axis(ax)
            fig.canvas.draw()
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            plt.close(fig)
            return labels

        # Two years of weeks: matplotlib's own ticks are months (2018-01).
        self.assertTrue(any(re.match(r"^\d{4}-\d\d$", t) for t in tick_labels(False)))
        labels = tick_labels(True)
        self.assertTrue(labels)
        for label in labels:
            self.assertRegex(label, r"^20\d\d$")

    # -- options ----------------------------------------------------------
    def test_options_change_what_is_shown(self):
        out_d, text_d, page_d = self.page("default")
        out_o, text_o, page_o = self.page("options")
        # --indicators: only the agency rate chart and the costs.
        self.assertEqual(sorted(p.name for p in out_o.glob("*_rate.png")), ["agency_rate.png"])
        self.assertTrue((out_o / "costs.png").exists())
        self.assertEqual(len(list(out_d.glob("*_rate.png"))), 3)
        heads_o = [r[0] for r in page_o.rows("headline")]
        self.assertEqual(heads_o, ["agency rate %, year to 30 Sep 2019",
                                   "total cost £m, financial year 2018-19"])
        # --years: the default shows the last whole year, 2020.
        heads_d = [r[0] for r in page_d.rows("headline")]
        self.assertIn("agency rate %, year to 30 Sep 2020", heads_d)
        self.assertIn("total cost £m, financial year 2019-20", heads_d)
        # --region: Inner London's boroughs only, on the key and in the headline.
        self.assertIn("Headline: Inner London", page_o.all_text)
        self.assertIn("Headline: London", page_d.all_text)
        run = read_run(self.runs["pledge"])
        inner = run.employers[run.employers.inner_london == 1].name
        key_o = {row[i + 1] for row in page_o.rows("tile-key") for i in range(0, len(row), 2)}
        self.assertEqual(key_o, set(inner))
        self.assertLess(len(key_o), len({row[1] for row in page_d.rows("tile-key")}) * 2)

    def test_bad_options_exit_2_with_a_message(self):
        base, pledge = self.runs["competitive"], self.runs["pledge"]
        with tempfile.TemporaryDirectory() as d:
            for args, message in (
                    (["--region", "Atlantis"],
                     "no employer in region or subregion 'Atlantis'"),
                    (["--years", "2030-2031"], "no whole year to 30 September in --years"),
                    (["--years", "2020-2018"], "expected FROM-TO"),
                    (["--indicators", "happiness"], "unknown indicator 'happiness'"),
                    (["--labels", "only one"], "--labels has 1 label(s) for 2 run files")):
                with self.subTest(args=args):
                    proc = report(base, pledge, *args, "--out", Path(d) / "r")
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertIn(message, proc.stderr)
                    self.assertFalse((Path(d) / "r" / "report.html").exists())

    def test_a_sweep_file_goes_to_the_sweep_report(self):
        import h5py
        import importlib.util
        sweep = Path(self.tmp.name) / "sweep.h5"
        with h5py.File(sweep, "w") as f:
            f.attrs["format"] = "pledgesim-sweep"
        with tempfile.TemporaryDirectory() as d:
            proc = report(sweep, self.runs["pledge"], "--out", Path(d) / "r")
            self.assertEqual(proc.returncode, 2)
            self.assertIn("is a sweep file: give it alone", proc.stderr)
            if importlib.util.find_spec("pledgesim_analysis.sweep_report") is not None:
                self.skipTest("pledgesim_analysis.sweep_report is installed: its own tests "
                              "cover sweep files")
            proc = report(sweep, "--out", Path(d) / "r")
            self.assertEqual(proc.returncode, 2)
            self.assertIn("this installation has no sweep report", proc.stderr)

    def test_help_describes_every_option(self):
        proc = report("--help")
        self.assertEqual(proc.returncode, 0)
        for option in ("--region", "--years", "--indicators", "--labels", "--title"):
            self.assertIn(option, proc.stdout)


if __name__ == "__main__":
    unittest.main()
