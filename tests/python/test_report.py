"""Tests of the report command (analysis/pledgesim_analysis/report.py), its
figures and tile map, and of the Python metrics against `pledgesim
summarize`, on small runs the test makes itself (PLEDGESIM_BIN; ctest sets it).
"""

from __future__ import annotations

import base64
import csv
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
if importlib.util.find_spec("pledgesim_analysis") is None:
    sys.path.insert(0, str(SOURCE_ROOT / "analysis"))
from pledgesim_analysis import metrics, read_run, report  # noqa: E402
from pledgesim_analysis.stats import (  # noqa: E402
    mean_interval, prediction_interval, t_quantile)
from pledgesim_analysis.tilemap import TILES  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def binary() -> str:
    b = os.environ.get("PLEDGESIM_BIN")
    if not b:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    return b


def run_pledgesim(*args) -> subprocess.CompletedProcess:
    return subprocess.run([binary(), *args], capture_output=True, text=True, timeout=300)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_report_test_")
        d = Path(cls.tmp.name)
        cls.base, cls.pledge, cls.short = d / "base.h5", d / "pledge.h5", d / "short.h5"
        common = ["--years", "2", "--seed", "2", "--replications", "3", "-q", "--no-summary"]
        for args in (["run", *common, "--out", str(cls.base)],
                     ["run", str(SOURCE_ROOT / "scenarios" / "london_pledge_2022.toml"), *common,
                      "--out", str(cls.pledge)],
                     ["run", "--years", "1", "--seed", "2", "-q", "--no-summary", "--out",
                      str(cls.short)]):
            proc = run_pledgesim(*args)
            if proc.returncode != 0:
                raise AssertionError(f"pledgesim {' '.join(args)}: {proc.stderr}")
        cls.out = d / "report"
        proc = subprocess.run(
            [sys.executable, "-m", "pledgesim_analysis.report", str(cls.base), str(cls.pledge),
             "--out", str(cls.out)], capture_output=True, text=True, timeout=300,
            env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
        cls.proc = proc

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exits_zero(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        self.assertEqual(self.proc.stdout.strip(), str(self.out / "report.html"))

    def test_every_figure_is_written_and_embedded(self):
        expected = ["agency_rate.png", "turnover_rate.png", "vacancy_rate.png", "costs.png",
                    "borough_change_london_pledge_2022.png", "tilemap_london_pledge_2022.png"]
        pngs = sorted(p.name for p in self.out.glob("*.png"))
        self.assertEqual(pngs, sorted(expected))
        html = (self.out / "report.html").read_text(encoding="utf-8")
        self.assertNotIn('src="http', html)  # self-contained
        for name in expected:
            with self.subTest(figure=name):
                data = (self.out / name).read_bytes()
                self.assertGreater(len(data), 5000)
                self.assertTrue(data.startswith(PNG_SIGNATURE))
                self.assertIn(f'data-file="{name}"', html)
                self.assertIn(base64.b64encode(data).decode("ascii"), html)

    def test_headline_table(self):
        html = (self.out / "report.html").read_text(encoding="utf-8")
        self.assertIn("Headline: London", html)
        self.assertIn("agency rate %, year to 30 Sep 2019", html)
        self.assertIn("london_pledge_2022 − london_baseline", html)

    def test_refuses_other_calendars(self):
        with tempfile.TemporaryDirectory() as d:
            proc = subprocess.run(
                [sys.executable, "-m", "pledgesim_analysis.report", str(self.base),
                 str(self.short), "--out", d], capture_output=True, text=True, timeout=300,
                env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
        self.assertEqual(proc.returncode, 2)
        self.assertIn("calendars do not match", proc.stderr)

    def test_metrics_agree_with_pledgesim_summarize(self):
        proc = run_pledgesim("summarize", str(self.base), "--by", "authority", "--format", "csv",
                             "--indicator", "agency_rate", "--indicator", "turnover_rate",
                             "--indicator", "vacancy_rate")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        run = read_run(self.base)
        rates = metrics.annual_rates(run)
        labels = [p.label for p in rates["periods"]]
        checked = 0
        for row in rows:
            if row["level"] != "authority":
                continue
            y, g = labels.index(row["period"]), rates["groups"].index(row["group"])
            mean, lo, hi = mean_interval(rates[row["indicator"]][:, y, g])
            self.assertAlmostEqual(mean, float(row["mean"]), places=9)
            self.assertAlmostEqual(lo, float(row["lo90"]), places=7)
            self.assertAlmostEqual(hi, float(row["hi90"]), places=7)
            checked += 1
        self.assertEqual(checked, 3 * len(labels) * len(run.employers))

    def test_weekly_rates_at_the_snapshot_equal_the_annual_ones(self):
        run = read_run(self.base)
        name, mask = metrics.headline_group(run)
        weekly = metrics.weekly_rates(run, mask)
        annual = metrics.annual_rates(run, {name: mask})
        for y, p in enumerate(annual["periods"]):
            np.testing.assert_allclose(weekly["agency_rate"][:, p.last],
                                       annual["agency_rate"][:, y, 0])


class ParametersTest(unittest.TestCase):
    """Runs with ``--parameters``: the reader's parameters, prediction
    intervals equal to `pledgesim summarize`'s, and the report's refusal of
    runs whose paired replications ran different parameters."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_parameters_test_")
        d = Path(cls.tmp.name)
        cls.ensemble = d / "ens.csv"
        cls.ensemble.write_text("weight,behaviour_by_region.London.exit_rate_per_year\n"
                                "1,0.04\n1,0.05\n1,0.06\n", encoding="utf-8")
        cls.base, cls.pledge, cls.plain = d / "base.h5", d / "pledge.h5", d / "plain.h5"
        common = ["--years", "1", "--seed", "3", "--replications", "3", "-q", "--no-summary"]
        pledge = str(SOURCE_ROOT / "scenarios" / "london_pledge_2022.toml")
        for args in (["run", *common, "--parameters", str(cls.ensemble), "--out", str(cls.base)],
                     ["run", pledge, *common, "--parameters", str(cls.ensemble), "--out",
                      str(cls.pledge)],
                     ["run", pledge, *common, "--out", str(cls.plain)]):
            proc = run_pledgesim(*args)
            if proc.returncode != 0:
                raise AssertionError(f"pledgesim {' '.join(args)}: {proc.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def report(self, *args):
        with tempfile.TemporaryDirectory() as d:
            proc = subprocess.run(
                [sys.executable, "-m", "pledgesim_analysis.report", *map(str, args), "--out", d],
                capture_output=True, text=True, timeout=300,
                env={**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")})
            html = (Path(d) / "report.html").read_text(encoding="utf-8") \
                if proc.returncode == 0 else ""
        return proc, html

    def test_reader_gives_each_replications_values(self):
        run = read_run(self.base)
        self.assertTrue(run.has_parameters)
        self.assertEqual(run.parameter_keys, ("behaviour_by_region.London.exit_rate_per_year",))
        self.assertEqual(run.parameter_source, str(self.ensemble))
        frame = run.parameter_frame()
        self.assertEqual(frame.iloc[:, 0].tolist(), [0.04, 0.05, 0.06])
        self.assertFalse(read_run(self.plain).has_parameters)

    def test_prediction_intervals_agree_with_pledgesim_summarize(self):
        proc = run_pledgesim("summarize", str(self.base), "--by", "authority", "--format", "csv",
                             "--indicator", "agency_rate")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        self.assertIn("pi90_lo", rows[0])  # the default for a run with parameters
        rates = metrics.annual_rates(read_run(self.base))
        labels = [p.label for p in rates["periods"]]
        checked = 0
        for row in rows:
            if row["level"] != "authority":
                continue
            y, g = labels.index(row["period"]), rates["groups"].index(row["group"])
            mean, lo, hi = prediction_interval(rates["agency_rate"][:, y, g])
            self.assertAlmostEqual(lo, float(row["pi90_lo"]), places=7)
            self.assertAlmostEqual(hi, float(row["pi90_hi"]), places=7)
            checked += 1
        self.assertGreater(checked, 30)

    def test_report_defaults_to_prediction_intervals(self):
        proc, html = self.report(self.base, self.pledge)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("90% prediction interval (parameters and chance)", html)
        # The caveat box says so, and what it means, in words.
        self.assertIn("Intervals are 90% prediction intervals.</b> Each replication runs one "
                      "set of parameter values drawn from the calibration's ensemble", html)
        self.assertNotIn("Monte-Carlo", html)
        proc, html = self.report(self.base, self.pledge, "--interval", "mean")
        self.assertIn("90% confidence interval of the mean (the average over", html)
        self.assertIn("Intervals are 90% confidence intervals of the mean over a parameter "
                      "ensemble.", html)

    def test_report_refuses_runs_on_different_parameters(self):
        proc, _ = self.report(self.base, self.plain)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("paired replications ran different parameters", proc.stderr)
        self.assertIn("--allow-different-parameters", proc.stderr)
        proc, _ = self.report(self.base, self.plain, "--allow-different-parameters")
        self.assertEqual(proc.returncode, 0, proc.stderr)


class StatsAndTilesTest(unittest.TestCase):
    def test_t_quantiles(self):
        self.assertAlmostEqual(t_quantile(0.95, 1), 6.313751515, places=7)
        self.assertAlmostEqual(t_quantile(0.95, 4), 2.131846786, places=7)
        self.assertAlmostEqual(t_quantile(0.05, 9), -1.833112933, places=7)

    def test_mean_interval_known_variance(self):
        mean, lo, hi = mean_interval(np.array([2, 4, 4, 4, 5, 5, 7, 9.0]))
        half = 1.894578605 * np.sqrt(32 / 7) / np.sqrt(8)
        self.assertAlmostEqual(float(mean), 5.0)
        self.assertAlmostEqual(float(hi - mean), half, places=7)
        self.assertTrue(np.isnan(mean_interval(np.array([1.0]))[1]))

    def test_prediction_interval_formula(self):
        x = np.array([2, 4, 4, 4, 5, 5, 7, 9.0])
        mean, lo, hi = prediction_interval(x)
        half = 1.894578605 * np.sqrt(32 / 7) * np.sqrt(1 + 1 / 8)
        self.assertAlmostEqual(float(hi - mean), half, places=7)
        self.assertAlmostEqual(float(mean - lo), half, places=7)
        _, mlo, mhi = mean_interval(x)
        self.assertLess(float(lo), float(mlo))
        self.assertGreater(float(hi), float(mhi))
        self.assertTrue(np.isnan(prediction_interval(np.array([1.0]))[1]))

    def test_every_london_authority_of_the_baseline_has_a_tile(self):
        text = (SOURCE_ROOT / "scenarios" / "london_baseline.toml").read_text(encoding="utf-8")
        authorities = tomllib.loads(text)["authorities"]
        london = [a["name"] for a in authorities if a.get("region") == "London"]
        self.assertGreaterEqual(len(london), 32)
        self.assertEqual([n for n in london if n not in TILES], [])
        squares = [sq[:2] for n, v in TILES.items() if "/" not in n for sq in v]
        self.assertEqual(len(squares), len(set(squares)), "two boroughs share a square")


if __name__ == "__main__":
    unittest.main()
