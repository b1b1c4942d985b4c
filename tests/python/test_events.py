"""Tests of the /events table (``pledgesim run --events``) as read by
``pledgesim_analysis`` and by plain h5py/pandas, and of the reader's refusal
of checkpoint files. Run files are made with the program named by
PLEDGESIM_BIN (ctest sets it); the tests are skipped without it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("pledgesim_analysis") is None:  # ctest sets PYTHONPATH
    sys.path.insert(0, str(HERE.parent.parent / "analysis"))
from pledgesim_analysis import EVENT_COLUMNS, read_run  # noqa: E402

_tmp: tempfile.TemporaryDirectory | None = None


def pledgesim(*args: str, ok: tuple = (0,)) -> subprocess.CompletedProcess:
    binary = os.environ.get("PLEDGESIM_BIN")
    if not binary:
        raise unittest.SkipTest("PLEDGESIM_BIN is not set (ctest sets it)")
    proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=300)
    if proc.returncode not in ok:
        raise AssertionError(f"pledgesim {' '.join(args)} exited {proc.returncode}\n"
                             f"{proc.stderr}")
    return proc


def workdir() -> Path:
    global _tmp
    if _tmp is None:
        _tmp = tempfile.TemporaryDirectory(prefix="pledgesim_events_test_")
    return Path(_tmp.name)


def tearDownModule():
    if _tmp is not None:
        _tmp.cleanup()


class EventsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.path = workdir() / "events.h5"
        pledgesim("run", "--years", "2", "--seed", "4", "--events", "--out", str(cls.path),
                  "-q", "--no-summary")
        cls.rf = read_run(cls.path)
        cls.events = cls.rf.events()

    def test_run_says_it_has_events(self):
        self.assertTrue(self.rf.has_events)
        self.assertEqual(list(self.events.columns),
                         ["week", "date", *[c for c in EVENT_COLUMNS if c != "week"]])
        self.assertGreater(len(self.events), 5000)

    def test_labels_name_every_code(self):
        e = self.events
        self.assertIn("start", e["kind"].cat.categories)
        self.assertFalse(e["kind"].isna().any())
        self.assertFalse(e["from_status"].isna().any())
        self.assertEqual(set(e["to_employer"].dropna().unique()) - set(self.rf.employer_names),
                         set())
        # No employer after an exit; pay NaN exactly where there is no new position.
        exits = e[e["kind"] == "exit"]
        self.assertTrue(len(exits) > 0 and exits["to_employer"].isna().all())
        self.assertTrue(exits["pay"].isna().all())
        starts = e[e["kind"] == "start"]
        self.assertTrue((starts["pay"] > 0).all())
        # Agency named exactly when a placement starts or ends.
        agency_rows = (e["from_status"] == "agency") | (e["to_status"] == "agency")
        self.assertTrue(e.loc[agency_rows, "agency"].notna().all())
        self.assertTrue(e.loc[~agency_rows, "agency"].isna().all())

    def test_dates_follow_the_weeks(self):
        e = self.events
        self.assertTrue((e["date"].to_numpy() == self.rf.dates[e["week"].to_numpy()].to_numpy()).all())
        self.assertTrue(e["week"].is_monotonic_increasing)

    def test_starts_per_employer_and_week_equal_the_starters_series(self):
        e = self.events
        post = e["to_status"].isin(["permanent", "trainee"]) & (e["kind"] != "asye_complete")
        counts = (e[post].groupby(["week", "to_employer"], observed=False).size()
                  .unstack("to_employer").reindex(index=range(len(self.rf.weeks)),
                                                  columns=self.rf.employer_names)
                  .fillna(0).astype(np.int64))
        starters = self.rf.array("starters")
        np.testing.assert_array_equal(counts.to_numpy(), starters)
        self.assertGreater(starters.sum(), 500)

    def test_agency_moves_equal_agency_starts_and_ends(self):
        raw = self.rf.events(labels=False)
        statuses = list(h5py.File(self.path, "r")["events/status_names"].asstr()[()])
        agency = statuses.index("agency")
        W, E = len(self.rf.weeks), len(self.rf.employers)
        starts = np.zeros((W, E), np.int64)
        ends = np.zeros((W, E), np.int64)
        s = raw[raw["to_status"] == agency]
        np.add.at(starts, (s["week"].to_numpy(), s["to_employer"].to_numpy()), 1)
        t = raw[raw["from_status"] == agency]
        np.add.at(ends, (t["week"].to_numpy(), t["from_employer"].to_numpy()), 1)
        np.testing.assert_array_equal(starts, self.rf.array("agency_starts"))
        np.testing.assert_array_equal(ends, self.rf.array("agency_ends"))

    def test_plain_pandas_reads_the_columns(self):
        # docs/checkpoints.md's recipe, without the package.
        with h5py.File(self.path, "r") as f:
            g = f["events"]
            df = pd.DataFrame({c: g[c][()] for c in EVENT_COLUMNS})
            kinds = g["kind_names"].asstr()[()]
            df["kind"] = pd.Categorical.from_codes(df["kind"], kinds)
            names = f["employers/name"].asstr()[()]
        self.assertEqual(df["kind"].value_counts().sum(), len(self.events))
        self.assertEqual(len(names), len(self.rf.employer_names))

    def run_doc_snippet(self, intro: str) -> dict:
        """Runs the Python block after `intro` in docs/checkpoints.md on our file."""
        text = (HERE.parent.parent / "docs" / "checkpoints.md").read_text()
        block = text.split(intro, 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
        self.assertIn("results/london_baseline.h5", block)
        namespace: dict = {}
        exec(block.replace("results/london_baseline.h5", str(self.path)), namespace)
        return namespace

    def test_doc_recipe_with_the_package(self):
        ns = self.run_doc_snippet("Python, with the package")
        self.assertEqual(len(ns["ev"]), len(self.events))
        self.assertGreater(ns["moves"].sum(), 0)
        self.assertEqual(ns["codes"]["kind"].dtype, np.uint8)

    def test_doc_recipe_with_h5py_and_pandas(self):
        ns = self.run_doc_snippet("Python, with h5py and pandas only")
        ev = ns["ev"]
        self.assertEqual(len(ev), len(self.events))
        self.assertTrue((ev["kind"].astype(str) == self.events["kind"].astype(str)).all())
        self.assertTrue(ev["to_employer"].astype(object).equals(
            self.events["to_employer"].astype(object)))
        self.assertTrue((ev["date"].to_numpy() == self.events["date"].to_numpy()).all())

    def test_file_without_events(self):
        path = workdir() / "plain.h5"
        pledgesim("run", "--years", "1", "--out", str(path), "-q", "--no-summary")
        run = read_run(path)
        self.assertFalse(run.has_events)
        with self.assertRaises(KeyError):
            run.events()


class CheckpointRefusedTest(unittest.TestCase):
    def test_reader_refuses_a_checkpoint(self):
        out = workdir() / "stopped.h5"
        pledgesim("run", "--years", "1", "--checkpoint-every", "10", "--stop-after-weeks", "12",
                  "--out", str(out), "-q", "--no-summary", ok=(130,))
        ckpt = Path(str(out) + ".ckpt")
        self.assertTrue(ckpt.exists())
        with self.assertRaises(ValueError) as cm:
            read_run(ckpt)
        self.assertIn("a checkpoint of an unfinished run", str(cm.exception))
        self.assertIn("pledgesim resume", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
