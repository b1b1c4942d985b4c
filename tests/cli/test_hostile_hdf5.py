"""HDF5 files that take their data from elsewhere, and inputs that are not
regular files: every reader must refuse them quickly, as bad input.

Usage: /usr/bin/python3 test_hostile_hdf5.py PLEDGESIM [--keep DIR]

From a real run file and a real checkpoint written by the program under
test, this makes a corpus with h5py: a series stored in an external raw file
(external storage), external storage in a FIFO (reading it would block), a
virtual dataset (VDS) mapping another run's data, a VDS whose source is a
FIFO, external links in place of a dataset and of a group, a soft link to
another series, datasets declaring far more data than the file holds, and as
the run file itself a FIFO, /dev/zero, a link to it, /dev/null and a
directory. `summarize` and `compare` (both ways) must refuse each one with
exit 2 within a couple of seconds, a message naming the file and the
problem, and nothing on stdout; so must `resume` for a checkpoint that is a
FIFO, /dev/zero or a directory, or holds an external link or external
storage, and `sensitivity` for a sweep file with an external link or
external storage in a FIFO, or that is a FIFO. The Python reader
(analysis/pledgesim_analysis) must refuse the same run files with a
ValueError naming the file. Controls (the untouched files) must still be
read, so the checks cannot pass by refusing everything.

Needs Debian's interpreter (h5py, numpy, pandas). Prints one line per check;
exits 1 on any failure.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py

ANALYSIS = Path(__file__).resolve().parents[2] / "analysis"

SWEEP = """scenario = "three.toml"
seed = 3
replications = 1
design = "saltelli"
samples = 2

[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.04
max = 0.12

[[parameters]]
key = "behaviour.search_rate_per_year"
min = 0.1
max = 0.3

[[outputs]]
indicator = "leavers"
group = "all"
year = 2018
"""

SCENARIO = """name = "three"
start = 2017-10-01
years = 1
authorities = [
  { name = "A", region = "London", subregion = "East", inpost_fte = 120, vacancy_fte = 30, agency_fte = 25, caseload = 16 },
  { name = "B", region = "London", subregion = "West", inner_london = true, inpost_fte = 100, vacancy_fte = 25, agency_fte = 20, caseload = 15 },
  { name = "C", region = "South East", subregion = "Kent", inpost_fte = 90, vacancy_fte = 20, agency_fte = 10, caseload = 17 },
]
[population]
nqsw_intake_per_year = 20
"""

# A refusal must come this quickly (seconds); a command still running after
# TIMEOUT is a hang.
QUICK = 2.5
TIMEOUT = 10

SERIES = "series/agency_fte"
OWN_DATA = r"; a pledgesim file must hold its own data"


# --- hostile edits (each gets the case's directory for its side files) -----


def edit(path, fn):
    with h5py.File(path, "r+") as h:
        fn(h)


def replace_with_external_storage(name, raw_name, fifo=False):
    """`name` becomes a dataset of the same values kept in a raw file beside
    it (external storage); with `fifo`, the raw file is a FIFO."""
    def mutate(path):
        raw = path.parent / raw_name
        def fn(h):
            values = h[name][()]
            del h[name]
            raw.write_bytes(values.tobytes())
            h.create_dataset(name, shape=values.shape, dtype=values.dtype,
                             external=[(str(raw), 0, values.nbytes)])
        edit(path, fn)
        if fifo:
            raw.unlink()
            os.mkfifo(raw)
    return mutate


def replace_with_vds(name, source_file, fifo=False):
    """`name` becomes a virtual dataset mapping the same dataset of
    `source_file` (another run's file, or a FIFO)."""
    def mutate(path):
        src = path.parent / source_file
        def fn(h):
            values = h[name]
            shape, dtype = values.shape, values.dtype
            del h[name]
            layout = h5py.VirtualLayout(shape=shape, dtype=dtype)
            layout[...] = h5py.VirtualSource(str(src), "/" + name, shape=shape, dtype=dtype)
            h.create_virtual_dataset(name, layout, fillvalue=0)
        edit(path, fn)
        if fifo:
            os.mkfifo(src)
    return mutate


def replace_with_external_link(name, target_file):
    """`name` becomes an external link to the same object in `target_file`."""
    def mutate(path):
        def fn(h):
            del h[name]
            h[name] = h5py.ExternalLink(str(path.parent / target_file), "/" + name)
        edit(path, fn)
    return mutate


def replace_with_soft_link(name, target):
    """`name` becomes a soft link to `target` (a path in the same file)."""
    def mutate(path):
        def fn(h):
            del h[name]
            h[name] = h5py.SoftLink(target)
        edit(path, fn)
    return mutate


def replace_with_unwritten(name, shape, dtype):
    """`name` becomes a chunked dataset of `shape` with no chunk written."""
    def mutate(path):
        def fn(h):
            del h[name]
            h.create_dataset(name, shape=shape, dtype=dtype,
                             chunks=(1,) * (len(shape) - 1) + (1024,))
        edit(path, fn)
    return mutate


def become(target):
    """The case file itself is replaced: by a FIFO, a directory, or a
    symbolic link to a device."""
    def mutate(path):
        path.unlink()
        if target == "fifo":
            os.mkfifo(path)
        elif target == "dir":
            path.mkdir()
        else:
            path.symlink_to(target)
    return mutate


# (name, mutation, expected message regex); each starts as a copy of the run
# file, with a second run (other seed) as other.h5 beside it.
RUN_CASES = [
    ("external-storage", replace_with_external_storage(SERIES, "agency_fte.raw"),
     r"dataset /series/agency_fte reads its data from an external file \(external storage: "
     r".*agency_fte\.raw\)" + OWN_DATA),
    ("external-storage-fifo", replace_with_external_storage(SERIES, "fifo.raw", fifo=True),
     r"dataset /series/agency_fte reads its data from an external file \(external storage: "
     r".*fifo\.raw\)"),
    ("external-storage-dates", replace_with_external_storage("time/week", "week.raw"),
     r"dataset /time/week reads its data from an external file"),
    ("vds-other-run", replace_with_vds(SERIES, "other.h5"),
     r"dataset /series/agency_fte is a virtual dataset \(VDS\) that reads its data from "
     r"elsewhere \(/series/agency_fte in .*other\.h5\)" + OWN_DATA),
    ("vds-fifo-source", replace_with_vds(SERIES, "source.fifo", fifo=True),
     r"dataset /series/agency_fte is a virtual dataset"),
    ("external-link-dataset", replace_with_external_link(SERIES, "other.h5"),
     r"/series/agency_fte is not a dataset or group but an external link \(to "
     r"/series/agency_fte in .*other\.h5\)" + OWN_DATA),
    ("external-link-group", replace_with_external_link("employers", "other.h5"),
     r"/employers is not a dataset or group but an external link \(to /employers in "),
    ("external-link-to-fifo", replace_with_external_link(SERIES, "link.fifo"),
     r"/series/agency_fte is not a dataset or group but an external link"),
    ("soft-link-other-series", replace_with_soft_link(SERIES, "/series/agency_cost_gbp"),
     r"/series/agency_fte is not a dataset or group but a soft link \(to "
     r"/series/agency_cost_gbp\); pledgesim files have no soft links"),
    ("huge-series", replace_with_unwritten(SERIES, (10**12,), "f8"),
     r"dataset /series/agency_fte declares 8000000000000 bytes \(shape \[1000000000000\] of "
     r"8-byte values\), more than a file of \d+ bytes can hold even compressed"),
    ("huge-week-axis", replace_with_unwritten("time/week", (60_000_000,), "i8"),
     r"dataset /time/week declares 480000000 bytes"),
    ("fifo", become("fifo"), r"not a regular file \(a FIFO\)"),
    ("dev-zero", become("/dev/zero"), r"not a regular file \(a character device\)"),
    ("dev-null", become("/dev/null"), r"not a regular file \(a character device\)"),
    ("directory", become("dir"),
     r"is a directory, not a file|not a regular file \(a directory\)"),
]
# Devices named as they are (the cases above reach them through a link).
DEVICES = [("/dev/zero", r"not a regular file \(a character device\)"),
           ("/dev/null", r"not a regular file \(a character device\)")]
# The FIFO a mutation needs but does not make (an external link's target).
EXTRA_FIFOS = {"external-link-to-fifo": "link.fifo"}
# Also given to `compare` (both ways); the others take the same path in it.
COMPARED = {"external-storage", "vds-other-run", "external-link-dataset", "soft-link-other-series",
            "huge-series", "fifo", "dev-zero", "directory"}

# Checkpoint cases (the checkpoint, with a copy of it as other.ckpt beside).
CHECKPOINT_CASES = [
    ("ckpt-fifo", become("fifo"), r"not a regular file \(a FIFO\)"),
    ("ckpt-dev-zero", become("/dev/zero"), r"not a regular file \(a character device\)"),
    ("ckpt-directory", become("dir"), r"not a regular file \(a directory\)"),
    ("ckpt-external-link", replace_with_external_link("scenario/text", "other.ckpt"),
     r"/scenario/text is not a dataset or group but an external link \(to /scenario/text in "
     r".*other\.ckpt\)" + OWN_DATA),
    ("ckpt-external-storage-fifo", None,  # a /state dataset, chosen once the file is made
     r"reads its data from an external file \(external storage: .*state\.fifo\)"),
    ("ckpt-soft-link", None, r"is not a dataset or group but a soft link"),
]


# Sweep-file cases for `sensitivity` (a copy of the sweep, other.h5 beside).
OUTCOME = "outcomes/leavers.all.2018"
SWEEP_CASES = [
    ("sweep-external-link", replace_with_external_link(OUTCOME, "other.h5"),
     r"/outcomes/leavers\.all\.2018 is not a dataset or group but an external link \(to "
     r"/outcomes/leavers\.all\.2018 in .*other\.h5\)" + OWN_DATA),
    ("sweep-external-storage-fifo", replace_with_external_storage(OUTCOME, "fifo.raw", fifo=True),
     r"dataset /outcomes/leavers\.all\.2018 reads its data from an external file"),
    ("sweep-fifo", become("fifo"), r"not a regular file \(a FIFO\)"),
]


# --- running ---------------------------------------------------------------


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, why):
        if why:
            self.failed += 1
            print(f"FAIL {name}\n     {why}")
        else:
            self.passed += 1
            print(f"ok   {name}")


def run(args, timeout=TIMEOUT, env=None):
    """(exit status or 'timeout', stdout, stderr, seconds); stdin is closed."""
    start = time.monotonic()
    try:
        p = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, env=env)
        return p.returncode, p.stdout, p.stderr, time.monotonic() - start
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
        return "timeout", out, err, time.monotonic() - start


def refused(args, path, expect):
    """A command that must refuse `path`: '' or what is wrong."""
    code, out, err, seconds = run(args)
    problems = []
    if code != 2:
        problems.append(f"exit {code} after {seconds:.1f} s, not 2")
    elif seconds > QUICK:
        problems.append(f"took {seconds:.1f} s (at most {QUICK})")
    if out.strip():
        problems.append(f"printed on stdout: {out[:200]!r}")
    if str(path) not in err:
        problems.append("the message does not name the file")
    if not re.search(expect, err):
        problems.append(f"the message does not match /{expect}/")
    if "HDF5-DIAG" in err:
        problems.append("HDF5 error stack on stderr")
    return "; ".join(problems) + (f"\n     stderr: {err.strip()[:500]}" if problems else "")


# Opens a run file with the Python reader and reads every series; prints
# "read" when all of that succeeded, else the exception.
PY_READ = """
import sys
from pledgesim_analysis import read_run
try:
    run = read_run(sys.argv[1])
    for name in run.metrics:
        run.array(name, 0)
    print("read")
except Exception as exc:
    print(type(exc).__name__ + ": " + str(exc))
"""


def python_read(python, path):
    """What PY_READ printed, or why it printed nothing."""
    env = dict(os.environ, PYTHONPATH=str(ANALYSIS), PYTHONDONTWRITEBYTECODE="1")
    code, out, err, _ = run([python, "-c", PY_READ, path], env=env)
    if code == "timeout":
        return f"(the Python reader did not return within {TIMEOUT} s)"
    if code != 0:
        return f"(the reader's script failed, exit {code}: {err.strip()[-400:]})"
    return out.strip()


def python_refused(python, path, expect):
    out = python_read(python, path)
    if not out.startswith("ValueError: "):
        return f"not refused with a ValueError: {out[:300]}"
    if str(path) not in out or not re.search(expect, out):
        return f"the message does not name the file or match /{expect}/: {out[:400]}"
    return ""


def make_case(work, base, name, mutate, others):
    case_dir = work / name
    case_dir.mkdir()
    path = case_dir / base.name
    shutil.copyfile(base, path)
    for other_name, other in others.items():
        shutil.copyfile(other, case_dir / other_name)
    if name in EXTRA_FIFOS:
        os.mkfifo(case_dir / EXTRA_FIFOS[name])
    mutate(path)
    return path


def checkpoint_mutation(name, checkpoint):
    """Mutations that need the checkpoint's layout: a /state dataset."""
    with h5py.File(checkpoint, "r") as h:
        datasets = []
        h["state"].visititems(lambda n, o: datasets.append("state/" + n)
                              if isinstance(o, h5py.Dataset) and o.ndim == 1 and o.size > 0
                              else None)
    if not datasets:
        sys.exit(f"{checkpoint} has no /state dataset to replace")
    if name == "ckpt-external-storage-fifo":
        return replace_with_external_storage(datasets[0], "state.fifo", fifo=True)
    return replace_with_soft_link(datasets[0], "/" + datasets[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pledgesim")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", help="build the corpus in this directory and keep it")
    args = parser.parse_args()
    binary = os.path.abspath(args.pledgesim)
    work = Path(args.keep or tempfile.mkdtemp(prefix="pledgesim-hostile-h5-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    checks = Checks()
    try:
        (work / "three.toml").write_text(SCENARIO)
        base = work / "base" / "run.h5"
        other = work / "base" / "other.h5"
        ckpt_out = work / "base" / "stopped.h5"
        for out, seed, extra in ((base, 5, []), (other, 6, []),
                                 (ckpt_out, 5, ["--checkpoint-every", "13",
                                                "--kill-after-weeks", "20"])):
            out.parent.mkdir(exist_ok=True)
            code, _, err, _ = run([binary, "run", work / "three.toml", "--out", out, "--seed",
                                   seed, "-q", "--no-summary", "--replications", "2", *extra],
                                  timeout=300)
            if code not in ((-9, 137) if extra else (0,)):  # killed as by kill -9
                sys.exit(f"cannot make the base file {out} (exit {code}): {err}")
        (work / "sweep.toml").write_text(SWEEP)
        sweep = work / "base" / "sweep.h5"
        code, _, err, _ = run([binary, "sweep", work / "sweep.toml", "--out", sweep, "-q"],
                              timeout=300)
        if code != 0:
            sys.exit(f"cannot make the base sweep file {sweep} (exit {code}): {err}")
        checkpoint = Path(str(ckpt_out) + ".ckpt")
        if not checkpoint.is_file():
            sys.exit(f"the killed run left no checkpoint {checkpoint}")

        # Controls: the untouched files are read.
        code, out, err, _ = run([binary, "summarize", base])
        checks.check("control: summarize of the run file exits 0 with a table",
                     "" if code == 0 and out.strip() else f"exit {code}: {err[:300]}")
        code, out, err, _ = run([binary, "compare", base, other])
        checks.check("control: compare of two run files exits 0",
                     "" if code == 0 and out.strip() else f"exit {code}: {err[:300]}")
        read = python_read(args.python, base)
        checks.check("control: the Python reader reads the run file",
                     "" if read == "read" else read)
        code, out, err, _ = run([binary, "sensitivity", sweep, "--no-write"])
        checks.check("control: sensitivity of the sweep file exits 0",
                     "" if code == 0 and out.strip() else f"exit {code}: {err[:300]}")
        control = work / "control-ckpt"
        control.mkdir()
        shutil.copyfile(checkpoint, control / checkpoint.name)
        code, _, err, _ = run([binary, "resume", control / checkpoint.name, "--out",
                               control / "resumed.h5", "-q", "--no-summary"], timeout=300)
        checks.check("control: resume of the checkpoint exits 0",
                     "" if code == 0 else f"exit {code}: {err[:300]}")

        for name, mutate, expect in RUN_CASES:
            path = make_case(work, base, name, mutate, {"other.h5": other})
            checks.check(f"{name}: summarize", refused([binary, "summarize", path], path, expect))
            if name in COMPARED:
                checks.check(f"{name}: compare GOOD CASE",
                             refused([binary, "compare", base, path], path, expect))
                checks.check(f"{name}: compare CASE GOOD",
                             refused([binary, "compare", path, base], path, expect))
            checks.check(f"{name}: the Python reader refuses it",
                         python_refused(args.python, path, expect))

        for device, expect in DEVICES:
            checks.check(f"{device}: summarize", refused([binary, "summarize", device], device, expect))
            checks.check(f"{device}: compare GOOD CASE",
                         refused([binary, "compare", base, device], device, expect))
            checks.check(f"{device}: the Python reader refuses it",
                         python_refused(args.python, device, expect))

        for name, mutate, expect in SWEEP_CASES:
            path = make_case(work, sweep, name, mutate, {"other.h5": sweep})
            checks.check(f"{name}: sensitivity",
                         refused([binary, "sensitivity", path], path, expect))

        for name, mutate, expect in CHECKPOINT_CASES:
            mutate = mutate or checkpoint_mutation(name, checkpoint)
            path = make_case(work, checkpoint, name, mutate, {"other.ckpt": checkpoint})
            checks.check(f"{name}: resume",
                         refused([binary, "resume", path, "--out", path.parent / "resumed.h5",
                                  "-q", "--no-summary"], path, expect))
            checks.check(f"{name}: nothing written",
                         "" if not (path.parent / "resumed.h5").exists()
                         and not (path.parent / "resumed.h5.partial").exists()
                         else "the resume wrote an output")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{checks.passed} passed, {checks.failed} failed")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
