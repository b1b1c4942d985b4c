#!/usr/bin/env python3
"""Print the [[authorities]] table of a pledgesim scenario from the DfE
children's social work workforce data (30 September snapshot of one year).

Usage: authorities_from_csww.py scenarios/data/csww_london_la_2017_2021.csv 2017
(the data and its provenance: scenarios/data/README.md)

Source: DfE, Children's social work workforce, indicators data set
(explore-education-statistics, bd4d8c04-716a-4447-af3d-677aa3223917).
Sub-regions: London Plan (2016) sub-regions. Missing caseloads ('x', 'u')
take the London value for the year (16.1 in 2017).
"""
import csv
import sys

SUBREGION = {
    "Central": ["Camden", "City of London", "Islington", "Kensington and Chelsea", "Lambeth",
                "Southwark", "Westminster"],
    "East": ["Barking and Dagenham", "Bexley", "Greenwich", "Hackney", "Havering", "Lewisham",
             "Newham", "Redbridge", "Tower Hamlets", "Waltham Forest"],
    "North": ["Barnet", "Enfield", "Haringey"],
    "South": ["Bromley", "Croydon", "Kingston upon Thames / Richmond upon Thames", "Merton",
              "Sutton", "Wandsworth"],
    "West": ["Brent", "Ealing", "Hammersmith and Fulham", "Harrow", "Hillingdon", "Hounslow"],
}
SUB_OF = {la: sub for sub, las in SUBREGION.items() for la in las}
LONDON_CASELOAD = {"2017": 16.1, "2018": 15.8, "2019": 15.1, "2020": 14.6, "2021": 14.5}


def num(value, fallback):
    try:
        return float(value)
    except ValueError:
        return fallback


def main(path, year):
    print(f"# London authorities at 30 September {year} (DfE CSWW; see scenarios/data/README.md).")
    print("# establishment = in post + vacancies; agency and caseload as reported.")
    print("authorities = [")
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["time_period"] != year:
                continue
            name = row["la_name"]
            inner = row["region"] == "Inner London"
            print(
                f'  {{ name = "{name}", region = "London", subregion = "{SUB_OF[name]}", '
                f'inner_london = {"true" if inner else "false"}, '
                f'inpost_fte = {num(row["inpost_fte"], 0):g}, '
                f'vacancy_fte = {num(row["vacancy_fte"], 0):g}, '
                f'agency_fte = {num(row["agency_fte"], 0):g}, '
                f'caseload = {num(row["caseload_fte"], LONDON_CASELOAD[year]):g} }},')
    print("]")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
