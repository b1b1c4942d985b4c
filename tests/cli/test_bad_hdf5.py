"""Malformed HDF5 inputs: `summarize`, `compare` and `sensitivity` must refuse
each one with exit 2 and a message that names the file and what is wrong;
never exit 1, never crash, never print a table.

Usage: /usr/bin/python3 test_bad_hdf5.py PLEDGESIM [--keep DIR] [--jobs N]

From a real run file (two replications; also a single-replication one) and
real sweep files (a Saltelli and a Morris design), written by the program
under test, this makes many variants: truncated at several byte offsets,
empty, not HDF5 at all, HDF5 from another program, other format versions,
each required dataset and attribute deleted in turn, wrong types, wrong
shapes, inconsistent tables, NaN/inf/negative values, incomplete sweeps, and
so on (see VARIANTS below; each names the text its message must contain).
Each run-file variant goes through `summarize V`, `compare GOOD V` and
`compare V GOOD`; each sweep-file variant through `sensitivity V` (which
must also leave V byte for byte as it was). Control files (the good ones and
harmless edits: optional objects deleted) must still give exit 0, so the
checks cannot pass by refusing everything.

Needs Debian's interpreter (h5py, numpy). Prints one line per check and a
count of files x commands; exits 1 on any failure.
"""

import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

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

SWEEP = """scenario = "three.toml"
seed = 3
replications = 1
design = "{design}"
samples = {samples}

[[parameters]]
key = "behaviour.exit_rate_per_year"
min = 0.04
max = 0.12

[[parameters]]
key = "behaviour.search_rate_per_year"
min = 0.1
max = 0.3

[[outputs]]
indicator = "agency_rate"
group = "London"
year = 2018

[[outputs]]
indicator = "leavers"
group = "all"
year = 2018
"""

STR = h5py.string_dtype()


# --- mutations -------------------------------------------------------------


def truncate(at):
    def f(path):
        size = path.stat().st_size
        n = int(size * at) if isinstance(at, float) else at if at >= 0 else size + at
        with open(path, "r+b") as fh:
            fh.truncate(min(n, size - 1))
    return f


def replace_bytes(data):
    def f(path):
        path.write_bytes(data)
    return f


def edit(fn):
    """An h5py edit of the copied file."""
    def f(path):
        with h5py.File(path, "r+") as h:
            fn(h)
    return f


def delete(name):
    return edit(lambda h: h.__delitem__(name))


def del_attr(obj, name):
    return edit(lambda h: h[obj].attrs.__delitem__(name))


def set_attr(obj, name, value):
    def fn(h):
        if name in h[obj].attrs:
            del h[obj].attrs[name]
        h[obj].attrs[name] = value
    return edit(fn)


def replace(name, make):
    """Replace dataset `name` by make(old values as numpy) (data or (data, dtype))."""
    def fn(h):
        old = h[name][()]
        new = make(old)
        del h[name]
        if isinstance(new, tuple):
            h.create_dataset(name, data=new[0], dtype=new[1])
        else:
            h.create_dataset(name, data=new)
    return edit(fn)


def set_value(name, index, value):
    def fn(h):
        data = h[name][()]
        if data.dtype.kind in "iu" and not float(value).is_integer():
            data = data.astype("f8")
        data[index] = value
        del h[name]
        h.create_dataset(name, data=data)
    return edit(fn)


def strs(values):
    return (np.array(values, dtype=object), STR)


def decoded(a):
    return [x.decode() if isinstance(x, bytes) else x for x in a]


# Datasets of /series that are its dimensions and coordinates (format 2),
# not series (docs/output-format.md#layout).
SERIES_COORDINATES = {"replication", "seed", "week", "date", "employer", "region", "subregion",
                      "inner_london", "signatory", "signatory_from"}


def all_series(fn):
    def g(h):
        for name in sorted(set(h["series"]) - SERIES_COORDINATES):
            old = h["series"][name][()]
            del h["series"][name]
            h["series"].create_dataset(name, data=fn(old))
    return edit(g)


def compose(*fs):
    def f(path):
        for g in fs:
            g(path)
    return f


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

# (name, base, mutation, expected message regex). Bases: run2 (2
# replications, [2, 53, 3] series), run1 (one replication, [53, 3]), saltelli,
# morris (sweep files), or a raw file made by the mutation from an empty one.
NOT_HDF5 = r"not an HDF5 file|is empty \(0 bytes\)|truncated|damaged"
RUN_VARIANTS = [
    # Not HDF5, or cut short.
    ("empty", "run2", truncate(0), r"is empty \(0 bytes\): not an HDF5 file"),
    ("trunc-8", "run2", truncate(8), NOT_HDF5),
    ("trunc-96", "run2", truncate(96), NOT_HDF5),
    ("trunc-512", "run2", truncate(512), r"truncated"),
    ("trunc-2048", "run2", truncate(2048), r"truncated"),
    ("trunc-10pc", "run2", truncate(0.10), r"truncated"),
    ("trunc-25pc", "run2", truncate(0.25), r"truncated"),
    ("trunc-50pc", "run2", truncate(0.50), r"truncated"),
    ("trunc-75pc", "run2", truncate(0.75), r"truncated"),
    ("trunc-99pc", "run2", truncate(0.99), r"truncated"),
    ("trunc-last-byte", "run2", truncate(-1), r"truncated"),
    ("trunc1-50pc", "run1", truncate(0.50), r"truncated"),
    ("text", "run2", replace_bytes(b"week,agency_fte\n0,12\n"), r"not an HDF5 file"),
    ("png", "run2", replace_bytes(PNG), r"not an HDF5 file"),
    ("random-bytes", "run2", replace_bytes(np.random.default_rng(1).bytes(4096)),
     r"not an HDF5 file"),
    ("hdf5-signature-then-zeros", "run2", replace_bytes(HDF5_SIGNATURE + bytes(4096)), NOT_HDF5),
    # HDF5 from another program, or another pledgesim file.
    ("foreign-empty-hdf5", "run2", lambda p: h5py.File(p, "w").close(),
     r"not a pledgesim file \(root attribute 'format' is missing"),
    ("foreign-netcdf-like", "run2", set_attr("/", "format", "netcdf4"),
     r"not a pledgesim file \(root attribute 'format' is \"netcdf4\""),
    ("format-integer", "run2", set_attr("/", "format", np.int64(7)),
     r"root attribute 'format' is integer, not a string"),
    ("format-two-strings", "run2", set_attr("/", "format", np.array(["pledgesim", "x"], dtype=object)),
     r"root attribute 'format' holds 2 values, not one"),
    ("sweep-file-to-summarize", "saltelli", None, r"a pledgesim sweep file, not a run file"),
    ("incomplete-run", "run2", compose(set_attr("/", "incomplete", np.int64(1)),
                                        set_attr("/", "complete_weeks", np.int64(20))),
     r"an incomplete run \(stopped after 20 weeks\)"),
    # Format versions.
    ("version-0", "run2", set_attr("/", "format_version", np.int64(0)),
     r"format_version 0 is older than this pledgesim reads"),
    ("version-minus-1", "run2", set_attr("/", "format_version", np.int64(-1)),
     r"format_version -1 is older"),
    ("version-3", "run2", set_attr("/", "format_version", np.int64(3)),
     r"format_version 3 is newer than this pledgesim reads \(format_version 1 to 2\)"),
    ("version-float", "run2", set_attr("/", "format_version", 1.0),
     r"root attribute 'format_version' is floating-point, not an integer"),
    ("version-string", "run2", set_attr("/", "format_version", "1"),
     r"root attribute 'format_version' is string, not an integer"),
    ("version-array", "run2", set_attr("/", "format_version", np.array([1, 1])),
     r"root attribute 'format_version' holds 2 values"),
    # Required attributes, one at a time.
    ("no-attr-format", "run2", del_attr("/", "format"), r"root attribute 'format' is missing"),
    ("no-attr-format_version", "run2", del_attr("/", "format_version"),
     r"root attribute 'format_version' is missing"),
    ("no-attr-seed", "run2", del_attr("/", "seed"), r"root attribute 'seed' is missing"),
    ("no-attr-software_version", "run2", del_attr("/", "software_version"),
     r"root attribute 'software_version' is missing"),
    ("no-attr-scenario_name", "run2", del_attr("/", "scenario_name"),
     r"root attribute 'scenario_name' is missing"),
    ("seed-negative", "run2", set_attr("/", "seed", np.int64(-5)), r"root attribute 'seed' is negative"),
    ("seed-float", "run2", set_attr("/", "seed", 1.5), r"root attribute 'seed' is floating-point"),
    ("scenario-name-integer", "run2", set_attr("/", "scenario_name", np.int32(3)),
     r"root attribute 'scenario_name' is integer, not a string"),
    ("incomplete-string", "run2", set_attr("/", "incomplete", "yes"),
     r"root attribute 'incomplete' is string, not an integer"),
    # Required groups and datasets, one at a time.
    ("no-time", "run2", delete("time"), r"/time is missing"),
    ("no-time-week", "run2", delete("time/week"), r"/time/week is missing"),
    ("no-time-date", "run2", delete("time/date"), r"/time/date is missing"),
    ("no-employers", "run2", delete("employers"), r"/employers is missing"),
    ("no-employers-name", "run2", delete("employers/name"), r"/employers/name is missing"),
    ("no-employers-region", "run2", delete("employers/region"), r"/employers/region is missing"),
    ("no-employers-subregion", "run2", delete("employers/subregion"),
     r"/employers/subregion is missing"),
    ("no-employers-inner_london", "run2", delete("employers/inner_london"),
     r"/employers/inner_london is missing"),
    ("no-series", "run2", delete("series"), r"/series is missing"),
    ("no-replications-seed", "run2", delete("replications/seed"),
     r"/replications/seed is missing \(the seed of each of the 2 replications\)"),
    ("no-replications", "run2", delete("replications"), r"/replications/seed is missing"),
    ("series-empty", "run2", compose(delete("series"), edit(lambda h: h.create_group("series"))),
     r"/series holds no datasets"),
    # Objects of the wrong kind.
    ("series-is-dataset", "run2", compose(delete("series"),
                                          edit(lambda h: h.create_dataset("series", data=[1, 2]))),
     r"/series is not a group"),
    ("time-is-dataset", "run2", compose(delete("time"), edit(lambda h: h.create_dataset("time", data=[1]))),
     r"/time is not a group"),
    ("date-is-group", "run2", compose(delete("time/date"), edit(lambda h: h.create_group("time/date"))),
     r"/time/date is not a dataset"),
    ("group-in-series", "run2", edit(lambda h: h.create_group("series/extra")),
     r"/series/extra is not a dataset"),
    ("dangling-link-in-series", "run2", edit(lambda h: h["series"].__setitem__("lost", h5py.SoftLink("/nowhere"))),
     r"/series/lost is (missing|not a dataset)"),
    # Wrong types.
    ("week-float", "run2", replace("time/week", lambda a: a.astype("f8")),
     r"/time/week is floating-point, not an integer dataset"),
    ("week-strings", "run2", replace("time/week", lambda a: strs([str(x) for x in a])),
     r"/time/week is string, not an integer dataset"),
    ("date-integers", "run2", replace("time/date", lambda a: np.arange(len(a))),
     r"/time/date is integer, not a string dataset"),
    ("date-fixed-length", "run2", replace("time/date", lambda a: np.array([x for x in a], dtype="S10")),
     r"/time/date holds fixed-length strings"),
    ("name-integers", "run2", replace("employers/name", lambda a: np.arange(len(a))),
     r"/employers/name is integer, not a string dataset"),
    ("region-fixed-length", "run2", replace("employers/region", lambda a: np.array(a, dtype="S12")),
     r"/employers/region holds fixed-length strings"),
    ("inner-float", "run2", replace("employers/inner_london", lambda a: a.astype("f8") / 2),
     r"/employers/inner_london is floating-point, not an integer dataset"),
    ("inner-strings", "run2", replace("employers/inner_london", lambda a: strs(["no"] * len(a))),
     r"/employers/inner_london is string, not an integer dataset"),
    ("series-strings", "run2", replace("series/permanent_fte", lambda a: strs(np.full(a.shape, "many").tolist())),
     r"/series/permanent_fte is not numeric"),
    ("series-compound", "run2",
     replace("series/agency_fte", lambda a: np.zeros(a.shape, dtype=[("x", "i8"), ("y", "f8")])),
     r"/series/agency_fte is not numeric"),
    ("series-bool", "run2", replace("series/leavers", lambda a: a > 0), r"/series/leavers is not numeric"),
    ("replication-seeds-float", "run2", replace("replications/seed", lambda a: a.astype("f8") + 0.5),
     r"/replications/seed is floating-point, not an integer dataset"),
    # Wrong shapes.
    ("series-one-more-employer", "run2", replace("series/permanent_fte", lambda a: np.concatenate([a, a[:, :, :1]], axis=2)),
     r"/series/permanent_fte has shape \[2, 53, 4\], not \[2, 53, 3\]"),
    ("series-one-employer-short", "run2", replace("series/agency_fte", lambda a: a[:, :, :2]),
     r"/series/agency_fte has shape \[2, 53, 2\], not \[2, 53, 3\]"),
    ("series-one-week-short", "run2", replace("series/vacancies", lambda a: a[:, :-1, :]),
     r"/series/vacancies has shape \[2, 52, 3\], not \[2, 53, 3\]"),
    ("series-one-week-more", "run2", replace("series/leavers", lambda a: np.concatenate([a, a[:, :1]], axis=1)),
     r"/series/leavers has shape \[2, 54, 3\]"),
    ("series-one-replication-more", "run2", replace("series/starters", lambda a: np.concatenate([a, a[:1]], axis=0)),
     r"/series/\w+ has shape \[(3|2), 53, 3\], not \[(2|3), 53, 3\]"),
    ("series-2d-in-3d-file", "run2", replace("series/caseload", lambda a: a[0]),
     r"/series/caseload has shape \[53, 3\]"),
    ("series-3d-in-2d-file", "run1", replace("series/caseload", lambda a: a[np.newaxis]),
     r"/series/caseload has shape \[1, 53, 3\], not \[53, 3\]"),
    ("series-1d", "run2", replace("series/pay_cost_gbp", lambda a: a.reshape(-1)),
     r"/series/pay_cost_gbp has shape \[318\], neither \[weeks, employers\] nor"),
    ("series-4d", "run2", replace("series/pay_cost_gbp", lambda a: a[np.newaxis]),
     r"/series/pay_cost_gbp has shape \[1, 2, 53, 3\], neither"),
    ("series-scalar", "run2", replace("series/pay_cost_gbp", lambda a: 1.0),
     r"/series/pay_cost_gbp has shape \[\] \(a scalar\)"),
    ("series-no-replications", "run2", all_series(lambda a: a[:0]), r"holds no replications"),
    ("series-transposed", "run1", replace("series/permanent_fte", lambda a: a.T.copy()),
     r"/series/permanent_fte has shape \[3, 53\], not \[53, 3\]"),
    ("week-short", "run2", replace("time/week", lambda a: a[:-1]),
     r"/time/week has 52 rows but /time/date has 53"),
    ("week-long", "run2", replace("time/week", lambda a: np.arange(len(a) + 1, dtype="i4")),
     r"/time/week has 54 rows but /time/date has 53"),
    ("week-2d", "run2", replace("time/week", lambda a: a.reshape(1, -1)),
     r"/time/week has shape \[1, 53\], not a 1-D list"),
    ("week-shifted", "run2", replace("time/week", lambda a: a + 1), r"/time/week\[0\] is 1, not 0"),
    ("date-short", "run2", replace("time/date", lambda a: strs(decoded(a[:-1]))),
     r"/time/week has 53 rows but /time/date has 52"),
    ("date-long", "run2", replace("time/date", lambda a: strs(decoded(a) + ["2018-10-07"])),
     r"/time/week has 53 rows but /time/date has 54"),
    ("date-empty", "run2", replace("time/date", lambda a: strs([])), r"/time/date is empty"),
    ("date-not-a-date", "run2", set_value("time/date", 5, "2018-02-30"),
     r"/time/date\[5\] is \"2018-02-30\", not an ISO date"),
    ("date-garbage", "run2", set_value("time/date", 0, "week one"),
     r"/time/date\[0\] is \"week one\", not an ISO date"),
    ("dates-not-consecutive", "run2",
     replace("time/date", lambda a: strs(decoded(a[:10]) + [decoded(a[11:12])[0]] + decoded(a[11:]))),
     r"/time/date\[10\] is 2017-12-17, not 7 days after /time/date\[9\] \(2017-12-03\)"),
    ("dates-swapped", "run2",
     replace("time/date", lambda a: strs(decoded(a[:3]) + decoded(a[4:5]) + decoded(a[3:4]) + decoded(a[5:]))),
     r"the weeks are not consecutive"),
    ("region-one-more", "run2", replace("employers/region", lambda a: strs(decoded(a) + ["London"])),
     r"/employers/region has 4 rows but /employers/name has 3"),
    ("subregion-one-short", "run2", replace("employers/subregion", lambda a: strs(decoded(a[:-1]))),
     r"/employers/subregion has 2 rows but /employers/name has 3"),
    ("inner-one-more", "run2", replace("employers/inner_london", lambda a: np.append(a, 0).astype("i4")),
     r"/employers/inner_london has 4 rows but /employers/name has 3"),
    ("inner-2d", "run2", replace("employers/inner_london", lambda a: a.reshape(1, -1)),
     r"/employers/inner_london has shape \[1, 3\], not a 1-D list"),
    ("name-one-short", "run2", replace("employers/name", lambda a: strs(decoded(a[:-1]))),
     r"/employers/region has 3 rows but /employers/name has 2"),
    ("names-empty", "run2", replace("employers/name", lambda a: strs([])), r"/employers/name is empty"),
    ("name-duplicate", "run2", replace("employers/name", lambda a: strs(["A", "B", "A"])),
     r"/employers/name lists \"A\" twice"),
    ("name-blank", "run2", replace("employers/name", lambda a: strs(["A", "", "C"])),
     r"/employers/name\[1\] is an empty name"),
    ("region-blank", "run2", replace("employers/region", lambda a: strs(["London", "", "South East"])),
     r"/employers/region\[1\] \(employer \"B\"\) is empty"),
    ("inner-two", "run2", replace("employers/inner_london", lambda a: np.array([0, 2, 0], dtype="i4")),
     r"/employers/inner_london\[1\] is 2, not 0 or 1"),
    ("replication-seeds-short", "run2", replace("replications/seed", lambda a: a[:1]),
     r"/replications/seed has 1 rows, not 2"),
    # /replications/parameters of a run --parameters (run2p).
    ("parameters-short", "run2p", replace("replications/parameters", lambda a: a[:1]),
     r"/replications/parameters has shape \[1, 1\], not \[2, 1\]"),
    ("parameters-nan", "run2p", set_value("replications/parameters", (1, 0), np.nan),
     r"/replications/parameters holds a value that is not finite \(replication 1, key "
     r"behaviour.inactive_rate_per_year\)"),
    ("parameters-no-keys", "run2p", delete("replications/parameter_keys"),
     r"/replications/parameter_keys"),
    # Values where counts and money are expected.
    ("nan-permanent", "run2", set_value("series/permanent_fte", (1, 52, 0), np.nan),
     r"/series/permanent_fte holds NaN at week 52 \(2018-09-30\), employer \"A\", replication 1"),
    ("inf-agency-cost", "run2", set_value("series/agency_cost_gbp", (0, 3, 2), np.inf),
     r"/series/agency_cost_gbp holds infinity at week 3 .*employer \"C\""),
    ("minus-inf-pay-cost", "run2", set_value("series/pay_cost_gbp", (0, 10, 1), -np.inf),
     r"/series/pay_cost_gbp holds -infinity"),
    ("negative-leavers", "run2", set_value("series/leavers", (0, 20, 1), -3),
     r"/series/leavers holds the negative value -3"),
    ("negative-vacancies", "run1", set_value("series/vacancies", (52, 0), -1),
     r"/series/vacancies holds the negative value -1.* at week 52"),
    ("nan-caseload", "run2", set_value("series/caseload", (0, 52, 1), np.nan),
     r"/series/caseload holds NaN"),
    ("negative-tenure", "run1", set_value("series/mean_tenure_weeks", (40, 2), -0.5),
     r"/series/mean_tenure_weeks holds the negative value"),
    ("nan-filled-series", "run1", replace("series/agency_fte", lambda a: np.full(a.shape, np.nan)),
     r"/series/agency_fte holds NaN at week 0"),
    ("not-a-file", "dir", None, r"is a directory, not a file"),
]

SWEEP_VARIANTS = [
    ("s-empty", "saltelli", truncate(0), r"is empty \(0 bytes\): not an HDF5 file"),
    ("s-trunc-8", "saltelli", truncate(8), NOT_HDF5),
    ("s-trunc-512", "saltelli", truncate(512), r"truncated"),
    ("s-trunc-25pc", "saltelli", truncate(0.25), r"truncated"),
    ("s-trunc-50pc", "saltelli", truncate(0.50), r"truncated"),
    ("s-trunc-90pc", "saltelli", truncate(0.90), r"truncated"),
    ("s-trunc-last-byte", "saltelli", truncate(-1), r"truncated"),
    ("m-trunc-50pc", "morris", truncate(0.50), r"truncated"),
    ("s-text", "saltelli", replace_bytes(b"point,agency_rate\n0,21.5\n"), r"not an HDF5 file"),
    ("s-png", "saltelli", replace_bytes(PNG), r"not an HDF5 file"),
    ("s-foreign-empty-hdf5", "saltelli", lambda p: h5py.File(p, "w").close(),
     r"not a pledgesim sweep file \(root attribute 'format' is missing"),
    ("s-run-file", "run2", None, r"not a pledgesim sweep file: a run file"),
    ("s-format-other", "saltelli", set_attr("/", "format", "salib"),
     r"not a pledgesim sweep file \(root attribute 'format' is \"salib\""),
    ("s-format-integer", "saltelli", set_attr("/", "format", np.int64(1)),
     r"root attribute 'format' is integer, not a string"),
    ("s-no-attr-format_version", "saltelli", del_attr("/", "format_version"),
     r"root attribute 'format_version' is missing"),
    ("s-version-0", "saltelli", set_attr("/", "format_version", np.int64(0)),
     r"sweep format_version 0 is not supported .*older"),
    ("s-version-3", "saltelli", set_attr("/", "format_version", np.int64(3)),
     r"sweep format_version 3 is not supported .*versions 1 to 2.*newer"),
    ("s-version-float", "saltelli", set_attr("/", "format_version", 1.0),
     r"root attribute 'format_version' is floating-point"),
    ("s-no-design", "saltelli", delete("design"), r"/design is missing"),
    ("s-no-design-parameter", "saltelli", delete("design/parameter"), r"/design/parameter is missing"),
    ("s-no-design-unit", "saltelli", delete("design/unit"), r"/design/unit is missing"),
    ("s-no-runs", "saltelli", delete("runs"), r"/runs/point is missing"),
    ("s-no-runs-point", "saltelli", delete("runs/point"), r"/runs/point is missing"),
    ("s-no-outcomes", "saltelli", delete("outcomes"), r"/outcomes is missing"),
    ("s-no-attr-kind", "saltelli", del_attr("design", "kind"), r"attribute /design.kind is missing"),
    ("s-no-attr-dimensions", "saltelli", del_attr("design", "dimensions"),
     r"attribute /design.dimensions is missing"),
    ("s-no-attr-samples", "saltelli", del_attr("design", "samples"),
     r"attribute /design.samples is missing"),
    ("m-no-attr-morris_levels", "morris", del_attr("design", "morris_levels"),
     r"attribute /design.morris_levels is missing"),
    ("s-kind-grid", "saltelli", set_attr("design", "kind", "grid"),
     r"/design/unit has shape \[16, 2\], not \[4, 2\] \(grid design, samples 4"),
    ("s-kind-lhs", "saltelli", set_attr("design", "kind", "latin_hypercube"),
     r"/design/unit has shape \[16, 2\], not \[4, 2\] \(latin_hypercube design"),
    ("s-kind-unknown", "saltelli", set_attr("design", "kind", "sobol"),
     r"/design.kind \"sobol\" is not one of"),
    ("s-kind-integer", "saltelli", set_attr("design", "kind", np.int64(2)),
     r"attribute 'kind' of /design is integer, not a string"),
    ("s-kind-morris-on-saltelli", "saltelli", compose(set_attr("design", "kind", "morris"),
                                                      set_attr("design", "morris_levels", np.int64(4))),
     r"/design/unit has shape \[16, 2\], not \[12, 2\]"),
    ("s-dimensions-0", "saltelli", set_attr("design", "dimensions", np.int64(0)),
     r"/design.dimensions \(0\) and /design.samples \(4\) must be positive"),
    ("s-dimensions-negative", "saltelli", set_attr("design", "dimensions", np.int64(-1)),
     r"must be positive"),
    ("s-dimensions-3", "saltelli", set_attr("design", "dimensions", np.int64(3)),
     r"/design/unit has shape \[16, 2\], not \[20, 3\]"),
    ("s-dimensions-huge", "saltelli", set_attr("design", "dimensions", np.int64(2**40)),
     r"/design/unit has shape \[16, 2\], not"),
    ("s-dimensions-float", "saltelli", set_attr("design", "dimensions", 2.0),
     r"attribute 'dimensions' of /design is floating-point"),
    ("s-samples-0", "saltelli", set_attr("design", "samples", np.int64(0)), r"must be positive"),
    ("s-samples-5", "saltelli", set_attr("design", "samples", np.int64(5)),
     r"/design/unit has shape \[16, 2\], not \[20, 2\]"),
    ("s-samples-overflow", "saltelli", set_attr("design", "samples", np.int64(2**62)),
     r"/design/unit has shape \[16, 2\], not \[\?, 2\]"),
    ("m-levels-odd", "morris", set_attr("design", "morris_levels", np.int64(3)),
     r"/design.morris_levels is 3, not an even number of levels >= 2"),
    ("m-levels-0", "morris", set_attr("design", "morris_levels", np.int64(0)),
     r"/design.morris_levels is 0"),
    ("s-parameter-one-name", "saltelli", replace("design/parameter", lambda a: strs(decoded(a[:1]))),
     r"/design/parameter has 1 names for 2 dimensions"),
    ("s-parameter-integers", "saltelli", replace("design/parameter", lambda a: np.arange(len(a))),
     r"/design/parameter is integer, not a string dataset"),
    ("s-parameter-fixed-length", "saltelli", replace("design/parameter", lambda a: np.array(a, dtype="S40")),
     r"/design/parameter holds fixed-length strings"),
    ("s-unit-transposed", "saltelli", replace("design/unit", lambda a: a.T.copy()),
     r"/design/unit has shape \[2, 16\], not \[16, 2\]"),
    ("s-unit-1d", "saltelli", replace("design/unit", lambda a: a.reshape(-1)),
     r"/design/unit has shape \[32\]"),
    ("s-unit-strings", "saltelli", replace("design/unit", lambda a: strs(np.full(a.shape, "x").tolist())),
     r"/design/unit is string, not numeric"),
    ("s-unit-nan", "saltelli", set_value("design/unit", (3, 1), np.nan),
     r"/design/unit\[3, 1\] is -, outside the unit interval"),
    ("s-unit-above-one", "saltelli", set_value("design/unit", (5, 0), 1.5),
     r"/design/unit\[5, 0\] is 1.5, outside the unit interval"),
    ("s-unit-negative", "saltelli", set_value("design/unit", (0, 0), -0.25),
     r"/design/unit\[0, 0\] is -0.25, outside"),
    ("s-unit-rows-shuffled", "saltelli", replace("design/unit", lambda a: a[np.r_[1, 0, 2:len(a)]]),
     r"/design/unit does not hold a saltelli design in the documented order"),
    ("m-unit-rows-shuffled", "morris", replace("design/unit", lambda a: a[np.r_[1, 0, 2:len(a)]]),
     r"/design/unit does not hold a morris design in the documented order"),
    ("s-point-float", "saltelli", replace("runs/point", lambda a: a.astype("f8")),
     r"/runs/point is floating-point, not an integer dataset"),
    ("s-point-out-of-range", "saltelli", set_value("runs/point", 3, 16),
     r"/runs/point\[3\] = 16 is not a design point \(0..15\)"),
    ("s-point-negative", "saltelli", set_value("runs/point", 0, -1),
     r"/runs/point\[0\] = -1 is not a design point"),
    ("s-point-row-missing", "saltelli", replace("runs/point", lambda a: a[:-1]),
     r"design point 15 of 16 has 0 run\(s\) in /runs/point but others have 1: the sweep is incomplete"),
    ("s-point-duplicated", "saltelli", set_value("runs/point", 1, 0),
     r"design point 1 of 16 has 0 run\(s\)"),
    ("s-point-2d", "saltelli", replace("runs/point", lambda a: a.reshape(1, -1)),
     r"/runs/point has shape \[1, 16\], not a 1-D list"),
    ("s-point-empty", "saltelli", replace("runs/point", lambda a: a[:0]),
     r"/runs/point is empty: the sweep holds no runs"),
    ("s-outcome-short", "saltelli", replace("outcomes/agency_rate.London.2018", lambda a: a[:-2]),
     r"/outcomes/agency_rate.London.2018 has shape \[14\], not one value per run \[16\]"),
    ("s-outcome-2d", "saltelli", replace("outcomes/leavers.all.2018", lambda a: a.reshape(2, -1)),
     r"/outcomes/leavers.all.2018 has shape \[2, 8\], not one value per run"),
    ("s-outcome-strings", "saltelli", replace("outcomes/leavers.all.2018", lambda a: strs(["1"] * len(a))),
     r"/outcomes/leavers.all.2018 is string, not numeric"),
    ("s-outcomes-empty", "saltelli", compose(delete("outcomes"), edit(lambda h: h.create_group("outcomes"))),
     r"/outcomes holds no datasets"),
    ("s-outcomes-is-dataset", "saltelli", compose(delete("outcomes"),
                                                  edit(lambda h: h.create_dataset("outcomes", data=[1.0]))),
     r"/outcomes is not a group"),
    ("s-group-in-outcomes", "saltelli", edit(lambda h: h.create_group("outcomes/extra")),
     r"/outcomes/extra is not a dataset"),
    ("s-units-integer", "saltelli", set_attr("outcomes/leavers.all.2018", "units", np.int64(3)),
     r"attribute 'units' of /outcomes/leavers.all.2018 is integer, not a string"),
    ("s-sensitivity-is-dataset", "saltelli", edit(lambda h: h.create_dataset("sensitivity", data=[0])),
     r"/sensitivity is not a group"),
    ("s-not-a-file", "dir", None, r"is a directory, not a file|is actually a directory"),
]

# Harmless edits: every command must still succeed on these.
RUN_CONTROLS = [
    ("ok-run2", "run2", None),
    ("ok-run1", "run1", None),
    ("ok-no-created_utc", "run2", del_attr("/", "created_utc")),
    ("ok-no-signatory", "run2", compose(delete("employers/signatory"), delete("employers/signatory_from"))),
    ("ok-no-scenario-text", "run2", delete("scenario")),
    ("ok-series-missing", "run2", delete("series/bank_cost_gbp")),
    ("ok-older-run1-without-replications", "run1", delete("replications")),
    ("ok-format-fixed-length", "run2", set_attr("/", "format", np.bytes_(b"pledgesim"))),
    ("ok-series-float", "run2", replace("series/permanent_fte", lambda a: a.astype("f8"))),
]
SWEEP_CONTROLS = [
    ("ok-saltelli", "saltelli", None),
    ("ok-morris", "morris", None),
    ("ok-no-weekly-extras", "saltelli", compose(delete("runs/seed"), delete("scenario"), delete("sweep"))),
    ("ok-nan-outcome", "saltelli", set_value("outcomes/leavers.all.2018", 4, np.nan)),
]


# --- running ---------------------------------------------------------------


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lines = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            self.lines.append(f"ok   {name}")
        else:
            self.failed += 1
            self.lines.append(f"FAIL {name}" + (f"\n     {detail}" if detail else ""))


def run(binary, *args):
    p = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def make_bases(binary, work):
    (work / "three.toml").write_text(SCENARIO)
    bases = {}
    (work / "ens.csv").write_text("weight,behaviour.inactive_rate_per_year\n1,0.02\n1,0.03\n")
    for name, extra in (("run2", ["--replications", "2"]), ("run1", []),
                        ("run2p", ["--replications", "2", "--parameters", work / "ens.csv"])):
        out = work / f"{name}.h5"
        code, _, err = run(binary, "run", work / "three.toml", "--out", out, "--seed", "5", "-q",
                           "--no-summary", *extra)
        if code != 0:
            sys.exit(f"cannot make the base run file {out}: {err}")
        bases[name] = out
    for design, samples in (("saltelli", 4), ("morris", 2)):
        spec = work / f"{design}.toml"
        spec.write_text(SWEEP.format(design=design, samples=samples))
        out = work / f"{design}.h5"
        code, _, err = run(binary, "sweep", spec, "--out", out, "-q")
        if code != 0:
            sys.exit(f"cannot make the base sweep file {out}: {err}")
        bases[design] = out
    return bases


def materialise(bases, corpus, name, base, mutate):
    path = corpus / f"{name}.h5"
    if base == "dir":
        path.mkdir()
        return path
    shutil.copyfile(bases[base], path)
    if mutate:
        mutate(path)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def refused(binary, args, path, expect):
    """Runs a command that must refuse `path`; returns a failure text or ''."""
    code, out, err = run(binary, *args)
    problems = []
    if code != 2:
        problems.append(f"exit {code}, not 2")
    if out.strip():
        problems.append(f"printed on stdout: {out[:200]!r}")
    if str(path) not in err:
        problems.append("the message does not name the file")
    if not re.search(expect, err):
        problems.append(f"the message does not match /{expect}/")
    if "HDF5-DIAG" in err or "internal error" in err:
        problems.append("HDF5 error stack or internal error on stderr")
    return "; ".join(problems) + (f"\n     stderr: {err.strip()[:400]}" if problems else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pledgesim")
    parser.add_argument("--keep", help="write the corpus to this directory and keep it")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    binary = os.path.abspath(args.pledgesim)
    tmp = tempfile.mkdtemp(prefix="pledgesim-bad-h5-")
    try:
        work = Path(tmp)
        bases = make_bases(binary, work)
        corpus = Path(args.keep) if args.keep else work / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        good_run = bases["run2"]

        jobs = []  # (check name, function returning failure text or '')
        run_files = sweep_files = 0
        for name, base, mutate, expect in RUN_VARIANTS:
            path = materialise(bases, corpus, name, base, mutate)
            run_files += 1
            for label, cmd in (("summarize V", ["summarize", path]),
                               ("compare GOOD V", ["compare", good_run, path]),
                               ("compare V GOOD", ["compare", path, good_run])):
                jobs.append((f"{name}: {label}",
                             lambda cmd=cmd, path=path, expect=expect: refused(binary, cmd, path, expect)))
        for name, base, mutate, expect in SWEEP_VARIANTS:
            path = materialise(bases, corpus, name, base, mutate)
            sweep_files += 1
            before = digest(path)

            def sensitivity(path=path, expect=expect, before=before):
                why = refused(binary, ["sensitivity", path], path, expect)
                if not why and digest(path) != before:
                    why = "the file was modified"
                return why
            jobs.append((f"{name}: sensitivity V", sensitivity))

        controls = 0
        for name, base, mutate in RUN_CONTROLS:
            path = materialise(bases, corpus, name, base, mutate)
            controls += 1
            for label, cmd in (("summarize", ["summarize", path]),
                               ("compare GOOD V", ["compare", good_run, path]),
                               ("compare V GOOD", ["compare", path, good_run])):
                def accepted(cmd=cmd):
                    code, out, err = run(binary, *cmd)
                    return "" if code == 0 and out.strip() else f"exit {code}: {err.strip()[:300]}"
                jobs.append((f"control {name}: {label} exits 0", accepted))
        for name, base, mutate in SWEEP_CONTROLS:
            path = materialise(bases, corpus, name, base, mutate)
            controls += 1

            def accepted(path=path):
                code, out, err = run(binary, "sensitivity", path, "--no-write")
                return "" if code == 0 and out.strip() else f"exit {code}: {err.strip()[:300]}"
            jobs.append((f"control {name}: sensitivity exits 0", accepted))

        checks = Checks()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(lambda job: (job[0], job[1]()), jobs))
        for name, why in results:
            checks.check(name, not why, why)
        print("\n".join(checks.lines))
        invocations = len(RUN_VARIANTS) * 3 + len(SWEEP_VARIANTS)
        print(f"{run_files + sweep_files} malformed files ({run_files} run files x summarize, "
              f"compare both ways; {sweep_files} sweep files x sensitivity) = {invocations} "
              f"refusals checked; {controls} control files accepted")
        print(f"{checks.passed} passed, {checks.failed} failed")
        return 0 if checks.failed == 0 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
