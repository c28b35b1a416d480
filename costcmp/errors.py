"""Typed errors and warnings of the library.

Every `CostcmpError` is a problem the user can fix (bad input, a bad cache file, missing credentials),
never a bug. Errors about one argument carry its library name in `param` (``mfu``, ``gpu``); the CLI
turns that into its flag (``--mfu``), so library messages never speak in CLI flags.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How much of a bad value an error message repeats (a pasted 100,000-character value is cut).
SHOWN_LIMIT = 80


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """`value` as an error message quotes it: its repr, cut to `limit` characters with the full length
    said ('aaaa…(100,002 chars)')."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}…({len(text):,} chars)"


class CostcmpError(Exception):
    """Base class: a problem the user can fix, never a bug. The CLI prints it as one line, exit 2."""

    #: The library parameter the error is about (``"mfu"``), or None.
    param: str | None = None


class InvalidParameterError(CostcmpError, ValueError):
    """One parameter has a value outside what it accepts; `str()` reads "<param> <problem>"."""

    def __init__(self, param: str, problem: str) -> None:
        self.param = param
        self.problem = problem
        super().__init__(f"{param} {problem}")


class ConflictingParametersError(CostcmpError, ValueError):
    """Two parameters were given that cannot be used together; both are named."""

    def __init__(self, first: str, second: str, problem: str = "cannot be used together") -> None:
        self.param = first
        self.params = (first, second)
        self.problem = problem
        super().__init__(f"{first} and {second} {problem}")


class UnknownNameError(CostcmpError, ValueError):
    """A name (GPU, provider, region, pricing kind, column) that is not one of the valid choices."""

    def __init__(self, kind: str, value: str, choices: Iterable[str], *, param: str | None = None) -> None:
        self.kind = kind
        value = value if isinstance(value, str) else repr(value)
        self.value = value
        self.param = param
        self.choices = sorted(set(choices))
        close = difflib.get_close_matches(value, self.choices, n=3, cutoff=0.5)
        if not close:
            lowered = {c.lower(): c for c in self.choices}
            close = [lowered[c] for c in difflib.get_close_matches(value.lower(), list(lowered), n=3)]
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        listed = ", ".join(self.choices[:25]) + (", ..." if len(self.choices) > 25 else "")
        super().__init__(f"unknown {kind} {shown(value)}.{hint} Valid {kind}s: {listed}")


class UnknownGPUError(UnknownNameError):
    def __init__(self, value: str, choices: Iterable[str]) -> None:
        super().__init__("GPU", value, choices, param="gpu")


class SchemaError(CostcmpError):
    """An offer table (a cache file or an adapter's output) that breaks the schema.

    The message names the origin (file), the line and the field so the user can find it.
    """

    def __init__(
        self, origin: str, message: str, *, line: int | None = None, field: str | None = None, param: str | None = None
    ):
        self.origin = origin
        self.param = param
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


class CredentialsError(CostcmpError):
    """A provider's credentials are missing or unusable; the message says how to configure them."""


class RegionFetchError(CostcmpError):
    """One region could not be fetched (an API or network error); other regions go on."""


class PlanInfeasibleError(CostcmpError):
    """No offer can satisfy the request; the message names the nearest thing that works."""


class MissingExtraError(CostcmpError):
    """An optional dependency is not installed; the message says which extra to install."""


class StaleDataWarning(UserWarning):
    """Prices older than `costcmp.cache.STALE_AFTER_DAYS` were loaded; refresh them."""
