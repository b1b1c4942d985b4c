"""What a run's scenario is and how two scenarios differ, from the resolved
scenario TOML a run file records (``/scenario/text``).

:func:`flatten` and :func:`diff` follow ``pledgesim diff`` (app/scenario_diff.cpp)
key for key: tables by name (parts that are not bare TOML keys quoted),
arrays of tables by index (``policies[0].kind``), any other value as one leaf
written as TOML (floats as Python's ``repr``). A test runs both on the same
two scenarios and compares the keys.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")

#: The policy fields the levers table shows in their own columns.
LEVER_COLUMNS = ("kind", "scope", "start", "end")


def _quoted(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _key_part(s: str) -> str:
    return s if _BARE.match(s) else _quoted(s)


def value_text(v) -> str:
    """A TOML value as ``pledgesim diff`` writes it."""
    if isinstance(v, str):
        return _quoted(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        return "[" + ", ".join(value_text(x) for x in v) + "]"
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key_part(k)} = {value_text(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"unexpected TOML value {v!r}")


def _flatten(table: dict, prefix: str, out: dict) -> None:
    for k, v in table.items():
        key = f"{prefix}.{_key_part(k)}" if prefix else _key_part(k)
        if isinstance(v, dict):
            _flatten(v, key, out)
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for i, x in enumerate(v):
                _flatten(x, f"{key}[{i}]", out)
        else:
            out[key] = value_text(v)


def flatten(text: str) -> dict[str, str]:
    """Dotted key -> value (as TOML text) of a TOML document."""
    out: dict[str, str] = {}
    _flatten(tomllib.loads(text), "", out)
    return out


@dataclass(frozen=True)
class KeyDifference:
    key: str
    change: str  # "only in A", "only in B" or "differs"
    a: str  # "" when only in B
    b: str  # "" when only in A


def diff(text_a: str, text_b: str) -> list[KeyDifference]:
    """Every key only in A, only in B, or with different values, sorted by
    key (byte order, as ``pledgesim diff``)."""
    a, b = flatten(text_a), flatten(text_b)
    out = []
    for key in sorted(set(a) | set(b), key=lambda k: k.encode("utf-8")):
        if key not in b:
            out.append(KeyDifference(key, "only in A", a[key], ""))
        elif key not in a:
            out.append(KeyDifference(key, "only in B", "", b[key]))
        elif a[key] != b[key]:
            out.append(KeyDifference(key, "differs", a[key], b[key]))
    return out


def levers(text: str) -> list[dict[str, str]]:
    """The scenario's ``[[policies]]``, one dict each: ``kind``, ``scope``,
    ``start``, ``end`` (``""`` when open-ended) and ``values`` (every other
    field, flattened, as "key = value; ..." text)."""
    out = []
    for policy in tomllib.loads(text).get("policies", []):
        fields: dict[str, str] = {}
        _flatten({k: v for k, v in policy.items() if k not in LEVER_COLUMNS}, "", fields)
        scope = policy.get("scope", "")
        out.append({
            "kind": str(policy.get("kind", "")),
            "scope": ", ".join(scope) if isinstance(scope, list) else str(scope),
            "start": str(policy.get("start", "")),
            "end": str(policy.get("end", "")),
            "values": "; ".join(f"{k} = {v}" for k, v in fields.items()),
        })
    return out


def name_and_description(text: str) -> tuple[str, str]:
    """The scenario's ``name`` and ``description``."""
    doc = tomllib.loads(text)
    return str(doc.get("name", "")), str(doc.get("description", ""))
