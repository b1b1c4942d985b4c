"""Scenarios for the Python API: loaded and checked by the same code as
``pledgesim run``, so a problem raises :class:`ScenarioError` carrying the
program's ``file:line: key: message`` lines."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from typing import Any

from . import _native

#: Bad input (a scenario, a run file, an option): a ``ValueError``.
InputError = _native.InputError
#: A scenario with problems; ``str(error)`` lists each as ``file:line: key: message``.
ScenarioError = _native.ScenarioError


def _override_pairs(overrides: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """{"behaviour.exit_rate_per_year": 0.1} -> [(key, TOML text)], as ``--set``."""
    pairs = []
    for key, value in (overrides or {}).items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"override keys are dotted scenario keys (str), not {key!r}")
        pairs.append((key, _native.value_to_toml(value, key)))
    return pairs


class Scenario:
    """A scenario, resolved (includes and defaults applied) and checked.

    Make one with :meth:`from_file`, :meth:`from_toml`, :meth:`from_dict` or
    :meth:`builtin` (the built-in London scenario), or let :func:`pledgesim.run`
    take a path or a dict directly. Scenarios are immutable:
    :meth:`with_overrides` returns a new one, as ``pledgesim run --set`` would
    load it (overrides are checked with the file's own rules).
    """

    def __init__(self, kind: str, source: str, name: str,
                 overrides: list[tuple[str, str]]):
        self._kind, self._source, self._name, self._overrides = kind, source, name, overrides
        self._native = _native.load_scenario(kind, source, name, overrides)

    @classmethod
    def from_file(cls, path: str | os.PathLike, overrides: Mapping[str, Any] | None = None
                  ) -> "Scenario":
        """A scenario file (TOML); includes are relative to it."""
        return cls("file", os.fspath(path), os.fspath(path), _override_pairs(overrides))

    @classmethod
    def from_toml(cls, text: str, name: str = "<string>",
                  overrides: Mapping[str, Any] | None = None) -> "Scenario":
        """Scenario TOML held in a string; ``name`` names it in messages."""
        return cls("text", text, name, _override_pairs(overrides))

    @classmethod
    def from_dict(cls, scenario: Mapping[str, Any], name: str = "<dict>",
                  overrides: Mapping[str, Any] | None = None) -> "Scenario":
        """A scenario as nested dicts and lists, as ``tomllib`` would read its
        file (``[[policies]]`` is a list of dicts; dates are ``datetime.date``)."""
        if not isinstance(scenario, Mapping):
            raise TypeError(f"from_dict takes a mapping, not {type(scenario).__name__}")
        return cls.from_toml(_native.dict_to_toml(dict(scenario)), name, overrides)

    @classmethod
    def builtin(cls, overrides: Mapping[str, Any] | None = None) -> "Scenario":
        """The built-in London scenario (``pledgesim run`` without a file)."""
        return cls("builtin", "", "<built-in>", _override_pairs(overrides))

    @classmethod
    def load(cls, source: "Scenario | str | os.PathLike | Mapping[str, Any] | None"
             ) -> "Scenario":
        """A Scenario from what the API functions accept: a Scenario, a path,
        a dict, or None for the built-in scenario."""
        if isinstance(source, Scenario):
            return source
        if source is None:
            return cls.builtin()
        if isinstance(source, Mapping):
            return cls.from_dict(source)
        if isinstance(source, (str, os.PathLike)):
            return cls.from_file(source)
        raise TypeError("a scenario is a Scenario, a path to a TOML file, a dict or None, "
                        f"not {type(source).__name__}")

    def with_overrides(self, overrides: Mapping[str, Any] | None = None, **keys: Any
                       ) -> "Scenario":
        """A copy with keys set, e.g. ``s.with_overrides({"behaviour.exit_rate_per_year":
        0.12}, years=3)``; later values win, as repeated ``--set`` options do."""
        added = _override_pairs(overrides) + _override_pairs(keys)
        return Scenario(self._kind, self._source, self._name, self._overrides + added)

    @property
    def name(self) -> str:
        """The scenario's ``name`` (used to label it in tables and reports)."""
        return self._native.name

    @property
    def description(self) -> str:
        return self._native.description

    @property
    def years(self) -> int:
        return self._native.years

    @property
    def seed(self) -> int:
        return self._native.seed

    @property
    def toml(self) -> str:
        """Fully resolved TOML (every key, defaults included): what a run records."""
        return self._native.toml

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario as nested dicts (``tomllib`` of :attr:`toml`)."""
        return tomllib.loads(self.toml)

    def __repr__(self) -> str:
        where = "built-in" if self._kind == "builtin" else self._name
        return f"<pledgesim.Scenario {self.name!r} from {where}, {self.years} years>"
