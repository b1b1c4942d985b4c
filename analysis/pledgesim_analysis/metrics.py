"""Stability and cost indicators from run files, in numpy/pandas.

The definitions are those of ``pledgesim summarize`` (analysis/cpp, see
docs/analysis.md), and a test checks that both give the same numbers:

* year to 30 September: stocks in the week containing 30 September, flows
  summed over the weeks since the previous such week; agency rate = agency /
  (agency + in post), vacancy rate = vacancies / (vacancies + in post),
  turnover = leavers in the year / in post at 30 September (all in %);
* financial year (April-March): costs summed over the weeks up to and
  including the week containing 31 March.

Every function works per replication (leading axis) so that intervals can be
taken across replications, and pairs of runs compared replication by
replication.
"""

from __future__ import annotations

from dataclasses import dataclass

import h5py
import numpy as np
import pandas as pd

from .reader import Run

WEEKS_PER_YEAR = 365.25 / 7.0

#: Cost components stacked in the cost figure: (label, how to compute). The
#: agency charge is split into what reaches the worker (pay and on-costs),
#: the agency's margin and the MSP fee.
COST_COMPONENTS = [
    ("permanent pay and on-costs", ("pay_cost_gbp",), ()),
    ("agency: worker pay and on-costs", ("agency_cost_gbp",), ("agency_margin_gbp", "msp_fee_gbp")),
    ("agency margin", ("agency_margin_gbp",), ()),
    ("MSP fee", ("msp_fee_gbp",), ()),
    ("incentives", ("incentive_cost_gbp",), ()),
    ("in-house bank", ("bank_cost_gbp",), ()),
    ("recruitment", ("recruitment_cost_gbp",), ()),
]


@dataclass(frozen=True)
class Period:
    kind: str  # "year_to_30_sep" or "financial_year"
    year: int  # year of the snapshot, or year the financial year ends
    first: int  # first week (inclusive)
    last: int  # last week (inclusive)

    @property
    def weeks(self) -> int:
        return self.last - self.first + 1

    @property
    def complete(self) -> bool:
        return self.weeks >= 52

    @property
    def label(self) -> str:
        if self.kind == "year_to_30_sep":
            return str(self.year)
        return f"{self.year - 1}-{self.year % 100:02d}"


def periods(dates: pd.DatetimeIndex, kind: str = "year_to_30_sep") -> list[Period]:
    """Reporting periods for weeks starting on ``dates``."""
    month, day = (9, 30) if kind == "year_to_30_sep" else (3, 31)
    out, first = [], 0
    for w, d in enumerate(dates):
        close = pd.Timestamp(year=(d + pd.Timedelta(days=6)).year, month=month, day=day)
        if d <= close < d + pd.Timedelta(days=7):
            out.append(Period(kind, close.year, first, w))
            first = w + 1
    return out


def stack(run: Run, name: str) -> np.ndarray:
    """A series as float64 [replications, weeks, employers]."""
    with h5py.File(run.path, "r") as f:
        a = f["series"][name][()].astype(float)
    return a if a.ndim == 3 else a[np.newaxis]


def london_columns(run: Run) -> np.ndarray:
    """Boolean mask of the employers in region London."""
    return (run.employers["region"] == "London").to_numpy()


def headline_group(run: Run) -> tuple[str, np.ndarray]:
    """The group the report's time series show: London when the run has
    London employers, else all employers."""
    mask = london_columns(run)
    if mask.any():
        return "London", mask
    return "all", np.ones(len(run.employers), dtype=bool)


def weekly_rates(run: Run, mask: np.ndarray) -> dict[str, np.ndarray]:
    """Weekly rates (in %) for the employers in ``mask``, per replication
    [replications, weeks]: agency rate, vacancy rate, and turnover over the
    last 52 weeks (leavers in weeks t-51..t / in post at t; NaN before week 51)."""
    perm = stack(run, "permanent_fte")[:, :, mask].sum(axis=2)
    agency = stack(run, "agency_fte")[:, :, mask].sum(axis=2)
    vac = stack(run, "vacancies")[:, :, mask].sum(axis=2)
    leavers = stack(run, "leavers")[:, :, mask].sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "agency_rate": 100 * agency / (agency + perm),
            "vacancy_rate": 100 * vac / (vac + perm),
        }
        csum = np.cumsum(leavers, axis=1)
        rolling = np.full_like(leavers, np.nan)
        if leavers.shape[1] >= 52:
            rolling[:, 51:] = csum[:, 51:] - np.concatenate(
                [np.zeros((leavers.shape[0], 1)), csum[:, :-52]], axis=1)
        out["turnover_rate"] = 100 * rolling / perm
    return out


def annual_rates(run: Run, columns=None) -> dict[str, np.ndarray]:
    """DfE rates per replication, year to 30 September and employer group.

    ``columns``: a dict group name -> boolean mask (default: one group per
    employer). Returns {"agency_rate"|"vacancy_rate"|"turnover_rate": array
    [replications, years, groups]} plus "periods" (the years) and "groups"
    (their names).
    """
    if columns is None:
        names = run.employer_names
        columns = {n: np.arange(len(names)) == i for i, n in enumerate(names)}
    years = periods(run.dates, "year_to_30_sep")
    perm, agency, vac, leavers = (stack(run, m) for m in
                                  ("permanent_fte", "agency_fte", "vacancies", "leavers"))
    shape = (perm.shape[0], len(years), len(columns))
    out = {k: np.full(shape, np.nan) for k in ("agency_rate", "vacancy_rate", "turnover_rate")}
    for g, mask in enumerate(columns.values()):
        for y, p in enumerate(years):
            pe = perm[:, p.last, mask].sum(axis=1)
            ag = agency[:, p.last, mask].sum(axis=1)
            va = vac[:, p.last, mask].sum(axis=1)
            le = leavers[:, p.first:p.last + 1, mask].sum(axis=(1, 2))
            with np.errstate(invalid="ignore", divide="ignore"):
                out["agency_rate"][:, y, g] = 100 * ag / (ag + pe)
                out["vacancy_rate"][:, y, g] = 100 * va / (va + pe)
                out["turnover_rate"][:, y, g] = 100 * le / pe
    out["periods"] = years
    out["groups"] = list(columns)
    return out


def annual_costs(run: Run, mask: np.ndarray) -> pd.DataFrame:
    """Cost components per financial year for the employers in ``mask``:
    one row per replication, financial year and component, value in GBP.
    Components whose series the run lacks are left out."""
    fys = periods(run.dates, "financial_year")
    rows = []
    cache = {}

    def weekly(name):
        if name not in cache:
            cache[name] = stack(run, name)[:, :, mask].sum(axis=2)
        return cache[name]

    for label, plus, minus in COST_COMPONENTS:
        if not all(m in run.metrics for m in plus):
            continue
        series = sum(weekly(m) for m in plus)
        for m in minus:
            if m in run.metrics:
                series = series - weekly(m)
        for p in fys:
            values = series[:, p.first:p.last + 1].sum(axis=1)
            for r, v in enumerate(values):
                rows.append({"replication": r, "period": p.label, "weeks": p.weeks,
                             "complete": p.complete, "component": label, "gbp": v})
    return pd.DataFrame(rows, columns=["replication", "period", "weeks", "complete",
                                       "component", "gbp"])
