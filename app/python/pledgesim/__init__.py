"""pledgesim from Python: run scenarios in memory, get xarray Datasets,
summarize and compare them as pandas DataFrames.

    >>> import pledgesim
    >>> a = pledgesim.run("scenarios/london_competitive.toml", replications=8, years=3)
    >>> b = pledgesim.run("scenarios/london_pledge_2022.toml", replications=8, years=3)
    >>> pledgesim.compare(a, b, by="region")     # the table of `pledgesim compare --format csv`

Scenarios come from files, TOML strings or dicts (:class:`Scenario`), with
overrides as ``--set`` gives them; problems raise :class:`ScenarioError`
with the program's ``file:line: key: message`` lines. Files written by
``pledgesim run`` open as the same Datasets with ``open_run`` (from
``pledgesim_analysis``, re-exported here). See docs/python.md.
"""

from pledgesim_analysis.dataset import open_run

from ._api import compare, run, summarize
from ._native import format_version
from ._scenario import InputError, Scenario, ScenarioError

__all__ = ["run", "summarize", "compare", "open_run", "Scenario", "ScenarioError",
           "InputError", "format_version"]
