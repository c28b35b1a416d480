"""The command line: a thin layer that parses options, calls the library and renders.

`costcmp.cli:main` is the console script; each command module registers its commands on the parser.
None imports pandas, rich or a cloud SDK until its command runs.
"""

from costcmp.cli.app import main

__all__ = ["main"]
