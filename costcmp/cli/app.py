"""The command line: parse options (argparse), call the library, render; map errors to one line.

argparse, not typer or click: it is in the standard library, costs ~5 ms to import (typer 0.29 pulled
in pydantic on the first option, ~80 ms, and click's machinery another ~20 ms of a start-up budget of
~30 ms), and gives this module full control of errors — one line and exit 2 — and of help text.
Heavy modules (pandas, rich, the planner) are imported inside the commands.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from costcmp.errors import ConflictingParametersError, CostcmpError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from costcmp.cache import Snapshot

DESCRIPTION = "What will it cost, on which cloud, and how long will it take, to train this model at this scale?"
#: Library parameter names whose flag is not simply --name-with-dashes.
_FLAGS = {"commit_discounts": "--commit-discount", "preset": "--cluster-preset"}


class UsageError(CostcmpError):
    """The command line itself is malformed (an unknown option, a missing value)."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def flag(param: str) -> str:
    """The CLI flag of a library parameter: mfu -> --mfu, seq_len -> --seq-len."""
    return _FLAGS.get(param, "--" + param.replace("_", "-"))


def error_line(exc: CostcmpError) -> str:
    """The one line the user sees: library parameter names become the flags they typed."""
    if isinstance(exc, ConflictingParametersError):
        first, second = (flag(p) for p in exc.params)
        return f"{first} and {second} {exc.problem}"
    problem = getattr(exc, "problem", None)
    if exc.param and problem is not None:
        return f"{flag(exc.param)} {problem}"
    text = str(exc)
    return f"{flag(exc.param)}: {text}" if exc.param and not text.startswith("unknown") else text


#: Command -> the module that registers it (only that module's parsers are built for a command line
#: that names one; `costcmp --help` builds them all).
_COMMAND_MODULES = {
    "prices": "catalog_commands",
    "gpus": "catalog_commands",
    "plan": "plan_commands",
    "models": "plan_commands",
    "validate": "plan_commands",
    "cluster": "cluster_command",
    "report": "report_command",
    "refresh": "refresh_command",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that command's module registers (faster start-up)."""
    import importlib

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--verbose", "-v", action="store_true", default=argparse.SUPPRESS,
        help="Show the library's log and, on an unexpected error, the traceback.",
    )  # fmt: skip
    parser = _Parser(prog="costcmp", description=DESCRIPTION, parents=[common])
    from costcmp import __version__

    parser.add_argument("--version", action="version", version=f"costcmp {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    wanted = (
        [_COMMAND_MODULES[command]] if command in _COMMAND_MODULES else list(dict.fromkeys(_COMMAND_MODULES.values()))
    )
    for name in wanted:
        getattr(importlib.import_module(f"costcmp.cli.{name}"), f"add_{name}")(commands, common)
    return parser


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time of each record (tests swap it), each record one safe
    line: log messages carry server replies and file contents."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)

    def format(self, record: logging.LogRecord) -> str:
        from costcmp.render.safe_text import terminal_line

        return terminal_line(super().format(record))


def _setup_logging(verbose: bool) -> None:
    """The library's `costcmp` logger on stderr: everything with --verbose, else warnings only."""
    logger = logging.getLogger("costcmp")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("costcmp: %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


def _say(text: str) -> None:
    """One safe line on stderr (`costcmp.render.safe_text`), in what the stream can encode; a stderr
    that is gone cannot be helped."""
    from costcmp.render.safe_text import terminal_line

    line = " ".join(terminal_line(text).split())
    try:
        if sys.stderr is not None:
            encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
            print(line.encode(encoding, "replace").decode(encoding), file=sys.stderr)
    except (OSError, ValueError, LookupError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status: 0 ok, 1 a refresh with failed regions or a bug, 2 bad input or
    an environment failure such as unwritable output (one line on stderr), 130 interrupted."""
    import warnings

    from costcmp.cache import CacheFallbackWarning
    from costcmp.errors import StaleDataWarning

    args_list = list(sys.argv[1:] if argv is None else argv)
    verbose = any(a in ("-v", "--verbose") for a in args_list)
    previous_handler = _install_interrupt_handler()
    try:
        command = next((a for a in args_list if not a.startswith("-")), None)
        parser = build_parser(command)
        if not args_list:
            parser.print_help()
            return 0
        args = parser.parse_args(args_list)
        verbose = bool(getattr(args, "verbose", False))
        _setup_logging(verbose)
        if not hasattr(args, "run"):
            raise UsageError("say which command (see `costcmp --help`)")
        with warnings.catch_warnings():
            # The commands show their own lines for these (stale prices, a user cache passed over).
            warnings.simplefilter("ignore", StaleDataWarning)
            warnings.simplefilter("ignore", CacheFallbackWarning)
            # Inputs are bounded where they enter; a numeric warning past that is noise with an install path.
            warnings.simplefilter("ignore", RuntimeWarning)
            result = args.run(args)
        _flush_stdout()
        return int(result or 0)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    except CostcmpError as exc:
        _say(f"costcmp: error: {error_line(exc)}")
        return 2
    except KeyboardInterrupt:
        _say_interrupted()
        return 130
    except UnicodeEncodeError as exc:
        _say(
            f"costcmp: error: the output holds text that standard output cannot encode ({exc.encoding}); "
            "set PYTHONIOENCODING=utf-8 or write to a file with --output"
        )
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            _silence_stdout()
            return 0
        if verbose:
            raise
        if exc.filename:
            _say(f"costcmp: error: {exc.filename}: {exc.strerror or exc}")
        else:
            _say(f"costcmp: error: cannot write the output: {exc.strerror or exc}")
        return 2
    except Exception as exc:  # a bug: one line and the way to see more
        if verbose:
            raise
        _say(f"costcmp: internal error: {type(exc).__name__}: {exc} (run again with --verbose for the traceback)")
        return 1
    finally:
        if argv is not None:  # called in-process (tests, scripts): leave the caller's Ctrl-C alone afterwards
            _restore_interrupt_handler(previous_handler)


_interrupted: list[bool] = []


def _say_interrupted() -> None:
    if not _interrupted or _interrupted[-1] is not True:
        _interrupted.append(True)
        _say("costcmp: interrupted")


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: the first raises KeyboardInterrupt (the command stops, nothing is written: commits are
    atomic); a second one, however soon, ends the process at once, quietly, with status 130."""
    if _interrupted and _interrupted[0] is False:
        _say_interrupted()
        os._exit(130)
    _interrupted[:] = [False]
    raise KeyboardInterrupt


def _install_interrupt_handler() -> object:
    import signal
    import threading

    _interrupted.clear()
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, _on_interrupt)


def _restore_interrupt_handler(previous: object) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGINT, previous)  # type: ignore[arg-type]


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def stdout() -> TextIO:
    """Standard output, or a clear error when it is closed (`costcmp ... >&-`)."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, "standard output is closed")
    return sys.stdout


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Where a command writes: stdout, or FILE written whole (temporary name, then renamed)."""
    if path is None or path == "-":
        yield stdout()
        return
    from costcmp.atomic import atomic_text

    target = Path(path).expanduser()
    if target.is_dir():
        raise CostcmpError(f"--output {path}: is a directory")
    try:
        with atomic_text(target) as handle:
            yield handle
    except OSError as exc:
        raise CostcmpError(f"cannot write {path}: {exc.strerror or exc}") from None


def console(handle: TextIO, *, stderr: bool = False) -> Console:
    from costcmp.render.terminal import console_for

    return console_for(handle, stderr=stderr)


def emit(df: pd.DataFrame, fmt: str, path: str | None, draw_table: Callable[[Console], None]) -> None:
    """Write `df` as csv or json, or draw it as a table, to stdout or `path`."""
    from costcmp import export

    with output(path) as handle:
        if fmt == "csv" and handle is sys.stdout:
            _write_encodable(handle, lambda buffer: export.write_csv(df, buffer))
        elif fmt == "csv":
            export.write_csv(df, handle)
        elif fmt == "json":
            export.write_json(df, handle)
        else:
            draw_table(console(handle))
    if path not in (None, "-"):
        _say(f"wrote {len(df)} rows to {path}")


def _write_encodable(stream: TextIO, write: Callable[[TextIO], None]) -> None:
    """Write what `write` produces to `stream` only if the stream can encode all of it (an ASCII-only
    terminal and a non-ASCII name): UnicodeEncodeError before the first byte, never half an output."""
    import io

    buffer = io.StringIO()
    write(buffer)
    text = buffer.getvalue()
    text.encode(getattr(stream, "encoding", None) or "utf-8")
    stream.write(text)


def warn(lines: Sequence[str]) -> None:
    """Warnings on stderr, plain (no rich needed for a CSV run)."""
    for line in lines:
        _say(f"warning: {line}")


def note(text: str) -> None:
    """A plain message on stderr (an empty result, a file written)."""
    _say(text)


def data_lines(snapshot: Snapshot, rows: pd.DataFrame) -> list[str]:
    """Where the prices come from and how old they are, for the footer of a table."""
    from costcmp import cache

    ages = cache.provider_ages(rows)
    spans = ", ".join(f"{p} {old}" if old == new else f"{p} {old}…{new}" for p, (old, new, _) in ages.items())
    where = "shipped snapshot" if snapshot.origin == "shipped" else f"user cache {snapshot.path}"
    return [f"Prices as of: {spans} ({where}). Per-row as_of and source: --format csv."]


def load(args: Any) -> Snapshot:
    """The snapshot the command reads, with its warnings shown once."""
    from costcmp import cache

    snapshot = cache.load_snapshot(getattr(args, "cache_dir", None))
    warn(snapshot.warnings)
    return snapshot
