"""Python analysis of pledgesim run files.

Put the ``analysis`` directory of the source tree on ``PYTHONPATH`` (or run
from it) and use Debian's interpreter, which has h5py, numpy and pandas::

    PYTHONPATH=analysis /usr/bin/python3 -m pledgesim_analysis results/london_baseline.h5

    >>> from pledgesim_analysis import read_run
    >>> run = read_run("results/london_baseline.h5")
    >>> run.series("agency_fte")             # DataFrame: dates x employers
    >>> run.long_frame(["starters", "leavers"])  # tidy: date, week, employer, metric, value
    >>> run.events()                         # with run --events: one row per event
    >>> from pledgesim_analysis import open_run
    >>> ds = open_run("results/london_baseline.h5")  # xarray.Dataset [replication, week, employer]

See docs/reading-output.md for the file layout and for reading it without
this package (plain h5py/pandas, R with hdf5r, h5dump).
"""

from .dataset import build_dataset, open_run
from .reader import (EVENT_COLUMNS, FORMAT_NAME, KNOWN_FORMAT_VERSIONS, SERIES_COORDINATES, Run,
                     read_run)

__all__ = ["read_run", "open_run", "build_dataset", "Run", "FORMAT_NAME",
           "KNOWN_FORMAT_VERSIONS", "SERIES_COORDINATES", "EVENT_COLUMNS"]
