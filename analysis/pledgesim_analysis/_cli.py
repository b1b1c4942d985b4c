"""What the report commands (``report``, ``sweep_report``) share on the
command line: the checks of the output directory, made before any file is
read or figure drawn, and how a write ends (the page's path on stdout, or
``error: ...`` on stderr and exit status 2)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path


def output_dir_problem(out: Path, page: str, force: bool) -> str | None:
    """Why the report cannot be written into ``out``, or None: ``out`` is
    not a directory, it already holds ``page`` (a result, replaced only with
    ``force``), or the directory that would hold it is not writable."""
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a directory"
    if (out / page).exists() and not force:
        return (f"{out / page} exists; use --force to replace the report, or --out to choose "
                "another directory")
    existing = next((p for p in [out, *out.parents] if p.exists()), Path("."))
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"cannot write {out}: directory {existing} is not writable"
    return None


def fail(message: str) -> int:
    """Prints ``error: message`` on stderr; the exit status of bad input."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def write_page(write: Callable[[], Path]) -> int:
    """Runs ``write``; prints the page's path (exit status 0), or the error
    of an unreadable input, an unwritable output or a missing plotly
    (RuntimeError) with exit status 2."""
    try:
        path = write()
    except (OSError, ValueError, RuntimeError) as exc:
        return fail(str(exc))
    print(path)
    return 0
