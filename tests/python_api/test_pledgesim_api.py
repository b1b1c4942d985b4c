"""Tests of the Python package ``pledgesim`` (app/python, docs/python.md).

Run under ctest, or by hand from the source root after a build:

    PLEDGESIM_BIN=build/release/app/pledgesim PLEDGESIM_BUILD_DIR=build/release \\
    PYTHONPATH=build/release/python:analysis /usr/bin/python3 -m unittest \\
        discover -s tests/python_api -v

Each test would fail if its rule were wrong: an in-memory run equals the
program's file bit for bit, its tables equal the program's CSV, errors carry
the program's lines, the GIL is free during a run, and Ctrl-C stops it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import pledgesim
from pledgesim import Scenario, ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("PLEDGESIM_BIN", str(ROOT / "build/release/app/pledgesim"))
BUILD = Path(os.environ.get("PLEDGESIM_BUILD_DIR", str(ROOT / "build/release")))
COMPETITIVE = ROOT / "scenarios/london_competitive.toml"
PLEDGE = ROOT / "scenarios/london_pledge_2022.toml"
YEARS = 1
SEED = 5


def program(*args: str, cwd: str | None = None) -> str:
    done = subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd)
    if done.returncode != 0:
        raise AssertionError(f"pledgesim {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


class _Files(unittest.TestCase):
    """Run files written by the program, once for the class."""

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls._tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def file_run(self, scenario: Path, name: str, replications: int = 1) -> Path:
        out = self.dir / f"{name}.h5"
        if not out.exists():
            program("run", str(scenario), "--years", str(YEARS), "--seed", str(SEED),
                    "--replications", str(replications), "--out", str(out), "--quiet",
                    "--no-summary")
        return out


class RunInMemory(_Files):
    def test_dataset_dimensions_coordinates_and_units(self):
        ds = pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, replications=2)
        self.assertIsInstance(ds, xr.Dataset)
        agency = ds["agency_fte"]
        self.assertEqual(agency.dims, ("replication", "week", "employer"))
        self.assertEqual(agency.sizes["replication"], 2)
        self.assertEqual(agency.attrs["units"], "FTE")
        self.assertTrue(agency.attrs["description"])
        self.assertTrue(np.issubdtype(ds["date"].dtype, np.datetime64))
        scenario = Scenario.from_file(COMPETITIVE, {"years": YEARS, "seed": SEED})
        self.assertEqual(ds.attrs["scenario_name"], scenario.name)
        self.assertIn("London", set(ds["region"].values.astype(str)))
        self.assertEqual(agency.sizes["week"], len(ds["date"]))

    def test_equals_the_program_file_bit_for_bit(self):
        for replications in (1, 3):
            with self.subTest(replications=replications):
                memory = pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED,
                                       replications=replications)
                path = self.file_run(COMPETITIVE, f"competitive{replications}", replications)
                on_disk = pledgesim.open_run(path)
                names = [n for n in on_disk.data_vars
                         if set(on_disk[n].dims) == {"replication", "week", "employer"}]
                self.assertGreater(len(names), 10)
                for name in names:
                    a = memory[name].transpose("replication", "week", "employer").values
                    b = on_disk[name].transpose("replication", "week", "employer").values
                    np.testing.assert_array_equal(a, b, err_msg=name)
                np.testing.assert_array_equal(memory["seed"].values, on_disk["seed"].values)
                np.testing.assert_array_equal(memory["date"].values, on_disk["date"].values)

    def test_events_equal_the_program_files_events(self):
        series, events = pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, events=True)
        out = self.dir / "competitive_events.h5"
        program("run", str(COMPETITIVE), "--years", str(YEARS), "--seed", str(SEED), "--events",
                "--out", str(out), "--quiet", "--no-summary")
        on_disk = pledgesim.open_run(out, group="events")
        self.assertGreater(events.sizes["event"], 1000)
        # Every column, coordinate, dtype and attribute but the creation time.
        for ds in (events, on_disk):
            ds.attrs.pop("created_utc")
        xr.testing.assert_identical(events, on_disk)
        for name in on_disk.variables:
            self.assertEqual(events[name].dtype, on_disk[name].dtype, name)
        # Recording events leaves the series as they are without them.
        np.testing.assert_array_equal(
            series["agency_fte"].values,
            pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED)["agency_fte"].values)
        with self.assertRaisesRegex(ValueError, "one replication only"):
            pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, replications=2, events=True)

    def test_parameter_ensemble_as_run_parameters(self):
        ensemble = ROOT / "scenarios/calibration/london_fit.ensemble.csv"
        history = ROOT / "scenarios/london_history.toml"
        memory = pledgesim.run(history, years=YEARS, seed=SEED, replications=3,
                               parameters=ensemble)
        out = self.dir / "history_parameters.h5"
        program("run", str(history), "--years", str(YEARS), "--seed", str(SEED),
                "--replications", "3", "--parameters", str(ensemble), "--out", str(out),
                "--quiet", "--no-summary")
        on_disk = pledgesim.open_run(out)
        np.testing.assert_array_equal(memory["parameter_values"].values,
                                      on_disk["parameter_values"].values)
        np.testing.assert_array_equal(memory["agency_fte"].values, on_disk["agency_fte"].values)
        # Replication r ran set r of the file (some sets repeat: a posterior sample).
        sets = pd.read_csv(ensemble, comment="#", float_precision="round_trip").drop(columns="weight")
        np.testing.assert_array_equal(memory["parameter_values"].values,
                                      sets[list(memory["parameter"].values)].values[:3])
        self.assertEqual(memory["parameter_set"].values.tolist(), [0, 1, 2])
        # With an ensemble the summary defaults to prediction intervals, as the program's.
        self.assertIn("pi90_lo", pledgesim.summarize(memory).columns)

    def test_same_result_for_any_thread_count(self):
        one = pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, replications=2, threads=1)
        two = pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, replications=2, threads=2)
        # Everything but the creation time (the runs may straddle a second).
        for ds in (one, two):
            self.assertRegex(ds.attrs.pop("created_utc"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        xr.testing.assert_identical(one, two)

    def test_seed_changes_the_draws(self):
        a = pledgesim.run(COMPETITIVE, years=YEARS, seed=1)
        b = pledgesim.run(COMPETITIVE, years=YEARS, seed=2)
        self.assertFalse(np.array_equal(a["leavers"].values, b["leavers"].values))

    def test_bad_settings_raise(self):
        with self.assertRaises(ValueError):
            pledgesim.run(COMPETITIVE, replications=0)
        with self.assertRaises(TypeError):
            pledgesim.run(42)


class Scenarios(unittest.TestCase):
    def test_file_string_and_dict_resolve_alike(self):
        from_file = Scenario.from_file(COMPETITIVE)
        from_text = Scenario.from_toml(COMPETITIVE.read_text(), name=str(COMPETITIVE))
        self.assertEqual(from_file.toml, from_text.toml)
        as_dict = from_file.to_dict()
        self.assertIsInstance(as_dict["start"], dt.date)
        self.assertEqual(Scenario.from_dict(as_dict).toml, from_file.toml)

    def test_overrides_as_set_gives_them(self):
        s = Scenario.from_file(COMPETITIVE).with_overrides(
            {"behaviour.exit_rate_per_year": 0.125}, years=2)
        self.assertEqual(s.years, 2)
        self.assertEqual(s.to_dict()["behaviour"]["exit_rate_per_year"], 0.125)
        base = Scenario.from_file(COMPETITIVE)
        self.assertNotEqual(base.to_dict()["behaviour"]["exit_rate_per_year"], 0.125)

    def test_errors_carry_the_programs_lines(self):
        text = 'name = "bad"\nyears = 2\nbehaviour.exit_rate_per_yr = 0.1\n'
        with self.assertRaises(ScenarioError) as caught:
            Scenario.from_toml(text, name="mine.toml")
        message = str(caught.exception)
        self.assertIn("mine.toml:3: behaviour.exit_rate_per_yr:", message)
        self.assertIsInstance(caught.exception, ValueError)
        # The same lines as `pledgesim validate` prints for the file.
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "mine.toml").write_text(text)
            done = subprocess.run([BIN, "validate", "mine.toml"], capture_output=True, text=True,
                                  cwd=d)
        self.assertEqual(done.returncode, 2)
        cli_lines = [ln.strip() for ln in done.stderr.splitlines() if "mine.toml:" in ln]
        self.assertTrue(cli_lines)
        for line in cli_lines:
            self.assertIn(line, message)

    def test_override_errors_name_the_key(self):
        with self.assertRaises(ScenarioError) as caught:
            Scenario.from_file(COMPETITIVE, {"years": -3})
        self.assertIn("years", str(caught.exception))
        with self.assertRaises(TypeError):
            Scenario.from_file(COMPETITIVE, {"behaviour": {"exit_rate_per_year": 0.1}})
        with self.assertRaises(TypeError):
            Scenario.from_dict({"name": object()})

    def test_missing_file(self):
        with self.assertRaises(ScenarioError) as caught:
            Scenario.from_file("/nonexistent/scenario.toml")
        self.assertIn("/nonexistent/scenario.toml", str(caught.exception))

    def test_builtin(self):
        s = Scenario.builtin({"years": 1})
        self.assertEqual(s.years, 1)
        self.assertIn("pledgesim.Scenario", repr(s))


class Tables(_Files):
    def cli_csv(self, *args: str) -> pd.DataFrame:
        return pd.read_csv(io.StringIO(program(*args, "--format", "csv")))

    def test_summarize_equals_the_program(self):
        path = self.file_run(COMPETITIVE, "competitive3", 3)
        expected = self.cli_csv("summarize", str(path), "--by", "region")
        from_file = pledgesim.summarize(path, by="region")
        from_memory = pledgesim.summarize(
            pledgesim.run(COMPETITIVE, years=YEARS, seed=SEED, replications=3), by="region")
        pd.testing.assert_frame_equal(from_file, expected)
        # The file column names the input; the numbers are the same.
        numbers = [c for c in expected.columns if c != "file"]
        pd.testing.assert_frame_equal(from_memory[numbers], expected[numbers])

    def test_compare_equals_the_program(self):
        a = self.file_run(COMPETITIVE, "competitive3", 3)
        b = self.file_run(PLEDGE, "pledge3", 3)
        expected = self.cli_csv("compare", str(a), str(b), "--indicator", "agency_rate")
        got = pledgesim.compare(a, b, indicators=["agency_rate"])
        pd.testing.assert_frame_equal(got, expected)
        memory = pledgesim.compare(pledgesim.open_run(a), pledgesim.open_run(b),
                                   indicators=["agency_rate"])
        numbers = [c for c in expected.columns if not c.endswith("file")]
        pd.testing.assert_frame_equal(memory[numbers], expected[numbers])
        self.assertTrue((got["diff"] != 0).any())

    def test_compare_notes_are_warnings(self):
        a = self.file_run(COMPETITIVE, "competitive3", 3)
        b = self.file_run(PLEDGE, "pledge1", 1)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pledgesim.compare(a, b, indicators=["agency_rate"])
        self.assertTrue(caught, "pairing 3 with 1 replications says so")

    def test_bad_options_raise(self):
        path = self.file_run(COMPETITIVE, "competitive1", 1)
        with self.assertRaises(ValueError):
            pledgesim.summarize(path, by="borough")
        with self.assertRaises(ValueError):
            pledgesim.summarize(path, interval="median")
        with self.assertRaises(ValueError):
            pledgesim.summarize(self.dir / "missing.h5")


class ThreadsAndSignals(unittest.TestCase):
    def test_the_gil_is_released_during_a_run(self):
        ticks = []
        running = threading.Event()

        def count():
            while not running.is_set():
                time.sleep(0.001)
            while running.is_set():
                ticks.append(time.monotonic())
                time.sleep(0.005)

        t = threading.Thread(target=count)
        t.start()
        running.set()
        start = time.monotonic()
        pledgesim.run(COMPETITIVE, years=20, replications=4, threads=1)
        end = time.monotonic()
        running.clear()
        t.join()
        # Held for the run, the GIL would allow no tick between start and end
        # (away from the edges, where the run takes and gives it back). A
        # count, not a rate: on a loaded machine the ticker gets less time.
        during = [x for x in ticks if start + 0.05 < x < end - 0.05]
        self.assertGreater(end - start, 0.5)
        self.assertGreaterEqual(len(during), 10)

    def test_ctrl_c_stops_the_run(self):
        code = textwrap.dedent(f"""
            import sys, time, pledgesim
            print("started", flush=True)
            t = time.monotonic()
            try:
                pledgesim.run({str(COMPETITIVE)!r}, years=40, replications=8, threads=1)
                print("finished", flush=True)
            except KeyboardInterrupt:
                print(f"interrupted {{time.monotonic() - t:.2f}}", flush=True)
                sys.exit(7)
        """)
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env=os.environ.copy())
        self.assertEqual(p.stdout.readline().strip(), "started")
        time.sleep(1.5)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=60)
        stopped_after = time.monotonic() - sent
        self.assertEqual(p.returncode, 7, out)
        self.assertIn("interrupted", out)
        self.assertLess(stopped_after, 5.0)


class Readme(unittest.TestCase):
    def test_the_readme_python_example_runs(self):
        text = (ROOT / "README.md").read_text()
        section = text[text.index("## Python and notebooks"):]
        block = section[section.index("```python\n") + len("```python\n"):]
        block = block[:block.index("```")]
        self.assertLessEqual(len(block.strip().splitlines()), 5, "the README promises five lines")
        done = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                              cwd=ROOT, env=os.environ.copy())
        self.assertEqual(done.returncode, 0, done.stderr)
        # The README shows what it prints (the run is deterministic for its seed).
        shown = section[section.index("```\n", section.index("prints (")) + 4:]
        shown = shown[:shown.index("```")]
        self.assertEqual(done.stdout, shown)
        self.assertIn("agency_rate", done.stdout)
        self.assertIn("total_cost_gbp", done.stdout)


class Installed(unittest.TestCase):
    def test_imports_in_debian_python_after_install(self):
        with tempfile.TemporaryDirectory() as prefix:
            done = subprocess.run(["cmake", "--install", str(BUILD), "--prefix", prefix],
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
            # The prefix as the user base: what $HOME/.local is by default.
            env["PYTHONUSERBASE"] = prefix
            code = ("import pledgesim, pledgesim_analysis; "
                    "ds = pledgesim.run(years=1, replications=1); "
                    "print(pledgesim.__file__); print(ds.sizes['week'])")
            done = subprocess.run(["/usr/bin/python3", "-c", code], capture_output=True,
                                  text=True, env=env, cwd=prefix)
            self.assertEqual(done.returncode, 0, done.stderr)
            first, weeks = done.stdout.split()
            self.assertTrue(first.startswith(prefix), first)
            self.assertEqual(int(weeks), 53)


if __name__ == "__main__":
    unittest.main()
