"""pledgesim files as labelled arrays (:class:`xarray.Dataset`).

:func:`open_run` reads a run file (format_version 1 or 2; one replication or
many; with ``run --parameters`` or ``--events``) or a sweep file into an
``xarray.Dataset``. A run's Dataset is made by :func:`build_dataset`, which
the in-memory Python API calls with the arrays of a run that was never
written, so a file and a run in memory give the same Dataset::

    from pledgesim_analysis import open_run
    ds = open_run("results/london_baseline.h5")
    ds["agency_fte"].sel(employer="Camden").plot()

The run Dataset has the dimensions ``replication``, ``week`` and
``employer``; every series is ``[replication, week, employer]``, also for a
run of one replication (a dimension of length 1, so that code works for
both; ``ds.isel(replication=0)`` drops it). Coordinates: ``week`` (weeks
since the start), ``date`` (datetime64, the first day of each week),
``employer`` (names) with ``region``, ``subregion``, ``signatory_from``,
``inner_london`` and ``signatory``; ``replication`` with ``seed``; with
parameters, ``parameter`` (the scenario keys), ``parameter_values``
[replication, parameter] and ``parameter_set``. Each series has ``units``
and ``description`` attributes; ``ds.attrs`` holds the file's root
attributes and ``scenario_text``.

Version-2 files are also read by xarray alone, without this package::

    xr.open_dataset("results/london_baseline.h5", engine="h5netcdf", group="series")

which gives the same series and coordinates (without the replication
dimension for a run of one replication).
"""

from __future__ import annotations

import os
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import xarray as xr

from .reader import EVENT_COLUMNS, _open_file, _read_strings, _to_python, read_run

__all__ = ["open_run", "build_dataset", "build_events_dataset", "SWEEP_FORMAT_NAME", "KNOWN_SWEEP_FORMAT_VERSIONS"]

#: Root attribute ``format`` of a sweep file (``pledgesim sweep``).
SWEEP_FORMAT_NAME = "pledgesim-sweep"
#: Sweep ``format_version`` values this reader knows (2 labels /outcomes and
#: /weekly for xarray; docs/sweeps.md).
KNOWN_SWEEP_FORMAT_VERSIONS = frozenset({1, 2})

# Columns of /employers that become coordinates of the employer dimension,
# besides ``name`` (the dimension itself).
_EMPLOYER_TEXT = ("region", "subregion", "signatory_from")
_EMPLOYER_FLAGS = ("inner_london", "signatory")


def build_dataset(*, series: dict, units: dict, descriptions: dict, dates: list,
                  employers: dict, replication_seeds: list, attrs: dict,
                  parameters: dict | None = None) -> xr.Dataset:
    """The Dataset of one run from its arrays.

    ``series``: name -> array [replication, week, employer] (int64 or
    float64; kept as given). ``units``, ``descriptions``: name -> text.
    ``dates``: ISO ``YYYY-MM-DD``, one per week. ``employers``: the
    ``/employers`` columns (``name``, ``region``, ``subregion``,
    ``signatory_from`` as text; ``inner_london``, ``signatory`` as ints; any
    of them but ``name`` may be absent). ``replication_seeds``: one per
    replication. ``attrs``: root attributes (``scenario_text`` included),
    copied into ``ds.attrs``. ``parameters``: ``{"keys": [str], "values":
    [R, K], "sets": [int], "source": str}`` for a run with a parameter
    ensemble, else None. Raises ValueError when the shapes disagree.
    """
    n_rep, n_week = len(replication_seeds), len(dates)
    if "name" not in employers:
        raise ValueError("employers has no 'name' column")
    names = np.asarray(list(employers["name"]), dtype=object)
    shape = (n_rep, n_week, len(names))
    try:
        date_index = pd.to_datetime(list(dates), format="%Y-%m-%d")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"dates must be ISO YYYY-MM-DD ({exc})") from None
    coords = {
        "replication": ("replication", np.arange(n_rep, dtype=np.int64)),
        "seed": ("replication", np.asarray(replication_seeds, dtype=np.int64),
                 {"description": "random seed of each replication"}),
        "week": ("week", np.arange(n_week, dtype=np.int32),
                 {"description": "weeks since the start of the run"}),
        "date": ("week", date_index.values, {"description": "first day of each week"}),
        "employer": ("employer", names),
    }
    for column in _EMPLOYER_TEXT + _EMPLOYER_FLAGS:
        if column not in employers:
            continue
        values = list(employers[column])
        if len(values) != len(names):
            raise ValueError(f"employers column {column!r} has {len(values)} rows, "
                             f"'name' has {len(names)}")
        dtype = object if column in _EMPLOYER_TEXT else np.int32
        coords[column] = ("employer", np.asarray(values, dtype=dtype))
    if parameters is not None:
        keys = list(parameters["keys"])
        values = np.asarray(parameters["values"], dtype=np.float64)
        if values.shape != (n_rep, len(keys)) or len(parameters["sets"]) != n_rep:
            raise ValueError(f"parameters: values of shape {values.shape} and "
                             f"{len(parameters['sets'])} sets, not ({n_rep}, {len(keys)}) "
                             "and one set per replication")
        coords["parameter"] = ("parameter", np.asarray(keys, dtype=object))
        coords["parameter_values"] = (
            ("replication", "parameter"), values,
            {"description": "value of each scenario key (parameter) each replication ran with",
             "source": parameters.get("source", "")})
        coords["parameter_set"] = ("replication", np.asarray(parameters["sets"], dtype=np.int64),
                                   {"description": "set of the parameter ensemble each "
                                                   "replication ran (0 = its first data line)"})
    data_vars = {}
    for name, array in series.items():
        array = np.asarray(array)
        if array.shape != shape:
            raise ValueError(f"series {name!r} has shape {array.shape}, not "
                             f"[replication, week, employer] = {list(shape)}")
        data_vars[name] = (("replication", "week", "employer"), array,
                           {"units": units.get(name, ""),
                            "description": descriptions.get(name, "")})
    return xr.Dataset(data_vars, coords=coords, attrs=dict(attrs))


def _root_attrs(f: h5py.File) -> dict:
    return {k: _to_python(v) for k, v in f.attrs.items()}


def _run_dataset(path: Path) -> xr.Dataset:
    run = read_run(path)  # every check of the file (format, version, layout)
    with _open_file(path) as f:
        series = {}
        for name in run.metrics:
            values = f["series"][name][()]
            series[name] = values if values.ndim == 3 else values[np.newaxis]
        seeds = (f["replications/seed"][()] if "replications/seed" in f
                 else np.full(run.replications, run.seed))
        parameter_sets = (f["replications/parameter_set"][()] if run.has_parameters else None)
    employers = {c: run.employers[c].tolist() for c in run.employers.columns}
    attrs = dict(run.attrs, scenario_text=run.scenario_text)
    parameters = None
    if run.has_parameters:
        parameters = {"keys": list(run.parameter_keys), "values": run.parameters,
                      "sets": parameter_sets, "source": run.parameter_source}
    return build_dataset(series=series, units=run.units, descriptions=run.descriptions,
                         dates=[d.strftime("%Y-%m-%d") for d in run.dates],
                         employers=employers, replication_seeds=list(seeds), attrs=attrs,
                         parameters=parameters)


def build_events_dataset(*, columns: dict, categories: dict, dates: list, attrs: dict
                         ) -> xr.Dataset:
    """The event table as a Dataset (dimension ``event``), from its columns
    as stored: ``columns`` maps each of EVENT_COLUMNS to its array (``week``
    first; coded columns as their integer codes, -1 for none),
    ``categories`` each coded column to the names of its codes, ``dates``
    the first day of every week of the run (ISO text or datetime). Used for
    a file's /events and for the events of a run in memory alike."""
    missing = [c for c in EVENT_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"events lack column(s) {', '.join(missing)}")
    week = np.asarray(columns["week"])
    data = {}
    for name in EVENT_COLUMNS[1:]:
        values = np.asarray(columns[name])
        if name in categories:
            # Names as text ("" where the code is -1: none), codes kept beside.
            labelled = pd.Categorical.from_codes(values.astype(np.int64), categories[name])
            data[name] = ("event", pd.Series(labelled).astype(object)
                          .where(pd.notna(labelled), "").to_numpy(dtype=object))
            data[name + "_code"] = ("event", values)
        else:
            data[name] = ("event", values)
    ds = xr.Dataset(data, coords={"event": np.arange(week.size, dtype=np.int64),
                                  "week": ("event", week),
                                  "date": ("event", pd.DatetimeIndex(dates)[week])},
                    attrs=attrs)
    ds["pay"].attrs["units"] = "GBP per week"
    return ds


def _events_dataset(path: Path) -> xr.Dataset:
    run = read_run(path)
    if not run.has_events:
        raise ValueError(f"{path}: no /events table (run with pledgesim run --events)")
    labelled = run.events(labels=True)  # checks the codes against their tables
    codes = run.events(labels=False)
    categories = {c: list(labelled[c].cat.categories) for c in labelled.columns
                  if isinstance(labelled[c].dtype, pd.CategoricalDtype)}
    return build_events_dataset(columns={c: codes[c].to_numpy() for c in EVENT_COLUMNS},
                                categories=categories, dates=list(run.dates),
                                attrs=dict(run.attrs, scenario_text=run.scenario_text))


def _sweep_dataset(path: Path, f: h5py.File, group: str | None) -> xr.Dataset:
    attrs = _root_attrs(f)
    version = attrs.get("format_version")
    if version not in KNOWN_SWEEP_FORMAT_VERSIONS:
        raise ValueError(f"{path}: sweep format_version {version!r} is not one this reader "
                         f"knows ({sorted(KNOWN_SWEEP_FORMAT_VERSIONS)})")
    for required in ("runs", "outcomes"):
        if not isinstance(f.get(required), h5py.Group):
            raise ValueError(f"{path}: required group /{required} is missing")
    runs = f["runs"]
    n_runs = None
    coords = {}
    for name, ds in runs.items():
        if not isinstance(ds, h5py.Dataset) or ds.ndim != 1:
            raise ValueError(f"{path}: /runs/{name} is not a 1-D dataset")
        n_runs = ds.shape[0] if n_runs is None else n_runs
        if ds.shape[0] != n_runs:
            raise ValueError(f"{path}: /runs/{name} has {ds.shape[0]} rows, others {n_runs}")
        coords[name] = ("run", ds[()])
    coords["run"] = np.arange(n_runs or 0, dtype=np.int64)
    skip = set(runs) | {"run", "week", "date"}  # format 2's coordinates
    data = {}
    wanted = ("outcomes", "weekly") if group is None else (group,)
    for g in wanted:
        if g not in ("outcomes", "weekly"):
            raise ValueError(f"{path}: a sweep file has the groups 'outcomes' and 'weekly', "
                             f"not {g!r}")
        if g not in f:
            if group is not None:
                raise ValueError(f"{path}: no /{g} in this sweep")
            continue
        for name, ds in f[g].items():
            if name in skip or not isinstance(ds, h5py.Dataset):
                continue
            dims = ("run",) if ds.ndim == 1 else ("run", "week")
            if ds.shape[0] != n_runs or ds.ndim > 2:
                raise ValueError(f"{path}: /{g}/{name} has shape {ds.shape}, not [runs] or "
                                 f"[runs, weeks] with {n_runs} runs")
            data[name] = (dims, ds[()], {k: _to_python(v) for k, v in ds.attrs.items()
                                        if k in ("units", "description")})
    if any(len(v[0]) == 2 for v in data.values()):
        dates = pd.to_datetime(_read_strings(f["time/date"]), format="%Y-%m-%d")
        coords["week"] = np.arange(len(dates), dtype=np.int32)
        coords["date"] = ("week", dates.values)
    for text in ("sweep", "scenario"):
        if isinstance(f.get(f"{text}/text"), h5py.Dataset):
            attrs[f"{text}_text"] = _to_python(f[f"{text}/text"][()])
    if isinstance(f.get("design"), h5py.Group):
        attrs["design_kind"] = _to_python(f["design"].attrs.get("kind", ""))
    return xr.Dataset(data, coords=coords, attrs=attrs)


def open_run(path: str | os.PathLike, group: str | None = None) -> xr.Dataset:
    """A pledgesim run or sweep file as an :class:`xarray.Dataset` (read
    into memory; the file is closed on return).

    Run files (format_version 1 or 2): ``group`` None or ``"series"`` gives
    the series (see the module's documentation); ``"events"`` the event
    table of a ``run --events`` (dimension ``event``; ``week`` and ``date``
    as coordinates; ``kind``, ``from_status``, ``to_status``, ``agency``,
    ``from_employer`` and ``to_employer`` as their names, "" for none, with
    the stored codes beside them as ``<column>_code``).

    Sweep files: ``group`` None gives the annual outcomes (dimension ``run``)
    and the weekly outputs (``run`` x ``week``) together, ``"outcomes"`` or
    ``"weekly"`` one of them; the ``/runs`` columns (``point``,
    ``replication``, ``seed`` and each varied parameter) are coordinates of
    ``run``, and ``date`` of ``week``.

    Raises FileNotFoundError, or ValueError naming the file when it is not
    a complete pledgesim file or breaks the layout (the checks of
    :func:`~pledgesim_analysis.read_run`).
    """
    path = Path(path)
    with _open_file(path) as f:
        fmt = _to_python(f.attrs.get("format"))
        if fmt == SWEEP_FORMAT_NAME:
            return _sweep_dataset(path, f, group)
    if group in (None, "series"):
        return _run_dataset(path)
    if group == "events":
        return _events_dataset(path)
    raise ValueError(f"{path}: a run file has the groups 'series' and 'events', not {group!r}")
