"""Tests of the pledgesim HDF5 run file (docs/output-format.md) and of the
Python reader in analysis/pledgesim_analysis.

Run under ctest (tests/python/CMakeLists.txt sets PLEDGESIM_BIN and
PYTHONPATH), or by hand with Debian's interpreter:

    PLEDGESIM_BIN=build/release/app/pledgesim PYTHONPATH=analysis \\
        /usr/bin/python3 -m unittest discover -s tests/python -v

Tests that need a run file generate one with the pledgesim program named by
the environment variable PLEDGESIM_BIN, and are skipped when it is unset.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
SNIPPET = HERE / "readme_pandas_snippet.py"
# Documents that must contain the plain-pandas snippet verbatim.
SNIPPET_DOCS = [SOURCE_ROOT / "docs" / "reading-output.md", SOURCE_ROOT / "README.md"]

if importlib.util.find_spec("pledgesim_analysis") is None:  # ctest sets PYTHONPATH
    sys.path.insert(0, str(SOURCE_ROOT / "analysis"))
from pledgesim_analysis import SERIES_COORDINATES, read_run  # noqa: E402

SEED = 3
YEARS = 2
# Metrics docs/output-format.md documents (at least these must be written).
REQUIRED_METRICS = [
    "permanent_fte", "agency_fte", "trainee_fte", "vacancies", "starters",
    "leavers", "moves_in", "moves_out", "perm_to_agency", "agency_to_perm",
    "caseload", "mean_tenure_weeks", "pay_cost_gbp", "agency_cost_gbp",
    "agency_margin_gbp", "incentive_cost_gbp", "establishment", "bank_fte",
]
ROOT_ATTRIBUTES = ["format", "format_version", "software_version", "rng_contract", "seed",
                   "scenario_name", "created_utc"]

_tmp: tempfile.TemporaryDirectory | None = None
RUN_FILE: Path | None = None


def generated_run_file() -> Path:
    """Path of a run file written once per test process by PLEDGESIM_BIN
    (``run --years 2 --seed 3``); raises SkipTest if the variable is unset."""
    global _tmp, RUN_FILE
    if RUN_FILE is not None:
        return RUN_FILE
    binary = os.environ.get("PLEDGESIM_BIN")
    if not binary:
        raise unittest.SkipTest(
            "PLEDGESIM_BIN is not set: set it to the built pledgesim program "
            "(e.g. build/release/app/pledgesim) to run the run-file tests; "
            "ctest sets it")
    if not os.access(binary, os.X_OK):
        raise AssertionError(f"PLEDGESIM_BIN={binary} is not an executable file")
    _tmp = tempfile.TemporaryDirectory(prefix="pledgesim_reader_test_")
    out = Path(_tmp.name) / "run.h5"
    cmd = [binary, "run", "--out", str(out), "--years", str(YEARS),
           "--seed", str(SEED), "-q", "--no-summary"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\n"
            f"stderr:\n{proc.stderr}")
    RUN_FILE = out
    return out


def tearDownModule():
    if _tmp is not None:
        _tmp.cleanup()


class RunFileLayoutTest(unittest.TestCase):
    """The file as written by the program, checked with h5py directly."""

    @classmethod
    def setUpClass(cls):
        cls.path = generated_run_file()
        cls.f = h5py.File(cls.path, "r")
        cls.n_weeks = cls.f["time/week"].shape[0]
        cls.n_emp = cls.f["employers/name"].shape[0]

    @classmethod
    def tearDownClass(cls):
        cls.f.close()

    def series(self):
        return [(n, ds) for n, ds in self.f["series"].items() if n not in SERIES_COORDINATES]

    def test_no_partial_file_left(self):
        self.assertFalse(Path(str(self.path) + ".partial").exists())
        self.assertEqual(sorted(p.name for p in self.path.parent.iterdir()), [self.path.name])

    def test_root_attributes(self):
        attrs = self.f.attrs
        for name in ROOT_ATTRIBUTES:
            self.assertIn(name, attrs, f"root attribute {name} missing")
        self.assertEqual(attrs["format"], "pledgesim")
        self.assertTrue(np.issubdtype(np.asarray(attrs["format_version"]).dtype, np.integer))
        self.assertGreaterEqual(int(attrs["format_version"]), 1)
        self.assertIsInstance(attrs["software_version"], str)
        self.assertRegex(attrs["software_version"], r"^\d+\.\d+")
        self.assertEqual(int(attrs["rng_contract"]), 3)  # event-driven step (docs/design.md)
        self.assertTrue(np.issubdtype(np.asarray(attrs["seed"]).dtype, np.integer))
        self.assertEqual(int(attrs["seed"]), SEED)
        self.assertIsInstance(attrs["scenario_name"], str)
        self.assertTrue(attrs["scenario_name"])
        created = dt.datetime.strptime(attrs["created_utc"], "%Y-%m-%dT%H:%M:%SZ")
        self.assertGreater(created.year, 2000)

    def test_scenario_text(self):
        ds = self.f["scenario/text"]
        self.assertEqual(ds.shape, ())
        text = ds.asstr()[()]
        self.assertTrue(text.strip())
        self.assertRegex(text, rf"(?m)^seed = {SEED}$")
        scenario = tomllib.loads(text)  # the resolved scenario is valid TOML
        self.assertEqual(scenario["seed"], SEED)
        self.assertEqual(scenario["years"], YEARS)
        self.assertEqual(scenario["name"], self.f.attrs["scenario_name"])

    def test_time_axis(self):
        week = self.f["time/week"]
        self.assertEqual(week.dtype, np.dtype("int32"))
        self.assertEqual(week.ndim, 1)
        self.assertTrue(52 * YEARS <= self.n_weeks <= 52 * YEARS + 1, self.n_weeks)
        np.testing.assert_array_equal(week[:], np.arange(self.n_weeks))
        date = self.f["time/date"]
        self.assertIsNotNone(h5py.check_string_dtype(date.dtype), "/time/date is not strings")
        self.assertEqual(date.shape, (self.n_weeks,))
        dates = [dt.date.fromisoformat(s) for s in date.asstr()[:]]
        self.assertTrue(all(b - a == dt.timedelta(days=7) for a, b in zip(dates, dates[1:])))
        start = tomllib.loads(self.f["scenario/text"].asstr()[()])["start"]
        self.assertEqual(dates[0], start)

    def test_employers(self):
        group = self.f["employers"]
        for col in ("name", "region", "subregion", "signatory"):
            self.assertIn(col, group)
            self.assertEqual(group[col].shape, (self.n_emp,), col)
        for col in ("name", "region", "subregion"):
            self.assertIsNotNone(h5py.check_string_dtype(group[col].dtype), col)
        names = list(group["name"].asstr()[:])
        self.assertGreater(self.n_emp, 0)
        self.assertEqual(len(set(names)), len(names), "employer names not unique")
        self.assertTrue(all(names))

    def test_series_present(self):
        missing = [m for m in REQUIRED_METRICS if m not in self.f["series"]]
        self.assertEqual(missing, [], "metrics documented in docs/output-format.md missing")

    def test_series_shapes_types_and_attributes(self):
        for name, ds in self.series():
            with self.subTest(series=name):
                self.assertEqual(ds.shape, (self.n_weeks, self.n_emp))
                self.assertTrue(np.issubdtype(ds.dtype, np.number), ds.dtype)
                for attr in ("units", "description"):
                    self.assertIn(attr, ds.attrs)
                    self.assertIsInstance(ds.attrs[attr], str)
                    self.assertTrue(ds.attrs[attr].strip(), f"empty {attr}")

    def test_series_dimension_scales(self):
        # Format 2: the scales are in /series itself (xarray/h5netcdf find
        # them only in the variable's own group or its ancestors).
        for name, ds in self.series():
            with self.subTest(series=name):
                self.assertEqual([d.label for d in ds.dims], ["week", "employer"])
                self.assertEqual([[s.name for s in d.values()] for d in ds.dims],
                                 [["/series/week"], ["/series/employer"]])
                self.assertEqual(ds.attrs["coordinates"].split(),
                                 ["date", "region", "subregion", "signatory_from",
                                  "inner_london", "signatory"])
        g = self.f["series"]
        np.testing.assert_array_equal(g["week"][()], self.f["time/week"][()])
        np.testing.assert_array_equal(g["employer"].asstr()[()],
                                      self.f["employers/name"].asstr()[()])
        for column in ("region", "subregion", "signatory_from", "inner_london", "signatory"):
            np.testing.assert_array_equal(g[column][()], self.f["employers"][column][()])
        first = self.f["time/date"].asstr()[0]
        self.assertEqual(g["date"].attrs["units"], f"days since {first}")
        days = [(dt.date.fromisoformat(d) - dt.date.fromisoformat(first)).days
                for d in self.f["time/date"].asstr()[()]]
        np.testing.assert_array_equal(g["date"][()], days)
        self.assertNotIn("replication", g)  # one replication: [weeks, employers]
        self.assertTrue(h5py.h5ds.is_scale(self.f["time/week"].id))
        self.assertTrue(h5py.h5ds.is_scale(self.f["time/date"].id))
        self.assertTrue(h5py.h5ds.is_scale(self.f["employers/name"].id))

    def test_series_chunked_and_uncompressed_by_default(self):
        for name, ds in self.series():
            with self.subTest(series=name):
                self.assertIsNotNone(ds.chunks, "not chunked")
                self.assertIsNone(ds.compression)  # run --compress deflates them
                self.assertFalse(ds.shuffle)
                self.assertGreater(int(np.prod(ds.chunks)), 1, f"chunks {ds.chunks}")
                # Whole-column reads: a chunk spans many weeks, not one.
                self.assertGreater(ds.chunks[0], 1, f"chunks {ds.chunks}")


class CompressedRunFileTest(unittest.TestCase):
    """``run --compress`` (same seed and years as the generated file): the
    series are deflated (gzip level 1, no shuffle), in the same chunks, and
    h5py and the reader read back exactly the values of the default file."""

    @classmethod
    def setUpClass(cls):
        cls.plain = generated_run_file()
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_reader_gz_")
        cls.path = Path(cls.tmp.name) / "compressed.h5"
        cmd = [os.environ["PLEDGESIM_BIN"], "run", "--out", str(cls.path), "--years",
               str(YEARS), "--seed", str(SEED), "-q", "--no-summary", "--compress"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_deflated_in_the_same_chunks_with_the_same_values(self):
        with h5py.File(self.plain, "r") as a, h5py.File(self.path, "r") as b:
            self.assertEqual(sorted(a["series"]), sorted(b["series"]))
            for name in sorted(set(a["series"]) - SERIES_COORDINATES):
                x, y = a["series"][name], b["series"][name]
                with self.subTest(series=name):
                    self.assertEqual(y.compression, "gzip")
                    self.assertEqual(y.compression_opts, 1)
                    self.assertFalse(y.shuffle)
                    self.assertEqual(x.chunks, y.chunks)
                    self.assertEqual(x.dtype, y.dtype)
                    self.assertEqual(x[()].tobytes(), y[()].tobytes())
            # The series take a third of the space or less (the rest of the
            # file, e.g. the scenario's text, is the same in both).
            stored = [sum(f["series"][n].id.get_storage_size() for n in f["series"])
                      for f in (a, b)]
            self.assertLess(stored[1] * 3, stored[0])

    def test_reader_reads_the_same_frames(self):
        plain, packed = read_run(self.plain), read_run(self.path)
        self.assertEqual(plain.metrics, packed.metrics)
        for name in plain.metrics:
            pd.testing.assert_frame_equal(plain.series(name), packed.series(name))


class ReaderTest(unittest.TestCase):
    """pledgesim_analysis.read_run on the generated file."""

    @classmethod
    def setUpClass(cls):
        cls.path = generated_run_file()
        cls.run_file = read_run(cls.path)
        with h5py.File(cls.path, "r") as f:
            cls.n_weeks = f["time/week"].shape[0]
            cls.n_emp = f["employers/name"].shape[0]
            cls.names = list(f["employers/name"].asstr()[:])
            cls.metrics = sorted(set(f["series"]) - SERIES_COORDINATES)

    def test_metadata(self):
        run = self.run_file
        self.assertEqual(run.attrs["format"], "pledgesim")
        self.assertEqual(run.attrs["seed"], SEED)
        self.assertIs(type(run.attrs["seed"]), int)
        self.assertIs(type(run.attrs["format_version"]), int)
        self.assertIs(type(run.attrs["scenario_name"]), str)
        self.assertIn(f"seed = {SEED}", run.scenario_text)
        self.assertEqual(run.metrics, self.metrics)
        self.assertEqual(run.replications, 1)
        self.assertFalse(run.has_replication_dim)
        self.assertIn(str(self.path), repr(run))

    def test_time(self):
        self.assertTrue(np.issubdtype(self.run_file.weeks.dtype, np.integer))
        np.testing.assert_array_equal(self.run_file.weeks, np.arange(self.n_weeks))
        self.assertIsInstance(self.run_file.dates, pd.DatetimeIndex)
        self.assertEqual(len(self.run_file.dates), self.n_weeks)
        self.assertTrue((self.run_file.dates[1:] - self.run_file.dates[:-1] == pd.Timedelta(days=7)).all())

    def test_employers_frame(self):
        emp = self.run_file.employers
        self.assertEqual(list(emp.columns[:3]), ["name", "region", "subregion"])
        self.assertIn("signatory", emp.columns)
        self.assertEqual(len(emp), self.n_emp)
        self.assertEqual(emp["name"].tolist(), self.names)
        self.assertTrue(np.issubdtype(emp["signatory"].dtype, np.integer))
        self.assertIsInstance(emp["region"].iloc[0], str)

    def test_series_frame(self):
        df = self.run_file.series("permanent_fte")
        self.assertEqual(df.shape, (self.n_weeks, self.n_emp))
        self.assertTrue(df.index.equals(self.run_file.dates))
        self.assertEqual(df.index.name, "date")
        self.assertEqual(df.columns.tolist(), self.names)
        self.assertEqual(df.columns.name, "employer")
        self.assertEqual(df.attrs["units"], "FTE")
        self.assertTrue(df.attrs["description"])
        self.assertEqual(df.attrs["metric"], "permanent_fte")
        with h5py.File(self.path, "r") as f:
            np.testing.assert_array_equal(df.to_numpy(), f["series/permanent_fte"][:])
            self.assertEqual(df.to_numpy().dtype, f["series/permanent_fte"].dtype)

    def test_series_errors(self):
        with self.assertRaises(KeyError) as cm:
            self.run_file.series("no_such_metric")
        self.assertIn("permanent_fte", str(cm.exception))  # lists what exists
        with self.assertRaises(IndexError):
            self.run_file.series("permanent_fte", replication=1)

    def test_long_frame(self):
        long = self.run_file.long_frame()
        self.assertEqual(list(long.columns), ["date", "week", "employer", "metric", "value"])
        self.assertEqual(len(long), self.n_weeks * self.n_emp * len(self.metrics))
        self.assertEqual(sorted(long["metric"].unique()), self.metrics)
        some = self.run_file.long_frame(["starters", "caseload"])
        self.assertEqual(len(some), self.n_weeks * self.n_emp * 2)
        # Values agree with the wide frame, cell by cell.
        wide = self.run_file.series("caseload")
        back = (some[some.metric == "caseload"]
                .pivot(index="date", columns="employer", values="value")
                .reindex(columns=self.names))
        np.testing.assert_allclose(back.to_numpy(), wide.to_numpy())
        row = some[(some.metric == "starters") & (some.week == 5)
                   & (some.employer == self.names[1])]
        self.assertEqual(len(row), 1)
        self.assertEqual(row["value"].iloc[0], self.run_file.series("starters").iloc[5, 1])
        self.assertEqual(row["date"].iloc[0], self.run_file.dates[5])

    def test_stock_flow_identity(self):
        """permanent_fte[t] == permanent_fte[t-1] + starters[t] - leavers[t]."""
        perm = self.run_file.series("permanent_fte")
        starters = self.run_file.series("starters")
        leavers = self.run_file.series("leavers")
        # Not trivially true: people do join and leave in two years.
        self.assertGreater(int(starters.to_numpy().sum()), 0)
        self.assertGreater(int(leavers.to_numpy().sum()), 0)
        expected = perm.shift(1) + starters - leavers
        for employer in perm.columns:
            with self.subTest(employer=employer):
                diff = (perm[employer] - expected[employer]).iloc[1:]
                bad = diff[diff != 0]
                self.assertTrue(bad.empty, f"identity fails at {list(bad.index[:5])}")

    def test_vacancies_identity(self):
        """vacancies == establishment - permanent_fte."""
        vac = self.run_file.series("vacancies")
        est = self.run_file.series("establishment")
        perm = self.run_file.series("permanent_fte")
        pd.testing.assert_frame_equal(vac, est - perm, check_dtype=False, check_flags=False)


class ReplicationLayoutTest(unittest.TestCase):
    """The reader accepts the planned [replications, weeks, employers] layout.
    Built from the generated file by stacking two copies of each series."""

    @classmethod
    def setUpClass(cls):
        src = generated_run_file()
        cls.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_reader_rep_")
        cls.path = Path(cls.tmp.name) / "replicated.h5"
        shutil.copyfile(src, cls.path)
        with h5py.File(cls.path, "r+") as f:
            for name in sorted(set(f["series"]) - SERIES_COORDINATES):
                data = f["series"][name][:]
                attrs = dict(f["series"][name].attrs)
                del f["series"][name]
                ds = f["series"].create_dataset(name, data=np.stack([data, data * 2]))
                for key in ("units", "description"):
                    ds.attrs[key] = attrs[key]
        cls.run_file = read_run(cls.path)
        cls.orig = read_run(src)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_replications(self):
        self.assertEqual(self.run_file.replications, 2)
        self.assertTrue(self.run_file.has_replication_dim)
        first = self.run_file.series("agency_fte")
        second = self.run_file.series("agency_fte", replication=1)
        last = self.run_file.series("agency_fte", replication=-1)
        pd.testing.assert_frame_equal(first, self.orig.series("agency_fte"))
        pd.testing.assert_frame_equal(second, first * 2, check_flags=False)
        pd.testing.assert_frame_equal(last, second)
        self.assertEqual(second.attrs["replication"], 1)
        with self.assertRaises(IndexError):
            self.run_file.series("agency_fte", replication=2)

    def test_long_frame_all_replications(self):
        long = self.run_file.long_frame(["agency_fte"], replication=None)
        self.assertEqual(list(long.columns),
                         ["replication", "date", "week", "employer", "metric", "value"])
        n = len(self.run_file.weeks) * len(self.run_file.employers)
        self.assertEqual(len(long), 2 * n)
        self.assertEqual(long.groupby("replication").size().tolist(), [n, n])


class NotARunFileTest(unittest.TestCase):
    """read_run refuses other files with a ValueError naming the file."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="pledgesim_reader_bad_")
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def assert_refused(self, path: Path, *fragments: str):
        with self.assertRaises(ValueError) as cm:
            read_run(path)
        message = str(cm.exception)
        self.assertIn(str(path), message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_other_hdf5_file(self):
        path = self.dir / "other_model_output.h5"
        with h5py.File(path, "w") as f:
            f["data"] = np.arange(10)
            f.attrs["title"] = "not a pledgesim run"
        self.assert_refused(path, "not a pledgesim run file")

    def test_wrong_format_attribute(self):
        path = self.dir / "wrong_format.h5"
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "netcdf"
        self.assert_refused(path, "netcdf")

    def test_not_hdf5(self):
        path = self.dir / "notes.h5"
        path.write_text("this is text\n")
        self.assert_refused(path, "not an HDF5 file")

    def test_missing_required_dataset(self):
        path = self.dir / "truncated.h5"
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "pledgesim"
            f.attrs["format_version"] = 1
            f["scenario/text"] = "seed = 1\n"
            f["employers/name"] = np.array(["A", "B"], dtype=h5py.string_dtype())
            f["series/agency_fte"] = np.zeros((3, 2))
        self.assert_refused(path, "/time/week")

    def test_missing_file(self):
        with self.assertRaises(FileNotFoundError):
            read_run(self.dir / "absent.h5")


class CommandLineTest(unittest.TestCase):
    """python3 -m pledgesim_analysis FILE describes the file."""

    def run_module(self, *args):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in [str(SOURCE_ROOT / "analysis"), env.get("PYTHONPATH", "")] if p)
        return subprocess.run([sys.executable, "-m", "pledgesim_analysis", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    def test_describe(self):
        path = generated_run_file()
        proc = self.run_module(str(path))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = proc.stdout
        self.assertIn(str(path), out)
        self.assertRegex(out, r"scenario\s+london_baseline")
        self.assertRegex(out, rf"seed\s+{SEED}\b")
        self.assertRegex(out, r"weeks\s+10[45]\b")
        self.assertRegex(out, r"employers\s+\d+")
        self.assertRegex(out, r"(?m)^\s+agency_fte\s+FTE\s+\S")
        self.assertRegex(out, r"(?m)^\s+agency_cost_gbp\s+GBP\s+\S")

    def test_bad_file(self):
        with tempfile.NamedTemporaryFile(suffix=".h5") as tmp:
            proc = self.run_module(tmp.name)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(tmp.name, proc.stderr)


class ReadmeSnippetTest(unittest.TestCase):
    """The plain-pandas snippet in docs/reading-output.md runs as written."""

    ASSIGNMENT = re.compile(r'(?m)^RUN_FILE = "[^"\n]*"$')

    def snippet(self) -> str:
        return SNIPPET.read_text(encoding="utf-8")

    def test_docs_contain_snippet_verbatim(self):
        text = self.snippet().strip()
        for doc in SNIPPET_DOCS:
            with self.subTest(doc=doc.name):
                self.assertIn(text, doc.read_text(encoding="utf-8"),
                              f"{doc} no longer contains {SNIPPET.name} verbatim; "
                              "copy the snippet into the document (or the change into the snippet)")

    def run_snippet(self, path) -> dict:
        code, count = self.ASSIGNMENT.subn(f"RUN_FILE = {str(path)!r}", self.snippet())
        self.assertEqual(count, 1, 'snippet must assign RUN_FILE = "..." exactly once')
        namespace = {"__name__": "readme_snippet"}
        with open(os.devnull, "w") as devnull:
            stdout, sys.stdout = sys.stdout, devnull
            try:
                exec(compile(code, str(SNIPPET), "exec"), namespace)
            finally:
                sys.stdout = stdout
        return namespace

    def test_snippet_runs(self):
        path = generated_run_file()
        namespace = self.run_snippet(path)
        run = read_run(path)
        wide = namespace["wide"][run.employer_names]
        pd.testing.assert_frame_equal(wide, run.series("agency_fte").astype(float),
                                      check_flags=False, check_names=False)
        self.assertEqual(namespace["agency_fte"].attrs["units"], "FTE")
        tidy = namespace["tidy"]
        self.assertEqual(list(tidy.columns), ["date", "employer", "agency_fte"])
        self.assertEqual(len(tidy), len(run.weeks) * len(run.employers))

    def test_snippet_reads_replications(self):
        binary = os.environ.get("PLEDGESIM_BIN")
        if not binary:
            raise unittest.SkipTest("PLEDGESIM_BIN is not set")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "reps.h5"
            subprocess.run([binary, "run", "--years", "1", "--seed", "4", "--replications", "3",
                            "--out", str(path), "-q", "--no-summary"], check=True, timeout=300)
            namespace = self.run_snippet(path)
            run = read_run(path)
            tidy = namespace["tidy"]
            self.assertEqual(list(tidy.columns), ["replication", "date", "employer", "agency_fte"])
            self.assertEqual(len(tidy), 3 * len(run.weeks) * len(run.employers))
            mean = sum(run.series("agency_fte", r).astype(float) for r in range(3)) / 3
            pd.testing.assert_frame_equal(namespace["wide"][run.employer_names], mean,
                                          check_flags=False, check_names=False)

if __name__ == "__main__":
    unittest.main()
