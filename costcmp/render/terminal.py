"""The rich Console for a stream: colour only on a terminal, a sane width anywhere, plain ASCII where
the stream cannot encode Unicode (× -> x, … -> ..., ★ -> *), and nothing from data that drives the
terminal: console markup is off (a name like ``[link=...]`` stays text) and every rendered piece of
text passes `costcmp.render.safe_text.strip_controls` on its way out."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

#: Narrower than this and tables stop being readable; zero or tiny COLUMNS fall back to it.
MIN_WIDTH = 60
#: Width off a terminal (files, pipes) when COLUMNS is not set: wide enough for every column.
FILE_WIDTH = 200
_ASCII = str.maketrans({"×": "x", "…": "...", "★": "*", "»": ">", "—": "-", "─": "-", "·": "*", "│": "|",
                        "╭": "+", "╮": "+", "╰": "+", "╯": "+", "≥": ">=", "≤": "<=", "−": "-", "²": "2",
                        "¹": "1", "–": "-"})  # fmt: skip


def can_encode(stream: IO[str], text: str = "×…★─") -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class AsciiStream:
    """A text stream wrapper that writes only what the underlying stream can encode."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.encoding = getattr(stream, "encoding", None) or "ascii"

    def write(self, text: str) -> int:
        plain = text.translate(_ASCII).encode(self.encoding, "replace").decode(self.encoding)
        return self._stream.write(plain)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()


def console_for(stream: IO[str], *, stderr: bool = False) -> Console:
    """A Console on `stream`: colour only on a terminal, COLUMNS honoured down to MIN_WIDTH.

    A broken pipe (`costcmp prices | head -1`) is raised as BrokenPipeError for the CLI to end quietly
    with status 0; rich's own handler would exit with status 1."""
    from rich.console import Console
    from rich.segment import Segment

    from costcmp.render.safe_text import strip_controls

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            """The one place rich turns segments into characters: text is filtered here, styles (the
            escape sequences rich itself makes for colour) are not."""
            clean = (segment if segment.control else Segment(strip_controls(segment.text), segment.style)
                     for segment in buffer)  # fmt: skip
            return super()._render_buffer(clean)

    interactive = stream.isatty()
    width: int | None = None
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():
        width = max(MIN_WIDTH, int(columns))
    elif not interactive:
        width = FILE_WIDTH
    safe = can_encode(stream)
    target = stream if safe else AsciiStream(stream)
    console = _Console(
        file=target,  # type: ignore[arg-type]
        width=width,
        stderr=stderr,
        soft_wrap=False,
        color_system="auto" if interactive else None,
        safe_box=True,
        emoji=False,
        markup=False,
        highlight=False,
    )
    if interactive and console.width < MIN_WIDTH:
        console.width = MIN_WIDTH
    if not safe:
        console.legacy_windows = False
    return console
