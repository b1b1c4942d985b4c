"""Check the data frame that the README's R snippet built from a run file
against h5py's reading of the same file.

The R side (tests/cli/test_readme_r.sh) writes the frame with write.csv and,
one per line, "column class" for each column and then "units VALUE". The
frame must have one row per cell of /series/METRIC, columns `employer`,
`date` (class Date), `replication` (integer, only when the series has a
replication dimension) and METRIC, and each row's value must be the file's
value for that (replication,) week and employer.

Usage: readme_r_check.py DIR METRIC [DIR METRIC ...]
where each DIR holds results/london_baseline.h5 (the run file), frame.csv
and meta.txt (one interpreter checks every case: its start-up dominates).
Writes DIR/check.out, "match: ..." or one "mismatch: ..." line per
difference; exit 0 when every case matches, else 1.
"""

import sys

import h5py
import numpy as np
import pandas as pd


def expected_frame(path, metric):
    """The series as a tidy frame, labelled by the file's dimension labels."""
    with h5py.File(path, "r") as f:
        ds = f["series/" + metric]
        scales = {
            "week": pd.Index(f["time/date"].asstr()[:], name="date"),
            "employer": pd.Index(f["employers/name"].asstr()[:], name="employer"),
            "replication": pd.Index(f["replications/index"][:], name="replication"),
        }
        # "employers" in format_version 1, "employer" in 2.
        labels = [dim.label.replace("employers", "employer") for dim in ds.dims]
        index = pd.MultiIndex.from_product([scales[label] for label in labels])
        series = pd.Series(ds[:].ravel(), index=index, name=metric)
        return series.reset_index(), ds.attrs["units"], ds.dtype


def read_meta(path):
    """The column classes and the units attribute the R side wrote."""
    classes, units = {}, None
    with open(path, encoding="utf-8") as meta:
        for line in meta.read().splitlines():
            key, _, value = line.partition(" ")
            if key == "units":
                units = value
            else:
                classes[key] = value
    return classes, units


def check_case(run_file, metric, frame_csv, meta_txt):
    """The problems found in one case (empty when it matches) and a summary."""
    want, want_units, dtype = expected_frame(run_file, metric)
    got = pd.read_csv(frame_csv, dtype={"employer": str, "date": str})
    classes, units = read_meta(meta_txt)
    problems = []

    want_columns = {"employer": "character", "date": "Date", metric: None}
    if "replication" in want.columns:
        want_columns["replication"] = "integer"
    if set(got.columns) != set(want_columns):
        problems.append(f"columns {sorted(got.columns)}, expected {sorted(want_columns)}")
    for column, r_class in want_columns.items():
        if r_class and classes.get(column) != r_class:
            problems.append(f"column {column} has R class {classes.get(column)}, expected {r_class}")
    if units != want_units:
        problems.append(f"units attribute {units!r}, expected {want_units!r}")
    if len(got) != len(want):
        problems.append(f"{len(got)} rows, expected {len(want)} (one per cell)")
    if problems:
        return problems, None

    keys = [c for c in want.columns if c != metric]
    if got.duplicated(keys).any():
        problems.append("some (replication,) week and employer appear twice")
    both = want.merge(got, on=keys, how="outer", suffixes=("_h5py", "_r"), indicator=True)
    unmatched = both[both["_merge"] != "both"]
    if len(unmatched):
        problems.append(f"{len(unmatched)} rows without a partner, e.g.\n{unmatched.head()}")
    matched = both[both["_merge"] == "both"]
    h5_values = matched[metric + "_h5py"].to_numpy(dtype=float)
    r_values = matched[metric + "_r"].to_numpy(dtype=float)
    # write.csv keeps 15 significant digits: exact for counts, not for doubles.
    tolerance = 0 if np.issubdtype(dtype, np.integer) else 1e-13
    wrong = ~np.isclose(h5_values, r_values, rtol=tolerance, atol=0)
    if wrong.any():
        problems.append(f"{wrong.sum()} values differ, e.g.\n{matched[wrong].head()}")
    return problems, f"{len(got)} rows of {metric} match h5py ({', '.join(keys)})"


def main(argv):
    cases = argv[1:]
    if not cases or len(cases) % 2:
        sys.exit(__doc__)
    status = 0
    for case_dir, metric in zip(cases[::2], cases[1::2]):
        try:
            problems, summary = check_case(
                f"{case_dir}/results/london_baseline.h5",
                metric,
                f"{case_dir}/frame.csv",
                f"{case_dir}/meta.txt",
            )
        except (OSError, KeyError, ValueError, pd.errors.ParserError) as error:
            problems, summary = [f"cannot read the case: {error}"], None
        lines = [f"mismatch: {p}" for p in problems] or [f"match: {summary}"]
        with open(f"{case_dir}/check.out", "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
