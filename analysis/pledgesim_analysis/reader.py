"""Read pledgesim run files (HDF5) into numpy and pandas.

The file contract is docs/output-format.md; docs/reading-output.md shows
how to read it. In short::

    /                     attributes format="pledgesim", format_version,
                          software_version, seed, scenario_name, created_utc
    /scenario/text        fully resolved scenario TOML (scalar string)
    /time/week            int32 [weeks], weeks since start (dimension scale)
    /time/date            ISO 8601 strings [weeks], first day of each week
    /employers/<column>   one row per employer: name (dimension scale),
                          region, subregion, and integer columns
                          (signatory, inner_london, ...)
    /replications/        index and seed of each replication; with ``run
                          --parameters`` also parameters [replications,
                          keys], parameter_keys and parameter_set
    /series/<metric>      [weeks, employers], or [replications, weeks,
                          employers] once runs hold replications; attributes
                          units and description. From format_version 2
                          /series also holds its dimensions (week,
                          employer, replication) and their coordinates
                          (SERIES_COORDINATES), so that xarray labels them
    /events/<column>      optional (``pledgesim run --events``): one row per
                          change of a practitioner's status or employer;
                          columns week, practitioner, kind, from_status,
                          to_status, from_employer, to_employer, agency, pay,
                          and the name tables kind_names, status_names,
                          agency_names (see docs/checkpoints.md)

Example::

    from pledgesim_analysis import read_run

    run = read_run("results/london_baseline.h5")
    agency = run.series("agency_fte")          # rows: dates, columns: employers
    print(agency.attrs["units"], agency.iloc[-1].sum())
    tidy = run.long_frame(["starters", "leavers"])
    events = run.events()                      # with --events: one row per event

`read_run` reads only the small metadata (attributes, time axis, employer
table) and checks the layout; each `series` / `long_frame` call opens the
file again and reads just the datasets (and the replication) asked for, so a
`Run` holds no open HDF5 handle and can be kept around or pickled freely.
"""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import h5py
import numpy as np
import pandas as pd

__all__ = ["Run", "read_run", "FORMAT_NAME", "KNOWN_FORMAT_VERSIONS", "EVENT_COLUMNS",
           "SERIES_COORDINATES", "event_categories"]

#: Value of the root attribute ``format`` in every pledgesim run file.
FORMAT_NAME = "pledgesim"
#: ``format_version`` values this reader was written against. A file with
#: another version is still read (with a warning) as long as its layout checks.
KNOWN_FORMAT_VERSIONS = frozenset({1, 2})
#: Datasets of /series that are not series but its dimensions and their
#: coordinates (format 2, which labels the series for xarray/h5netcdf; see
#: docs/output-format.md#versions). Format 1 files have none.
SERIES_COORDINATES = frozenset({"replication", "seed", "week", "date", "employer", "region",
                                "subregion", "inner_london", "signatory", "signatory_from"})

#: Value of the root attribute ``format`` of a checkpoint (not a result).
CHECKPOINT_FORMAT_NAME = "pledgesim-checkpoint"
#: Columns of /events, in file order.
EVENT_COLUMNS = ("week", "practitioner", "kind", "from_status", "to_status",
                 "from_employer", "to_employer", "agency", "pay")
# Coded /events columns and the name table (in /events) of their codes.
_EVENT_LABELS = {"kind": "kind_names", "from_status": "status_names",
                 "to_status": "status_names", "agency": "agency_names"}

# Datasets every run file must have (besides at least one /series dataset).
_REQUIRED = ("scenario/text", "time/week", "time/date", "employers/name")
# String columns of /employers, in the order they head the employers table.
_EMPLOYER_TEXT_COLUMNS = ("name", "region", "subregion")


def _to_python(value):
    """HDF5 attribute value -> plain str / int / float / list (numpy and bytes
    unwrapped) so that ``Run.attrs`` compares and prints naturally."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _to_python(value[()])
        return [_to_python(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _read_strings(dataset: h5py.Dataset) -> np.ndarray:
    """A string dataset as a numpy array of Python str (h5py gives bytes)."""
    if h5py.check_string_dtype(dataset.dtype) is None:
        raise TypeError(f"{dataset.name} is not a string dataset")
    return dataset.asstr()[()]


@dataclass(frozen=True, eq=False)
class Run:
    """Metadata of one pledgesim run file, with methods that read its series.

    Create it with :func:`read_run`. Attributes:

    path
        The run file.
    attrs
        Root attributes as a dict of plain Python values (``format``,
        ``format_version``, ``software_version``, ``seed``, ``scenario_name``,
        ``created_utc``, and any others the file has).
    scenario_text
        The fully resolved scenario (TOML text); feeding it back to
        ``pledgesim run`` reproduces the run.
    weeks
        ``/time/week`` as a numpy int array (weeks since the start).
    dates
        ``/time/date`` as a :class:`pandas.DatetimeIndex` named ``date``
        (first day of each simulated week).
    employers
        One row per employer, in the column order of the series: ``name``,
        ``region``, ``subregion`` and the integer columns of ``/employers``
        (e.g. ``signatory``, ``inner_london``; 0/1 flags are kept as ints).
    metrics
        Names of the ``/series`` datasets, sorted.
    units, descriptions
        ``units`` and ``description`` attribute of each metric.
    replications
        Number of replications in ``/series`` (1 for the 2-D layout
        ``[weeks, employers]``).
    has_replication_dim
        True when ``/series`` datasets are 3-D ``[replications, weeks,
        employers]`` (even with a single replication).
    has_events
        True when the file has an ``/events`` table (``pledgesim run
        --events``); read it with :meth:`events`.
    parameter_keys, parameters, parameter_source
        For a ``pledgesim run --parameters``: the scenario keys, the values
        each replication ran with (float array [replications, keys]) and the
        ensemble file; ``()``, ``None`` and ``""`` otherwise. See
        :attr:`has_parameters` and :meth:`parameter_frame`.
    """

    path: Path
    attrs: dict
    scenario_text: str
    weeks: np.ndarray
    dates: pd.DatetimeIndex
    employers: pd.DataFrame
    metrics: list
    units: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    replications: int = 1
    has_replication_dim: bool = False
    has_events: bool = False
    parameter_keys: tuple = ()
    parameters: np.ndarray | None = None
    parameter_source: str = ""

    # -- convenience -----------------------------------------------------
    @property
    def has_parameters(self) -> bool:
        """The replications ran different parameter sets (``run --parameters``)."""
        return bool(self.parameter_keys)

    def parameter_frame(self) -> pd.DataFrame:
        """``/replications/parameters`` as a DataFrame: one row per
        replication (index ``replication``), one column per key; empty
        without parameters."""
        if not self.has_parameters:
            return pd.DataFrame(index=pd.RangeIndex(self.replications, name="replication"))
        return pd.DataFrame(self.parameters, columns=list(self.parameter_keys),
                            index=pd.RangeIndex(self.replications, name="replication"))

    @property
    def employer_names(self) -> list:
        """Employer names in series column order."""
        return self.employers["name"].tolist()

    @property
    def seed(self) -> int:
        return self.attrs["seed"]

    @property
    def scenario_name(self) -> str:
        return self.attrs["scenario_name"]

    def __repr__(self) -> str:  # the default would print every array
        return (
            f"Run({str(self.path)!r}, scenario={self.attrs.get('scenario_name')!r}, "
            f"seed={self.attrs.get('seed')!r}, weeks={len(self.weeks)}, "
            f"employers={len(self.employers)}, metrics={len(self.metrics)}, "
            f"replications={self.replications})"
        )

    # -- reading series --------------------------------------------------
    def _check_metric(self, name: str) -> None:
        if name not in self.metrics:
            raise KeyError(
                f"{self.path}: no series {name!r}; available: {', '.join(self.metrics)}"
            )

    def _check_replication(self, replication: int) -> int:
        if not isinstance(replication, (int, np.integer)) or isinstance(replication, bool):
            raise TypeError(f"replication must be an int, not {type(replication).__name__}")
        r = int(replication)
        if r < 0:
            r += self.replications
        if not 0 <= r < self.replications:
            raise IndexError(
                f"{self.path}: replication {replication} out of range "
                f"(file has {self.replications})"
            )
        return r

    def _read(self, f: h5py.File, name: str, replication: int) -> np.ndarray:
        ds = f["series"][name]
        if ds.ndim == 2:
            return ds[()]
        return ds[replication]  # reads only that replication's [weeks, employers]

    def array(self, name: str, replication: int = 0) -> np.ndarray:
        """One series as a numpy array [weeks, employers] (dtype as stored)."""
        self._check_metric(name)
        r = self._check_replication(replication)
        with _open_file(self.path) as f:
            return self._read(f, name, r)

    def series(self, name: str, replication: int = 0) -> pd.DataFrame:
        """One metric as a wide DataFrame: index ``date`` (weekly), one column
        per employer (column index named ``employer``).

        ``df.attrs`` carries ``metric``, ``units``, ``description`` and
        ``replication``. ``replication`` selects a slice of the leading
        replication dimension when the file has one; for the 2-D layout only 0
        (or -1) is valid. Raises KeyError for an unknown metric.
        """
        values = self.array(name, replication)
        df = pd.DataFrame(
            values,
            index=self.dates.copy(),
            columns=pd.Index(self.employer_names, name="employer"),
        )
        df.attrs.update(
            metric=name,
            units=self.units.get(name, ""),
            description=self.descriptions.get(name, ""),
            replication=self._check_replication(replication),
        )
        return df

    def long_frame(
        self, metrics: Iterable[str] | str | None = None, replication: int | None = 0
    ) -> pd.DataFrame:
        """Tidy (long) DataFrame with columns ``date, week, employer, metric,
        value``: one row per week x employer x metric, ordered by metric, then
        week, then employer.

        ``metrics``: a name or a list of names (default: all). ``value`` is
        float64 when integer and float metrics are mixed. ``replication``:
        which replication to read; ``None`` reads all and adds a leading
        ``replication`` column.
        """
        if metrics is None:
            names = list(self.metrics)
        elif isinstance(metrics, str):
            names = [metrics]
        else:
            names = list(metrics)
        for name in names:
            self._check_metric(name)
        reps = (
            list(range(self.replications))
            if replication is None
            else [self._check_replication(replication)]
        )

        n_weeks, n_emp = len(self.weeks), len(self.employers)
        cell = n_weeks * n_emp
        week_col = np.repeat(self.weeks, n_emp)
        date_col = np.repeat(self.dates.values, n_emp)
        emp_col = np.tile(np.asarray(self.employer_names, dtype=object), n_weeks)

        parts = []
        with _open_file(self.path) as f:
            for r in reps:
                for name in names:
                    values = self._read(f, name, r).reshape(cell)
                    part = {
                        "date": date_col,
                        "week": week_col,
                        "employer": emp_col,
                        "metric": np.full(cell, name, dtype=object),
                        "value": values,
                    }
                    if replication is None:
                        part = {"replication": np.full(cell, r, dtype=np.int64), **part}
                    parts.append(pd.DataFrame(part))
        columns = (["replication"] if replication is None else []) + [
            "date", "week", "employer", "metric", "value",
        ]
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.concat(parts, ignore_index=True)[columns]


    # -- reading events ---------------------------------------------------
    def events(self, labels: bool = True) -> pd.DataFrame:
        """The ``/events`` table as a DataFrame, one row per change of a
        practitioner's status or employer, in week then practitioner order.

        Columns: ``week``, ``date`` (first day of the week), ``practitioner``,
        ``kind``, ``from_status``, ``to_status``, ``from_employer``,
        ``to_employer``, ``agency`` and ``pay`` (GBP a week of the new
        position; NaN where there is none). With ``labels`` (default) the
        coded columns are pandas Categoricals of their names (``kind_names``,
        ``status_names``, ``agency_names``, ``/employers/name``; the code -1,
        "none", becomes missing); with ``labels=False`` they are the integer
        codes as stored. Raises KeyError when the file has no events.
        """
        if not self.has_events:
            raise KeyError(f"{self.path}: no /events table (run with pledgesim run --events)")
        with _open_file(self.path) as f:
            g = f["events"]
            missing = [c for c in EVENT_COLUMNS if c not in g]
            if missing:
                raise ValueError(f"{self.path}: /events lacks column(s) {', '.join(missing)}")
            columns = {c: g[c][()] for c in EVENT_COLUMNS}
            tables = {t: _read_strings(g[t]).tolist() for t in set(_EVENT_LABELS.values())
                      if t in g}
        if len({len(v) for v in columns.values()}) > 1:
            raise ValueError(f"{self.path}: /events columns have different lengths")
        df = pd.DataFrame(columns)
        df.insert(1, "date", self.dates[df["week"].to_numpy()] if len(df) else
                  pd.DatetimeIndex([], name="date"))
        if labels:
            try:
                categories = event_categories(tables, self.employer_names)
            except KeyError as e:
                raise ValueError(f"{self.path}: /events/{e.args[0]} is missing") from None
            for col, names in categories.items():
                df[col] = pd.Categorical.from_codes(df[col].astype(np.int64), names)
        df.attrs.update(path=str(self.path), pay_units="GBP per week")
        return df


def event_categories(tables: dict, employer_names) -> dict[str, list[str]]:
    """The names of the codes of each coded /events column: ``tables`` are
    the name tables stored beside the columns (``kind_names``,
    ``status_names``, ``agency_names``), the employer columns take the
    employers' names. Raises KeyError naming a missing table."""
    out = {col: list(tables[table]) for col, table in _EVENT_LABELS.items()}
    for col in ("from_employer", "to_employer"):
        out[col] = list(employer_names)
    return out


def _fail(path, message: str):
    raise ValueError(f"{path}: {message}")


# A dataset declaring more bytes than deflate (the writer's only compression;
# at most 1032:1 at any level) could pack into the whole file was never
# written: a hand-made shape, refused before it is read (the same bound as
# the program's readers, sim/io/hdf5_util.cpp).
_MAX_DEFLATE_RATIO = 1032
_DECLARED_SLACK_BYTES = 64 << 20
_OWN_DATA = "; a pledgesim file must hold its own data"
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _foreign_storage_problem(f: h5py.File) -> str | None:
    """Why the open file does not hold all of its own data, or None: a soft,
    external or user-defined link, a virtual dataset, a dataset with external
    storage, or one declaring more data than the file could hold. Links are
    listed, never followed."""
    limit = _MAX_DEFLATE_RATIO * f.id.get_filesize() + _DECLARED_SLACK_BYTES

    def check(name: bytes, info):
        path = "/" + name.decode("utf-8", "replace")
        if info.type == h5py.h5l.TYPE_SOFT:
            target = f.id.links.get_val(name).decode("utf-8", "replace")
            return (f"{path} is not a dataset or group but a soft link (to {target}); "
                    "pledgesim files have no soft links")
        if info.type == h5py.h5l.TYPE_EXTERNAL:
            file, obj = (x.decode("utf-8", "replace") for x in f.id.links.get_val(name))
            return (f"{path} is not a dataset or group but an external link (to {obj} in "
                    f"{file}){_OWN_DATA}")
        if info.type != h5py.h5l.TYPE_HARD:
            return (f"{path} is not a dataset or group but a user-defined link (type "
                    f"{info.type}){_OWN_DATA}")
        obj = h5py.h5o.open(f.id, name)
        if not isinstance(obj, h5py.h5d.DatasetID):
            return None
        dcpl = obj.get_create_plist()
        layout = dcpl.get_layout()
        if layout == h5py.h5d.VIRTUAL:
            source = "no source"
            if dcpl.get_virtual_count() > 0:
                src_file = dcpl.get_virtual_filename(0)
                source = (f"{dcpl.get_virtual_dsetname(0)} in "
                          f"{'this file' if src_file == '.' else src_file}")
            return (f"dataset {path} is a virtual dataset (VDS) that reads its data from "
                    f"elsewhere ({source}){_OWN_DATA}")
        if layout not in (h5py.h5d.COMPACT, h5py.h5d.CONTIGUOUS, h5py.h5d.CHUNKED):
            return (f"dataset {path} has a storage layout pledgesim does not write (HDF5 "
                    f"layout {layout}){_OWN_DATA}")
        if dcpl.get_external_count() > 0:
            external = dcpl.get_external(0)[0].decode("utf-8", "replace")
            return (f"dataset {path} reads its data from an external file (external storage: "
                    f"{external}){_OWN_DATA}")
        space = obj.get_space()
        shape = space.shape if space.get_simple_extent_type() == h5py.h5s.SIMPLE else ()
        values = 0 if space.get_simple_extent_type() == h5py.h5s.NULL else 1
        for d in shape:
            values *= d
        size = obj.get_type().get_size()
        if values * size > limit:
            return (f"dataset {path} declares {values * size} bytes (shape "
                    f"[{', '.join(map(str, shape))}] of {size}-byte values), more than a file "
                    f"of {f.id.get_filesize()} bytes can hold even compressed: its values were "
                    f"never written{_OWN_DATA}")
        return None

    return f.id.links.visit(check, info=True)


def _open_file(path: Path) -> h5py.File:
    """Open a run file for reading after checking that it is a regular file
    (a FIFO or a device would block or never end) and holds its own data.
    Raises FileNotFoundError or ValueError (message starts with the file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    if not stat.S_ISREG(mode):
        kind = next((k for test, k in _KINDS if test(mode)), "not a plain file")
        _fail(path, f"not a regular file ({kind})")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise ValueError(f"{path}: not an HDF5 file ({exc})") from exc
    try:
        problem = _foreign_storage_problem(f)
    except Exception as exc:
        f.close()
        raise ValueError(f"{path}: its objects cannot be listed to check where they keep "
                         f"their data: the file is damaged ({exc})") from exc
    if problem:
        f.close()
        _fail(path, problem)
    return f


def read_run(path: str | os.PathLike) -> Run:
    """Open a pledgesim run file and read its metadata.

    Raises FileNotFoundError if ``path`` does not exist, and ValueError (whose
    message starts with the file name) if the file is not HDF5, is not a
    pledgesim run file (root attribute ``format`` != "pledgesim"), is not a
    regular file (a FIFO, a device, a directory), takes data from elsewhere
    (external or soft links, virtual datasets, external storage) or declares
    a dataset larger than the file could hold, is a run
    stopped early (root attribute ``incomplete`` = 1), is a checkpoint
    (``pledgesim resume`` finishes its run), or lacks a required
    dataset or has inconsistent shapes.
    """
    path = Path(path)
    with _open_file(path) as f:
        fmt = _to_python(f.attrs.get("format"))
        if fmt == CHECKPOINT_FORMAT_NAME:
            _fail(path, "a checkpoint of an unfinished run, not a result; finish the run "
                        f"with `pledgesim resume {path}`, then read its output")
        if fmt != FORMAT_NAME:
            found = "no 'format' attribute" if fmt is None else f"format={fmt!r}"
            _fail(path, f"not a pledgesim run file ({found}; expected format={FORMAT_NAME!r})")
        attrs = {k: _to_python(v) for k, v in f.attrs.items()}
        if attrs.get("incomplete"):
            _fail(path, f"an incomplete run (stopped after {attrs.get('complete_weeks', '?')} "
                        "weeks); run it again to get a complete file")
        version = attrs.get("format_version")
        if version not in KNOWN_FORMAT_VERSIONS:
            warnings.warn(
                f"{path}: format_version {version!r} is not one this reader knows "
                f"({sorted(KNOWN_FORMAT_VERSIONS)}); reading it anyway",
                stacklevel=2,
            )

        for name in _REQUIRED:
            if not isinstance(f.get(name), h5py.Dataset):
                _fail(path, f"required dataset /{name} is missing")
        if not isinstance(f.get("series"), h5py.Group) or len(f["series"]) == 0:
            _fail(path, "required group /series is missing or empty")

        scenario_text = _to_python(f["scenario/text"][()])
        weeks = f["time/week"][()]
        if weeks.ndim != 1 or not np.issubdtype(weeks.dtype, np.integer):
            _fail(path, f"/time/week must be a 1-D integer dataset, found {weeks.dtype} {weeks.shape}")
        try:
            date_strings = _read_strings(f["time/date"])
            dates = pd.DatetimeIndex(pd.to_datetime(date_strings), name="date")
        except (TypeError, ValueError) as exc:
            _fail(path, f"/time/date must hold ISO 8601 date strings ({exc})")
        if len(dates) != len(weeks):
            _fail(path, f"/time/date has {len(dates)} entries but /time/week has {len(weeks)}")

        employers = _read_employers(path, f["employers"])
        n_weeks, n_emp = len(weeks), len(employers)

        metrics, units, descriptions, reps, ndims = [], {}, {}, set(), set()
        coordinates = SERIES_COORDINATES if isinstance(version, int) and version >= 2 else ()
        for name, ds in sorted(f["series"].items()):
            if not isinstance(ds, h5py.Dataset) or name in coordinates:
                continue
            if ds.ndim not in (2, 3) or ds.shape[-2:] != (n_weeks, n_emp):
                _fail(
                    path,
                    f"/series/{name} has shape {ds.shape}; expected [weeks, employers] = "
                    f"[{n_weeks}, {n_emp}] or [replications, {n_weeks}, {n_emp}]",
                )
            reps.add(1 if ds.ndim == 2 else ds.shape[0])
            ndims.add(ds.ndim)
            metrics.append(name)
            units[name] = _to_python(ds.attrs.get("units", ""))
            descriptions[name] = _to_python(ds.attrs.get("description", ""))
        if not metrics:
            _fail(path, "/series holds no datasets")
        has_events = isinstance(f.get("events"), h5py.Group)
        if len(reps) > 1 or len(ndims) > 1:
            _fail(path, "/series datasets disagree on the replication dimension: "
                  f"ranks {sorted(ndims)}, replications {sorted(reps)}")
        keys, values, source = _read_parameters(path, f, next(iter(reps)))

    return Run(
        path=path,
        attrs=attrs,
        scenario_text=scenario_text,
        weeks=weeks,
        dates=dates,
        employers=employers,
        metrics=metrics,
        units=units,
        descriptions=descriptions,
        replications=reps.pop(),
        has_replication_dim=ndims.pop() == 3,
        has_events=has_events,
        parameter_keys=keys,
        parameters=values,
        parameter_source=source,
    )


def _read_parameters(path, f: h5py.File, replications: int):
    """(keys, values [replications, keys], source) of /replications/parameters,
    or ((), None, "") when the file has none."""
    g = f.get("replications")
    if not isinstance(g, h5py.Group) or "parameters" not in g:
        return (), None, ""
    if "parameter_keys" not in g:
        _fail(path, "/replications/parameters has no /replications/parameter_keys")
    keys = tuple(str(k) for k in _read_strings(g["parameter_keys"]))
    values = np.asarray(g["parameters"][()], dtype=float)
    if values.shape != (replications, len(keys)) or not keys:
        _fail(path, f"/replications/parameters has shape {values.shape}, not "
                    f"({replications}, {len(keys)}) (replications, parameter keys)")
    return keys, values, str(_to_python(g["parameters"].attrs.get("source", "")))


def _read_employers(path, group: h5py.Group) -> pd.DataFrame:
    """The /employers group as a DataFrame: text columns first, then the
    other 1-D columns of the same length in name order."""
    if group["name"].ndim != 1:
        _fail(path, f"/employers/name must be 1-D, found shape {group['name'].shape}")
    n = group["name"].shape[0]
    columns = {}
    names = [c for c in _EMPLOYER_TEXT_COLUMNS if c in group]
    names += sorted(c for c in group if c not in _EMPLOYER_TEXT_COLUMNS)
    for col in names:
        ds = group[col]
        if not isinstance(ds, h5py.Dataset) or ds.ndim != 1 or ds.shape[0] != n:
            continue  # e.g. a future per-agency table of another length
        if h5py.check_string_dtype(ds.dtype) is not None:
            columns[col] = _read_strings(ds).astype(object)
        else:
            columns[col] = ds[()]
    return pd.DataFrame(columns)
