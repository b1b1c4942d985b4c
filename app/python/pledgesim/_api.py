"""Running scenarios and tabulating runs from Python: the same library as the
``pledgesim`` program, in memory.

``run`` returns an ``xarray.Dataset`` built exactly as
``pledgesim_analysis.open_run`` builds one from a run file; ``summarize``
and ``compare`` return the tables of ``pledgesim summarize --format csv``
and ``pledgesim compare --format csv`` as pandas DataFrames (same columns),
from Datasets or from run files.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from pledgesim_analysis.dataset import build_dataset, build_events_dataset
from pledgesim_analysis.reader import event_categories

from . import _native
from ._scenario import Scenario

#: What ``summarize``/``compare`` take: an in-memory run or an opened file
#: (an xarray Dataset from ``run`` or ``open_run``), or a run file's path.
RunLike = "xr.Dataset | str | os.PathLike"


def run(scenario: "Scenario | str | os.PathLike | Mapping[str, Any] | None" = None, *,
        replications: int = 1, threads: int = 0, seed: int | None = None,
        years: int | None = None, overrides: Mapping[str, Any] | None = None,
        parameters: str | os.PathLike | None = None,
        events: bool = False) -> "xr.Dataset | tuple[xr.Dataset, xr.Dataset]":
    """Run a scenario in memory and return its weekly series.

    ``scenario``: a :class:`Scenario`, a scenario file's path, a dict, or None
    for the built-in London scenario. ``seed``, ``years`` and ``overrides``
    (dotted keys) are applied as ``pledgesim run --seed/--years/--set`` would.
    ``replications`` > 1 runs independent replications on derived seeds
    (replication 0 on ``seed``); ``threads`` = 0 uses every core.
    ``parameters``: a parameter ensemble (CSV, e.g. the calibration's
    ``scenarios/calibration/london_fit.ensemble.csv``), as ``run --parameters``:
    replication r runs set r, and summaries default to prediction intervals. The result
    is the same for any thread count, and equals the file ``pledgesim run``
    writes for the same scenario and seed.

    The GIL is released while the run is in progress; Ctrl-C (or a notebook's
    interrupt) stops it at the end of the simulated week and raises
    ``KeyboardInterrupt``.

    ``events=True`` (one replication only, as ``run --events``) also records
    every change of a practitioner's status or employer and returns
    ``(series, events)``: ``events`` is the Dataset that
    ``open_run(path, group="events")`` gives for that run's file.
    """
    s = Scenario.load(scenario)
    extra = dict(overrides or {})
    if years is not None:
        extra["years"] = years
    if seed is not None:
        extra["seed"] = seed
    if extra:
        s = s.with_overrides(extra)
    if replications < 1:
        raise ValueError(f"replications must be at least 1, not {replications}")
    if threads < 0:
        raise ValueError(f"threads must be 0 (all cores) or more, not {threads}")
    if events and replications != 1:
        raise ValueError(f"events are recorded for one replication only, not {replications}")
    contents = _native.run(s._native, int(replications), int(threads),
                           os.fspath(parameters) if parameters is not None else "", bool(events))
    attrs = dict(contents["attrs"])
    if not attrs.get("created_utc"):
        attrs["created_utc"] = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
    series = build_dataset(series=contents["series"], units=contents["units"],
                         descriptions=contents["descriptions"], dates=contents["dates"],
                         employers=contents["employers"],
                         replication_seeds=contents["replication_seeds"], attrs=attrs,
                         parameters=contents["parameters"])
    if not events:
        return series
    table = contents["events"]
    categories = event_categories(table["labels"], contents["employers"]["name"])
    return series, build_events_dataset(columns=table["columns"], categories=categories,
                                        dates=contents["dates"], attrs=attrs)


def summarize(run: RunLike, *, by: str = "total", indicators: list[str] | None = None,
              interval: str | None = None) -> pd.DataFrame:
    """The annual indicators of a run, as ``pledgesim summarize --format csv``:
    one row per (group, indicator, period) with the mean across replications
    and its 90% interval. ``by``: total, region, subregion or authority;
    ``interval``: "mean" or "prediction" (default: by the run, as the program)."""
    csv, notes = _native.summarize(_to_native(run), by, list(indicators or []), interval or "")
    _warn(notes)
    return pd.read_csv(io.StringIO(csv))


def compare(a: RunLike, b: RunLike, *more: RunLike, by: str = "total",
            indicators: list[str] | None = None, interval: str | None = None,
            allow_different_parameters: bool = False) -> pd.DataFrame:
    """B − A (and C − A, ...) per indicator, group and period, paired
    replication by replication, as ``pledgesim compare --format csv``. Caveats
    the program prints beside its table come as warnings."""
    runs = [_to_native(x) for x in (a, b, *more)]
    csv, notes = _native.compare(runs, by, list(indicators or []), interval or "",
                                 bool(allow_different_parameters))
    _warn(notes)
    return pd.read_csv(io.StringIO(csv))


def _warn(notes: list[str]) -> None:
    for note in notes:
        warnings.warn(note, stacklevel=3)


def _to_native(run: RunLike):
    """A run file's path as is; a Dataset as (metadata, {series: array})."""
    if isinstance(run, (str, os.PathLike)):
        return os.fspath(run)
    if not isinstance(run, xr.Dataset):
        raise TypeError("a run is an xarray Dataset (from pledgesim.run or open_run) or a run "
                        f"file's path, not {type(run).__name__}")
    return _dataset_metadata(run), _dataset_series(run)


def _dataset_series(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Every weekly series as float64 [replication, week, employer]."""
    out = {}
    for name, var in ds.data_vars.items():
        if set(var.dims) == {"replication", "week", "employer"}:
            out[str(name)] = np.ascontiguousarray(
                var.transpose("replication", "week", "employer").values, dtype=np.float64)
    if not out:
        raise ValueError("the Dataset has no weekly series (replication x week x employer)")
    return out


def _dataset_metadata(ds: xr.Dataset) -> dict[str, Any]:
    a = ds.attrs
    dates = pd.DatetimeIndex(ds["date"].values).strftime("%Y-%m-%d").tolist()
    employers = ds["employer"]

    def column(name: str, default):
        return ds[name].values.tolist() if name in ds.coords else [default] * employers.size

    keys = [str(k) for k in ds["parameter"].values] if "parameter" in ds.dims else []
    values = (ds["parameter_values"].transpose("replication", "parameter").values.ravel().tolist()
              if keys else [])
    source = str(ds["parameter_values"].attrs.get("source", "")) if keys else ""
    return {
        "path": str(a.get("source", f"<memory: {a.get('scenario_name', '')}>")),
        "software_version": str(a.get("software_version", "")),
        "rng_contract": int(a.get("rng_contract", 0)),
        "scenario_name": str(a.get("scenario_name", "")),
        "seed": int(a.get("seed", 0)),
        "replication_seeds": [int(x) for x in ds["seed"].values],
        "dates": dates,
        "employer_name": [str(x) for x in employers.values],
        "employer_region": [str(x) for x in column("region", "")],
        "employer_subregion": [str(x) for x in column("subregion", "")],
        "employer_inner_london": [int(x) for x in column("inner_london", 0)],
        "parameter_keys": keys,
        "parameters": values,
        "parameter_source": source,
    }
