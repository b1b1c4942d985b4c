"""Labelled arrays from pledgesim files: format_version 2 opened by xarray
alone (engine h5netcdf), `pledgesim_analysis.open_run` / `build_dataset`,
and the version-1 fixtures of tests/data/format_v1 read by every command
and both Python readers with the same numbers as the version-2 file of the
same run (docs/output-format.md#versions).

Run under ctest (the python_reader test discovers it), or by hand:

    PLEDGESIM_BIN=build/release/app/pledgesim PYTHONPATH=analysis \\
        /usr/bin/python3 -m unittest tests/python/test_dataset.py -v
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parent.parent
FIXTURES = SOURCE_ROOT / "tests" / "data" / "format_v1"

if importlib.util.find_spec("pledgesim_analysis") is None:  # ctest sets PYTHONPATH
    sys.path.insert(0, str(SOURCE_ROOT / "analysis"))
from pledgesim_analysis import (SERIES_COORDINATES, build_dataset, open_run,  # noqa: E402
                                read_run)

EMPLOYER_COORDS = ["region", "subregion", "signatory_from", "inner_london", "signatory"]
# The fixtures' runs (tests/data/format_v1/make_fixtures.sh), made again here.
RUNS = {
    "one": ["three.toml", "--seed", "5", "--events", "--compress"],
    "replicated": ["three.toml", "--seed", "5", "--replications", "2", "--parameters",
                   "ens.csv", "--compress"],
}

_tmp: tempfile.TemporaryDirectory | None = None
FILES: dict[str, Path] = {}


def binary() -> str:
    b = os.environ.get("PLEDGESIM_BIN")
    if not b:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    return str(Path(b).resolve())


def pledgesim(*args, cwd=FIXTURES) -> subprocess.CompletedProcess:
    proc = subprocess.run([binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)
    if proc.returncode != 0:
        raise AssertionError(f"pledgesim {' '.join(map(str, args))} exited "
                             f"{proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def files() -> dict[str, Path]:
    """Version-2 files of the fixtures' runs and sweep, written once."""
    global _tmp
    if FILES:
        return FILES
    binary()
    _tmp = tempfile.TemporaryDirectory(prefix="pledgesim_dataset_test_")
    out = Path(_tmp.name)
    for name, args in RUNS.items():
        pledgesim("run", *args, "-q", "--no-summary", "--out", out / f"{name}.h5")
    pledgesim("sweep", "sweep.toml", "--out", out / "sweep.h5")
    FILES.update({n: out / f"{n}.h5" for n in ("one", "replicated", "sweep")})
    return FILES


def tearDownModule():
    if _tmp is not None:
        _tmp.cleanup()


def metrics(f: h5py.File) -> list:
    return sorted(set(f["series"]) - SERIES_COORDINATES)


class XarrayOpensVersion2(unittest.TestCase):
    """xarray.open_dataset(engine="h5netcdf") alone labels every group."""

    def open(self, name, group):
        return xr.open_dataset(files()[name], engine="h5netcdf", group=group).load()

    def check_series(self, name, dims):
        ds = self.open(name, "series")
        with h5py.File(files()[name]) as f:
            self.assertEqual(int(f.attrs["format_version"]), 2)
            self.assertEqual(sorted(ds.data_vars), metrics(f))
            for m in metrics(f):
                with self.subTest(metric=m):
                    self.assertEqual(ds[m].dims, dims)
                    np.testing.assert_array_equal(ds[m].values, f["series"][m][()])
                    self.assertEqual(ds[m].dtype, f["series"][m].dtype)
                    self.assertEqual(ds[m].attrs["units"], f["series"][m].attrs["units"])
                    self.assertEqual(ds[m].attrs["description"],
                                     f["series"][m].attrs["description"])
            np.testing.assert_array_equal(ds["week"].values, f["time/week"][()])
            self.assertEqual(ds["date"].dtype.kind, "M")  # decoded to datetime64
            np.testing.assert_array_equal(ds["date"].values,
                                          pd.to_datetime(f["time/date"].asstr()[()]).values)
            np.testing.assert_array_equal(ds["employer"].values,
                                          f["employers/name"].asstr()[()])
            for c in EMPLOYER_COORDS:
                self.assertIn(c, ds.coords)
                self.assertEqual(ds[c].dims, ("employer",))
                values = f["employers"][c]
                expect = values.asstr()[()] if values.dtype.kind == "O" else values[()]
                np.testing.assert_array_equal(ds[c].values, expect)
        return ds

    def test_one_replication(self):
        ds = self.check_series("one", ("week", "employer"))
        self.assertEqual(dict(ds.sizes), {"week": 53, "employer": 3})
        self.assertNotIn("replication", ds.dims)
        self.assertEqual(ds["region"].values.tolist(), ["London", "London", "South East"])

    def test_replications(self):
        ds = self.check_series("replicated", ("replication", "week", "employer"))
        self.assertEqual(dict(ds.sizes), {"replication": 2, "week": 53, "employer": 3})
        with h5py.File(files()["replicated"]) as f:
            np.testing.assert_array_equal(ds["seed"].values, f["replications/seed"][()])
        np.testing.assert_array_equal(ds["replication"].values, [0, 1])
        self.assertIn("seed", ds.coords)

    def test_events(self):
        ds = self.open("one", "events")
        with h5py.File(files()["one"]) as f:
            n = f["events/week"].shape[0]
            self.assertGreater(n, 0)
            self.assertEqual(ds.sizes["event"], n)
            for column in ("week", "practitioner", "kind", "from_status", "to_status",
                           "from_employer", "to_employer", "agency", "pay"):
                with self.subTest(column=column):
                    self.assertEqual(ds[column].dims, ("event",))
                    np.testing.assert_array_equal(ds[column].values, f["events"][column][()])
            np.testing.assert_array_equal(ds["event"].values, np.arange(n))
            for table in ("kind_names", "status_names", "agency_names"):
                self.assertEqual(ds[table].dims, (table,))
                np.testing.assert_array_equal(ds[table].values, f["events"][table].asstr()[()])

    def test_sweep_outcomes_and_weekly(self):
        with h5py.File(files()["sweep"]) as f:
            self.assertEqual(int(f.attrs["format_version"]), 2)
            runs = {k: f["runs"][k][()] for k in f["runs"]}
            outcome = "agency_rate.London.2018"
            weekly = "agency_fte.all"
            out = self.open("sweep", "outcomes")
            self.assertEqual(out[outcome].dims, ("run",))
            np.testing.assert_array_equal(out[outcome].values, f["outcomes"][outcome][()])
            for k, v in runs.items():
                with self.subTest(coordinate=k):
                    self.assertIn(k, out.coords)
                    np.testing.assert_array_equal(out[k].values, v)
            self.assertEqual(sorted(out.data_vars), [outcome])
            w = self.open("sweep", "weekly")
            self.assertEqual(w[weekly].dims, ("run", "week"))
            np.testing.assert_array_equal(w[weekly].values, f["weekly"][weekly][()])
            np.testing.assert_array_equal(w["date"].values,
                                          pd.to_datetime(f["time/date"].asstr()[()]).values)
            exit_rate = "behaviour.exit_rate_per_year"  # a varied parameter (sweep.toml)
            np.testing.assert_array_equal(w[exit_rate].values, runs[exit_rate])
            self.assertEqual(w[exit_rate].dims, ("run",))


class OpenRunTest(unittest.TestCase):
    """open_run: the same Dataset as xarray's view and as read_run's values."""

    def test_one_replication_keeps_a_replication_dimension(self):
        ds = open_run(files()["one"])
        self.assertEqual(dict(ds.sizes), {"replication": 1, "week": 53, "employer": 3})
        view = xr.open_dataset(files()["one"], engine="h5netcdf", group="series").load()
        xr.testing.assert_equal(ds.isel(replication=0, drop=True), view)
        run = read_run(files()["one"])
        for m in run.metrics:
            np.testing.assert_array_equal(ds[m].values[0], run.array(m))
            self.assertEqual(ds[m].attrs["units"], run.units[m])
        self.assertEqual(ds.attrs["format_version"], 2)
        self.assertEqual(ds.attrs["scenario_text"], run.scenario_text)
        for a in ("scenario_name", "seed", "software_version", "created_utc", "format"):
            self.assertEqual(ds.attrs[a], run.attrs[a])
        self.assertEqual(int(ds["seed"].values[0]), 5)

    def test_replications_and_parameters(self):
        path = files()["replicated"]
        ds = open_run(path)
        view = xr.open_dataset(path, engine="h5netcdf", group="series").load()
        xr.testing.assert_equal(ds.drop_vars(["parameter", "parameter_values", "parameter_set"]),
                                view)
        run = read_run(path)
        for m in run.metrics:
            for r in range(2):
                np.testing.assert_array_equal(ds[m].values[r], run.array(m, r))
        np.testing.assert_array_equal(ds["parameter_values"].values, run.parameters)
        self.assertEqual(ds["parameter"].values.tolist(), list(run.parameter_keys))
        self.assertEqual(ds["parameter_values"].attrs["source"], "ens.csv")
        self.assertEqual(ds["parameter_values"].sel(
            parameter="behaviour.inactive_rate_per_year").values.tolist(), [0.02, 0.03])

    def test_events_decoded_like_run_events(self):
        ds = open_run(files()["one"], group="events")
        df = read_run(files()["one"]).events()
        self.assertEqual(ds.sizes["event"], len(df))
        for column in ("kind", "from_status", "to_status", "agency", "from_employer",
                       "to_employer"):
            expect = df[column].astype(object).where(df[column].notna(), "").tolist()
            self.assertEqual(ds[column].values.tolist(), expect, column)
        np.testing.assert_array_equal(ds["date"].values, df["date"].values)
        np.testing.assert_array_equal(ds["pay"].values, df["pay"].values)
        self.assertIn("move", set(ds["kind"].values))

    def test_sweep(self):
        path = files()["sweep"]
        ds = open_run(path)
        view = xr.open_dataset(path, engine="h5netcdf", group="outcomes").load()
        xr.testing.assert_equal(ds[list(view.data_vars)], view)
        weekly = xr.open_dataset(path, engine="h5netcdf", group="weekly").load()
        xr.testing.assert_equal(open_run(path, group="weekly"), weekly)
        self.assertEqual(ds.attrs["format"], "pledgesim-sweep")
        self.assertIn("scenario_text", ds.attrs)

    def test_bad_files_raise_value_error_naming_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            text = Path(d) / "notes.h5"
            text.write_text("not hdf5\n")
            foreign = Path(d) / "foreign.h5"
            with h5py.File(foreign, "w") as f:
                f["x"] = [1, 2]
            for path, why in ((text, "not an HDF5 file"), (foreign, "not a pledgesim run file")):
                with self.subTest(path=path.name):
                    with self.assertRaisesRegex(ValueError, f"^{path}: .*{why}"):
                        open_run(path)
            with self.assertRaisesRegex(ValueError, "groups 'series' and 'events'"):
                open_run(files()["one"], group="weekly")
            with self.assertRaisesRegex(ValueError, "no /events table"):
                open_run(files()["replicated"], group="events")
            with self.assertRaises(FileNotFoundError):
                open_run(Path(d) / "absent.h5")
            # reader.py's storage checks guard sweep files too.
            linked = Path(d) / "linked.h5"
            shutil.copyfile(files()["sweep"], linked)
            with h5py.File(linked, "r+") as f:
                f["outcomes"]["elsewhere"] = h5py.ExternalLink("other.h5", "/x")
            with self.assertRaisesRegex(ValueError, f"^{linked}: /outcomes/elsewhere is not a "
                                                    "dataset or group but an external link"):
                open_run(linked)
            stopped = Path(d) / "stopped.h5"
            shutil.copyfile(files()["one"], stopped)
            with h5py.File(stopped, "r+") as f:
                f.attrs["incomplete"] = np.int64(1)
            with self.assertRaisesRegex(ValueError, f"^{stopped}: an incomplete run"):
                open_run(stopped)

    def test_build_dataset_checks_shapes(self):
        kwargs = dict(units={}, descriptions={}, dates=["2020-01-06", "2020-01-13"],
                      employers={"name": ["A", "B"]}, replication_seeds=[1], attrs={})
        ds = build_dataset(series={"x": np.zeros((1, 2, 2), dtype=np.int64)}, **kwargs)
        self.assertEqual(ds["x"].dims, ("replication", "week", "employer"))
        self.assertEqual(ds["date"].values[1], np.datetime64("2020-01-13"))
        with self.assertRaisesRegex(ValueError, r"series 'x' has shape \(2, 2\)"):
            build_dataset(series={"x": np.zeros((2, 2))}, **kwargs)
        with self.assertRaisesRegex(ValueError, "dates must be ISO"):
            build_dataset(series={}, **dict(kwargs, dates=["06/01/2020", "x"]))


def python_blocks(document: Path, after: str) -> list:
    """The ```python blocks of `document` between the line starting with
    `after` and the next heading."""
    text = document.read_text()
    start = text.index(after)
    end = text.find("\n#", start + len(after))
    section = text[start:end if end > 0 else len(text)]
    return [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]


class DocumentedExamples(unittest.TestCase):
    """The xarray examples of README.md and docs/reading-output.md run, on
    this test's files in place of the ones they name."""

    def run_blocks(self, document, after, count):
        """Runs the first `count` python blocks after `after`."""
        blocks = python_blocks(SOURCE_ROOT / document, after)[:count]
        self.assertEqual(len(blocks), count, f"{document}: python blocks after {after!r}")
        names = {"results/london_baseline.h5": files()["one"],
                 "results/with_events.h5": files()["one"],
                 "results/pledge_levers.h5": files()["sweep"],
                 '"Camden"': '"A"'}  # an authority of three.toml
        for block in blocks:
            for name, path in names.items():
                block = block.replace(name, str(path))
            exec(compile(block, f"{document} (after {after!r})", "exec"), {})

    def test_readme(self):
        self.run_blocks("README.md", "With xarray (labelled dimensions", 1)

    def test_reading_output(self):
        self.run_blocks("docs/reading-output.md", "### With xarray", 2)


class Version1Fixtures(unittest.TestCase):
    """Files written before format 2 read as the same numbers as the
    version-2 files of the same runs made now. The comparison holds while the
    model draws the same numbers for a seed (rng_contract 3, unchanged
    model): a change of the model that changes them must rewrite the
    fixtures (make_fixtures.sh with a build that writes format 1: commit
    25d4dae with the model change applied)."""

    def test_fixtures_are_version_1(self):
        for name in ("one", "replicated", "sweep"):
            with h5py.File(FIXTURES / f"{name}.h5") as f:
                self.assertEqual(int(f.attrs["format_version"]), 1, name)

    def test_python_readers_give_the_same_numbers(self):
        for name in ("one", "replicated"):
            with self.subTest(run=name):
                old, new = open_run(FIXTURES / f"{name}.h5"), open_run(files()[name])
                self.assertEqual(old.attrs["format_version"], 1)
                xr.testing.assert_identical(_no_attrs(old), _no_attrs(new))
                a, b = read_run(FIXTURES / f"{name}.h5"), read_run(files()[name])
                self.assertEqual(a.metrics, b.metrics)
                pd.testing.assert_frame_equal(a.long_frame(replication=None),
                                              b.long_frame(replication=None))
        pd.testing.assert_frame_equal(read_run(FIXTURES / "one.h5").events(),
                                      read_run(files()["one"]).events())
        old, new = open_run(FIXTURES / "sweep.h5"), open_run(files()["sweep"])
        xr.testing.assert_equal(old, new)

    def test_commands_give_the_same_numbers(self):
        def output(*args):  # the command's output, file names replaced by FILE
            text = pledgesim(*args).stdout
            for a in args:
                text = text.replace(str(a), "FILE")
            return text

        for name in ("one", "replicated"):
            with self.subTest(run=name):
                old = output("summarize", FIXTURES / f"{name}.h5", "--format", "csv")
                new = output("summarize", files()[name], "--format", "csv")
                self.assertEqual(old, new)
                self.assertGreater(len(old.splitlines()), 3)
        both = output("compare", FIXTURES / "one.h5", files()["one"], "--format", "csv")
        same = output("compare", files()["one"], files()["one"], "--format", "csv")
        self.assertEqual(both, same)
        self.assertGreater(len(both.splitlines()), 3)
        with tempfile.TemporaryDirectory() as d:
            copies = []
            for src in (FIXTURES / "sweep.h5", files()["sweep"]):
                copies.append(Path(d) / f"{len(copies)}.h5")
                shutil.copyfile(src, copies[-1])
            old, new = (output("sensitivity", c, "--no-write", "--format", "csv")
                        for c in copies)
            self.assertEqual(old, new)
            self.assertIn("agency_rate.London.2018", old)


def _no_attrs(ds: xr.Dataset) -> xr.Dataset:
    """The Dataset without the root attributes (which name the program's
    version and time) for comparing files of two builds."""
    out = ds.copy()
    out.attrs = {}
    return out


if __name__ == "__main__":
    unittest.main()
