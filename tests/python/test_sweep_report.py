"""Tests of the sweep report (analysis/pledgesim_analysis/sweep_report.py) on
small Morris, Sobol and csv sweeps the test runs itself (PLEDGESIM_BIN; ctest
sets it): bar charts of the stored indices, scatter panels, the warning
exactly when the design is too small, and an unfinished sweep's message.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
if importlib.util.find_spec("pledgesim_analysis") is None:
    sys.path.insert(0, str(SOURCE_ROOT / "analysis"))
from pledgesim_analysis import sweep_report  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

COMMON = Path(__file__).resolve().parents[1] / "common"
SCENARIO = (COMMON / "two_authorities.toml").read_text()
PARAMETERS = (COMMON / "sweep_parameters.toml").read_text()

OUTCOMES = ["agency_rate.London.2018", "leavers.all.2018"]


def binary() -> str:
    b = os.environ.get("PLEDGESIM_BIN")
    if not b:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    return b


def pledgesim(*args, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"pledgesim {' '.join(map(str, args))}: {proc.stderr}")
    return proc


def figures(page: str, kind: str) -> list[bytes]:
    """The PNG images of the figures of class `kind` in the page."""
    return [base64.b64decode(data) for data in re.findall(
        rf'<figure class="{kind}"><img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)]


class SweepReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_sweep_report_test_")
        d = Path(cls.tmp.name)
        (d / "two.toml").write_text(SCENARIO)
        (d / "points.csv").write_text("behaviour.exit_rate_per_year,policies[0].weeks\n"
                                      "0.05,0\n0.1,13\n0.07,26\n")
        designs = {  # name: (design lines, whether `pledgesim sensitivity` runs on it)
            "morris_small": ('design = "morris"\nsamples = 3', True),
            "morris_enough": ('design = "morris"\nsamples = 10', True),
            "sobol_small": ('design = "saltelli"\nsamples = 8', True),
            "sobol_enough": ('design = "saltelli"\nsamples = 64', True),
            "sobol_pending": ('design = "saltelli"\nsamples = 4', False),
            "csv": ('design = "csv"\ndesign_file = "points.csv"', False),
            "lhs": ('design = "latin_hypercube"\nsamples = 24', True),
        }
        cls.files = {}
        for name, (design, indices) in designs.items():
            parameters = PARAMETERS
            if name == "csv":  # the file gives the points; no range needed
                parameters = re.sub(r"\nm(in|ax) = [0-9.]+", "", PARAMETERS)
            sweep = d / f"{name}.toml"
            sweep.write_text(f'scenario = "two.toml"\nseed = 2\n{design}\n{parameters}')
            out = d / f"{name}.h5"
            pledgesim("sweep", sweep, "--out", out, "--quiet")
            if indices:
                pledgesim("sensitivity", out, "--bootstrap", "50")
            cls.files[name] = out
        cls.unfinished_sweep = d / "morris_small.toml"
        cls.unfinished = d / "unfinished.h5"
        pledgesim("sweep", cls.unfinished_sweep, "--out", cls.unfinished, "--quiet",
                  "--max-runs", "4")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    pages: dict = {}  # name: page with the default options (drawn once)

    def report(self, name: str, **options) -> str:
        if not options and name in self.pages:
            return self.pages[name]
        out = Path(self.tmp.name) / f"report_{name}{'_options' if options else ''}"
        path = sweep_report.write_sweep_report(self.files[name], out, **options)
        self.assertEqual(path, out / "report.html")
        self.assertEqual(sorted(p.name for p in out.iterdir()), ["report.html"])
        page = path.read_text(encoding="utf-8")
        if not options:
            self.pages[name] = page
        return page

    def assert_self_contained(self, page: str):
        self.assertNotIn("<script", page)
        for src in re.findall(r'src="([^"]*)"', page):
            self.assertTrue(src.startswith("data:image/png;base64,"), src[:40])
        for kind in ("indices", "scatter"):
            for png in figures(page, kind):
                self.assertTrue(png.startswith(PNG_SIGNATURE))

    def test_morris_report_has_bars_scatter_and_the_warning_only_when_small(self):
        for name, small in (("morris_small", True), ("morris_enough", False)):
            with self.subTest(name):
                page = self.report(name)
                self.assert_self_contained(page)
                self.assertEqual(len(figures(page, "indices")), len(OUTCOMES))
                self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
                self.assertIn("Morris elementary effects of agency_rate.London.2018: μ* and σ",
                              page)
                self.assertIn("against each parameter: one panel per parameter", page)
                self.assertEqual('id="small-design"' in page, small)
                if small:
                    self.assertIn("3 trajectories are too few for Morris effects", page)
                self.assertIn("morris; 9 points" if small else "morris; 30 points", page)

    def test_sobol_report_has_bars_with_intervals_and_the_warning_only_when_small(self):
        for name, small in (("sobol_small", True), ("sobol_enough", False)):
            with self.subTest(name):
                page = self.report(name)
                self.assert_self_contained(page)
                self.assertEqual(len(figures(page, "indices")), len(OUTCOMES))
                self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
                self.assertIn("Sobol indices of leavers.all.2018, with 90% bootstrap intervals",
                              page)
                self.assertEqual('id="small-design"' in page, small)
                if small:
                    self.assertIn("8 base samples are too few for Sobol indices", page)
                samples = 8 if small else 64
                self.assertIn(f"{samples * 4} done of {samples * 4} planned", page)

    def test_what_was_swept(self):
        page = self.report("sobol_small")
        self.assertIn("<td>behaviour.exit_rate_per_year</td><td>range [0.04, 0.12]</td>", page)
        self.assertIn("<td>policies[0].weeks</td><td>range [0, 26]</td>", page)
        self.assertIn("saltelli; 32 points from 8 base samples", page)
        self.assertIn("two.toml", page)
        self.assertIn("<h1>pledgesim sweep: ", page)
        titled = self.report("sobol_small", title="Pledge levers <2022>")
        self.assertIn("<h1>Pledge levers &lt;2022&gt;</h1>", titled)
        self.assertNotIn("<h1>pledgesim sweep: ", titled)

    def test_without_stored_indices_it_says_how_to_compute_them(self):
        page = self.report("sobol_pending")
        self.assertEqual(figures(page, "indices"), [])
        self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
        self.assertIn(f"run <code>pledgesim sensitivity {self.files['sobol_pending']}</code>", page)
        self.assertIn('id="small-design"', page)  # 4 base samples: the design is small anyway

    def test_csv_design_of_too_few_points_gets_scatter_panels_and_says_why_no_measures(self):
        page = self.report("csv")
        self.assert_self_contained(page)
        self.assertEqual(figures(page, "indices"), [])
        self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
        self.assertIn("A csv design has no set layout, so its measures come from regressions", page)
        self.assertIn("3 points are too few for 2 varying parameters: regression measures need "
                      "at least 4", page)
        self.assertIn('id="small-design"', page)
        # `pledgesim sensitivity` would refuse it: the page does not send the reader there.
        self.assertNotIn("No indices stored", page)
        self.assertIn("no range (values from the design file)", page)
        self.assertIn("3 distinct, 0.05 to 0.1", page)

    def test_latin_hypercube_gets_regression_bars_with_the_fits_r2(self):
        page = self.report("lhs")
        self.assert_self_contained(page)
        self.assertEqual(len(figures(page, "indices")), len(OUTCOMES))
        self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
        self.assertNotIn('id="small-design"', page)  # 24 points for 2 parameters
        with h5py.File(self.files["lhs"], "r") as f:
            g = f["sensitivity/leavers.all.2018"]
            self.assertEqual(g.attrs["method"], "regression")
            r2 = float(g.attrs["r_squared"])
        self.assertIn("Regression measures of leavers.all.2018: standardised regression "
                      f"coefficients (SRC; the linear fit explains {100 * r2:.0f}% of the "
                      "variance) and partial rank correlation coefficients (PRCC), with 90% "
                      "bootstrap intervals", page)

    def test_format_2_coordinates_beside_the_outcomes_are_not_outcomes(self):
        # Sweep format 2 writes, inside /outcomes, the dimension `run` and
        # copies of the /runs columns as its coordinates: not outcomes.
        with h5py.File(self.files["morris_small"], "r") as f:
            self.assertEqual(int(f.attrs["format_version"]), 2)
            beside = set(f["outcomes"]) - set(OUTCOMES)
        self.assertIn("run", beside)
        self.assertIn("behaviour.exit_rate_per_year", beside)
        page = self.report("morris_small")
        self.assertEqual(len(figures(page, "scatter")), len(OUTCOMES))
        self.assertEqual(len(figures(page, "indices")), len(OUTCOMES))
        self.assertNotIn("behaviour.exit_rate_per_year against each parameter", page)
        self.assertNotIn("run against each parameter", page)

    def test_outcomes_option_picks_outcomes_and_refuses_unknown_ones(self):
        page = self.report("morris_small", outcomes=["leavers.all.2018"])
        self.assertEqual(len(figures(page, "scatter")), 1)
        self.assertEqual(len(figures(page, "indices")), 1)
        with self.assertRaisesRegex(ValueError, "no outcome agency_rate.Londn.2018"):
            self.report("morris_small", outcomes=["agency_rate.Londn.2018"])

    def test_an_unfinished_sweep_says_how_far_it_got_as_sensitivity_does(self):
        with self.assertRaises(sweep_report.UnfinishedSweep) as caught:
            sweep_report.write_sweep_report(self.unfinished, Path(self.tmp.name) / "unfinished")
        message = str(caught.exception)
        self.assertIn("no such file yet: an unfinished sweep, 4 of 9 runs done", message)
        self.assertIn(f"run `pledgesim sweep {self.unfinished_sweep} --out {self.unfinished}` "
                      "again to continue", message)
        # The same words as `pledgesim sensitivity` on the same file.
        proc = pledgesim("sensitivity", self.unfinished, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(message.split(": ", 1)[1], proc.stderr)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            status = sweep_report.main([str(self.unfinished), "--out",
                                        str(Path(self.tmp.name) / "unfinished")])
        self.assertEqual(status, 2)
        self.assertIn("4 of 9 runs done", stderr.getvalue())
        self.assertFalse((Path(self.tmp.name) / "unfinished").exists())

    def test_command_line(self):
        out = Path(self.tmp.name) / "cli"
        command = [sys.executable, "-m", "pledgesim_analysis.sweep_report",
                   str(self.files["morris_small"]), "--out", str(out)]
        env = {**os.environ, "PYTHONPATH": str(SOURCE_ROOT / "analysis")}
        first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(first.returncode, 0, first.stderr)
        self.assertEqual(first.stdout.strip(), str(out / "report.html"))
        again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(again.returncode, 2)
        self.assertIn("exists; use --force", again.stderr)
        missing = subprocess.run(command[:3] + [str(out / "none.h5"), "--out", str(out / "x")],
                                 capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(missing.returncode, 2)
        self.assertIn("none.h5: no such file", missing.stderr)


if __name__ == "__main__":
    unittest.main()
