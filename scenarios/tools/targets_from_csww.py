#!/usr/bin/env python3
"""Write the calibration targets file scenarios/calibration/london_targets.toml
from the DfE children's social work workforce figures in scenarios/data.

Usage (from the top of the clone):
  /usr/bin/python3 scenarios/tools/targets_from_csww.py > scenarios/calibration/london_targets.toml

Targets: for Inner London, Outer London, the South East and the East of
England, each year to 30 September 2018-2021, the agency, vacancy and
turnover rates, FTE in post, starters, leavers and caseload (112 in all).
London as a whole is not a target: it is the sum of Inner and Outer London.
Leavers by destination are published for England only, not by region, so
they are not targets (the README compares them with England's).

Each target's uncertainty (docs/calibration.md): `rounding` is half the unit
DfE publishes it to (one decimal: 0.05); `sd` is the model discrepancy, how
far the model may miss a regional figure (our choice, about the year-to-year
movement of each series): 1.5 percentage points for a rate, 4% of FTE in
post, 10% of starters and leavers, 0.5 cases per FTE. The simulation noise
of the replications is measured by `calibrate` itself.
"""
import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
REGIONS = ["Inner London", "Outer London", "South East", "East of England"]
YEARS = [2018, 2019, 2020, 2021]

# (indicator, DfE column, discrepancy sd: a number, or a share of the observed value)
INDICATORS = [
    ("agency_rate", "agency_rate_fte", 1.5, None),
    ("vacancy_rate", "vacancy_rate_fte", 1.5, None),
    ("turnover_rate", "turnover_rate_fte", 1.5, None),
    ("inpost_fte", "inpost_fte", None, 0.04),
    ("starters", "starters_fte", None, 0.10),
    ("leavers", "leavers_fte", None, 0.10),
    ("caseload", "caseload_fte", 0.5, None),
]

# (key, min, max, start, note); start: the value before this fit, so that the
# command reproduces its result whatever the baseline holds now. Priors are uniform on [min, max]: no
# published estimate of these behavioural rates exists; the bounds are our
# judgement of plausible values, wide enough that the data decide.
PARAMETERS = [
    ("behaviour.agency_taste_mean", -3.0, 1.0, -0.08, "taste for agency work (logit scale)"),
    ("behaviour.exit_rate_per_year", 0.02, 0.12, 0.044, "leaving the profession, the neighbours"),
    ("behaviour.search_rate_per_year", 0.02, 0.6, 0.092, "job search, the neighbours"),
    ("behaviour.return_rate_per_year", 0.05, 1.5, 0.51, "return from inactivity"),
    ("behaviour.agency_search_rate_per_year", 0.05, 2.0, 0.3, "placed locums' search for a change"),
    ("behaviour.stress_exit_sensitivity", 0.0, 3.0, 2.0, "exit hazard's response to caseload stress"),
    ("behaviour_by_region.London.search_rate_per_year", 0.02, 0.8, 0.23, "job search, London"),
    ("behaviour_by_region.London.exit_rate_per_year", 0.02, 0.15, 0.047, "leaving the profession, London"),
    ("behaviour_by_region.London.agency_taste_mean", -3.0, 1.0, -0.08437, "taste for agency work, London"),
    ("shocks.intake_london.multiplier", 0.3, 4.0, 0.92, "London's newly qualified intake"),
    ("shocks.intake_neighbours.multiplier", 0.3, 4.0, 1.29, "the neighbours' newly qualified intake"),
    ("agency.locum_demand_caseload_sensitivity", 0.0, 10.0, 1.8, "locums wanted per unit of caseload pressure"),
    ("pay.inner_london_index", 1.0, 1.1, 1.0, "inner London's pay premium (at least outer London's)"),
    ("agency.cap_breach_probability", 0.0, 1.0, 0.75, "chance an authority pays over a cap"),
]


def fmt(x):
    return repr(round(float(x), 6))


def main():
    rows = {}
    with open(DATA / "csww_regions_2017_2021.csv", newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["region_name"], int(r["time_period"]))] = r
    out = [
        "# Calibration targets, written by scenarios/tools/targets_from_csww.py",
        "# (edit that, not this file): the DfE children's social work workforce",
        "# figures of Inner London, Outer London, the South East and the East of",
        "# England for the years to 30 September 2018-2021.",
        "#",
        "# Fitted on london_history (the memorandum in force in London; the",
        "# neighbours keep the baseline's market, so they anchor the parameters",
        "# where no cap applies). Source of every observed value: DfE, Children's",
        "# social work workforce, indicators data set (csww_regions_2017_2021.csv,",
        "# see scenarios/data/README.md). sd: model discrepancy (our choice: 1.5 pp",
        "# for a rate, 4% of FTE in post, 10% of starters and leavers, 0.5 cases per",
        "# FTE); rounding: half the unit DfE publishes to. Priors: uniform on the",
        "# bounds (no published estimate of these rates exists; the bounds are our",
        "# judgement of plausible values).",
        'scenario = "../london_history.toml"',
        "years = 4            # to September 2021, the last DfE year in the data",
        "seed = 1",
        "replications = 4",
        "max_evaluations = 400  # the optimiser's, global and local stages together",
        "",
        "[posterior]",
        "particles = 100",
        "max_evaluations = 12000",
        "max_moves = 6",
        "",
    ]
    for key, lo, hi, start, note in PARAMETERS:
        out += ["[[parameters]]", f'key = "{key}"']
        out.append(f"start = {fmt(start)}  # the value before this fit")
        out += [f"min = {fmt(lo)}", f"max = {fmt(hi)}", f'note = "{note}"', ""]
    for year in YEARS:
        for region in REGIONS:
            r = rows[(region, year)]
            for name, column, sd, share in INDICATORS:
                observed = float(r[column])
                s = sd if sd is not None else share * observed
                out += [
                    "[[targets]]",
                    f'indicator = "{name}"',
                    f'group = "{region}"',
                    f"year = {year}",
                    f"observed = {fmt(observed)}",
                    f"sd = {fmt(round(s, 2))}",
                    "rounding = 0.05",
                    f'source = "DfE CSWW {year}"',
                    "",
                ]
    print("\n".join(out).rstrip())


if __name__ == "__main__":
    main()
