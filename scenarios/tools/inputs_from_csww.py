#!/usr/bin/env python3
"""Write the time-varying inputs table of the scenario library
(scenarios/data/inputs_2017_2021.csv) from the DfE children's social work
workforce data in scenarios/data, plus the national pay awards.

Usage (from the top of the clone):
  /usr/bin/python3 scenarios/tools/inputs_from_csww.py > scenarios/data/inputs_2017_2021.csv

Rows (scope, date, variable, value, source), one per 30 September snapshot:
- establishment = in post FTE + vacancy FTE (funded posts), for each London
  authority return and for the South East and East of England regions;
- case_demand = caseload x (in post FTE + agency FTE): the cases that give
  DfE's caseload (cases per case holder) when the model's post holders and
  locums match DfE's in post and agency FTE, as the scenario's start does.
Values 'x' and 'u' in the data give no row (the series is linear between
the rows it has).

Pay awards (scope "all", 1 April): the National Joint Council for local
government services pay agreements for the pay points of social workers:
2% in 2018 and 2019 (the 2018-2020 agreement), 2.75% in 2020, 1.75% in 2021
(agreed February 2022, backdated to April 2021). From 2022 the awards were
flat sums; the rows below convert them at a salary of GBP 40,000 (London's
social worker median was GBP 39,855 in 2018): GBP 1,925 in 2022 and 2023
(4.8%), GBP 1,290 in 2024 (3.2%). Sources: NJC pay agreements (Local
Government Association, 'Pay and conditions' circulars 2018-2024).
"""
import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
DFE = "DfE CSWW {year}"
REGIONS = ["South East", "East of England"]
PAY_AWARDS = [
    ("2018-04-01", 0.02, "NJC pay agreement 2018-20 (2% a year)"),
    ("2019-04-01", 0.02, "NJC pay agreement 2018-20 (2% a year)"),
    ("2020-04-01", 0.0275, "NJC pay agreement 2020 (2.75%)"),
    ("2021-04-01", 0.0175, "NJC pay agreement 2021 (1.75%)"),
    ("2022-04-01", 0.048, "NJC pay agreement 2022: GBP 1,925 flat, 4.8% of GBP 40,000 (derived)"),
    ("2023-04-01", 0.048, "NJC pay agreement 2023: GBP 1,925 flat, 4.8% of GBP 40,000 (derived)"),
    ("2024-04-01", 0.032, "NJC pay agreement 2024: GBP 1,290 flat, 3.2% of GBP 40,000 (derived)"),
]


def num(value):
    try:
        return float(value)
    except ValueError:
        return None


def rows_of(scope, year, row):
    date = f"{year}-09-30"
    source = DFE.format(year=year)
    inpost, vacancy = num(row["inpost_fte"]), num(row["vacancy_fte"])
    agency, caseload = num(row["agency_fte"]), num(row["caseload_fte"])
    if inpost is not None and vacancy is not None:
        yield [scope, date, "establishment", f"{inpost + vacancy:.1f}",
               source + ": in post + vacancies"]
    if inpost is not None and agency is not None and caseload is not None:
        yield [scope, date, "case_demand", f"{caseload * (inpost + agency):.1f}",
               source + ": caseload x (in post + agency)"]


def main():
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["scope", "date", "variable", "value", "source"])
    with open(DATA / "csww_london_la_2017_2021.csv", newline="") as f:
        for row in sorted(csv.DictReader(f), key=lambda r: (r["la_name"], r["time_period"])):
            out.writerows(rows_of(row["la_name"], row["time_period"], row))
    with open(DATA / "csww_regions_2017_2021.csv", newline="") as f:
        regional = [r for r in csv.DictReader(f) if r["region_name"] in REGIONS]
        for row in sorted(regional, key=lambda r: (r["region_name"], r["time_period"])):
            out.writerows(rows_of(row["region_name"], row["time_period"], row))
    for date, rate, source in PAY_AWARDS:
        out.writerow(["all", date, "pay_award", f"{rate:g}", source])


if __name__ == "__main__":
    main()
