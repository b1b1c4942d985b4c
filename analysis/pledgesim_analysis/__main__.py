"""``python3 -m pledgesim_analysis FILE.h5 [FILE.h5 ...]``: describe run files.

Prints, for each file, the scenario, seed, time span, employers and the
metrics with their units. Exit status 0 if every file could be read, 2 if
any was missing or not a pledgesim run file (the message names the file).
"""

from __future__ import annotations

import argparse
import sys
import tomllib

from .reader import Run, read_run


def _scenario_description(run: Run) -> str:
    try:
        return str(tomllib.loads(run.scenario_text).get("description", ""))
    except tomllib.TOMLDecodeError:
        return ""


def describe(run: Run) -> str:
    """A short human-readable description of a run file."""
    a = run.attrs
    lines = [f"{run.path}"]
    lines.append(
        f"  format       {a.get('format')} v{a.get('format_version')}, written by "
        f"pledgesim {a.get('software_version')} at {a.get('created_utc')}"
    )
    scenario = f"  scenario     {a.get('scenario_name')}"
    description = _scenario_description(run)
    if description:
        scenario += f": {description}"
    lines.append(scenario)
    lines.append(f"  seed         {a.get('seed')}")
    if len(run.dates):
        span = f" ({run.dates[0]:%Y-%m-%d} to {run.dates[-1]:%Y-%m-%d}, first day of each week)"
    else:
        span = ""
    lines.append(f"  weeks        {len(run.weeks)}{span}")
    if run.has_replication_dim:
        lines.append(f"  replications {run.replications}")
    if run.has_parameters:
        lines.append(f"  parameters   {len(run.parameter_keys)} keys per replication from "
                     f"{run.parameter_source or '(unnamed)'}: {', '.join(run.parameter_keys)}")
    emp = run.employers
    by_region = ""
    if "region" in emp and len(emp):
        counts = emp["region"].value_counts(sort=False)
        by_region = " (" + ", ".join(f"{r}: {n}" for r, n in counts.items()) + ")"
    lines.append(f"  employers    {len(emp)}{by_region}")
    if "signatory" in emp:
        lines.append(f"  signatories  {int(emp['signatory'].sum())}")
    lines.append(f"  metrics      {len(run.metrics)} in /series, shape "
                 + ("[replications, weeks, employers]" if run.has_replication_dim
                    else "[weeks, employers]"))
    width = max((len(m) for m in run.metrics), default=0)
    unit_width = max((len(run.units.get(m, "")) for m in run.metrics), default=0)
    for m in run.metrics:
        units = run.units.get(m, "") or "-"
        lines.append(f"    {m:<{width}}  {units:<{unit_width}}  {run.descriptions.get(m, '')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m pledgesim_analysis",
        description="Describe pledgesim run files (HDF5): scenario, seed, weeks, "
        "employers, metrics with units.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE.h5")
    args = parser.parse_args(argv)
    status = 0
    for i, path in enumerate(args.files):
        try:
            run = read_run(path)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        if i:
            print()
        print(describe(run))
    return status


if __name__ == "__main__":
    sys.exit(main())
