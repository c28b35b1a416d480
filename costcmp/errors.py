"""Typed errors of the library. The CLI turns every `CostcmpError` into one line and exit status 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CostcmpError(Exception):
    """Base class: a problem the user can fix (bad input, a bad cache file), never a bug."""


class UnknownNameError(CostcmpError, ValueError):
    """A name (GPU, provider, region, pricing kind, column) that is not one of the valid choices."""

    def __init__(self, kind: str, value: str, choices: Iterable[str]) -> None:
        self.kind = kind
        self.value = value
        self.choices = sorted(set(choices))
        close = difflib.get_close_matches(value, self.choices, n=3, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in self.choices}
            close = [lowered[c] for c in difflib.get_close_matches(value.lower(), list(lowered), n=3)]
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        shown = ", ".join(self.choices[:25]) + (", ..." if len(self.choices) > 25 else "")
        super().__init__(f"unknown {kind} {value!r}.{hint} Valid {kind}s: {shown}")


class UnknownGPUError(UnknownNameError):
    def __init__(self, value: str, choices: Iterable[str]) -> None:
        super().__init__("GPU", value, choices)


class SchemaError(CostcmpError):
    """An offer table (a cache file or an adapter's output) that breaks the schema.

    The message names the origin (file), the line and the field so the user can find it.
    """

    def __init__(self, origin: str, message: str, *, line: int | None = None, field: str | None = None):
        self.origin = origin
        self.line = line
        self.field = field
        where = origin
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class CacheError(CostcmpError):
    """A cache directory or metadata file that cannot be used."""
