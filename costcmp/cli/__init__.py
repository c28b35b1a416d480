"""The command line: a thin layer that parses options, calls the library and renders.

`costcmp.cli:main` is the console script. Each command module registers its commands on the one Typer
app when imported; none imports pandas, rich tables or a cloud SDK until its command runs.
"""

from costcmp.cli import catalog, planning, refreshing, reporting  # noqa: F401  (registers the commands)
from costcmp.cli._app import app, main

__all__ = ["app", "main"]
