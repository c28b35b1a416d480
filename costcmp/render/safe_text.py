"""The one filter for text that reaches a terminal: data and server replies never drive it.

A price table's names, a server's error text and a cache's contents are data. Printed raw, an escape
sequence in them can clear the screen, set the window title or draw a clickable link; a line feed or a
right-to-left override draws rows that are not there. Every string costcmp prints passes through here
— table cells, panels, sentences, progress and error lines (the rich Console in
`costcmp.render.terminal` applies `strip_controls` to everything it writes, the plain stderr lines of
the CLI apply `terminal_line`) — which removes:

* escape sequences, whole: CSI (``ESC [``), OSC (``ESC ]`` ... BEL/ST: titles, hyperlinks), DCS, SOS, PM,
  APC, two-character escapes, and their 8-bit C1 forms;
* every other control character (C0, DEL, C1), Unicode format characters (bidirectional embeddings,
  overrides and isolates, zero-width characters, the BOM, tag characters), lone surrogates, and line and
  paragraph separators (in one-line text, line breaks and tabs become a space);

and caps the length of one-line text, marking a cut as ``…(12,345 chars)``. Pure functions, no rich.
"""

from __future__ import annotations

import re

#: Longest table cell, in characters, before it is cut.
CELL_LIMIT = 200
#: Longest one line of text (a message, an error, a progress line) before it is cut.
LINE_LIMIT = 2000

_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI: colours, cursor moves, erase screen
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: window title, hyperlinks, clipboard
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # two-character escapes (ESC c resets the terminal) and a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"  # 8-bit OSC
    r"|[\x90\x98\x9e\x9f][^\x9c]*\x9c?"  # 8-bit DCS, SOS, PM, APC
)
#: Unicode general categories Cc (controls), Cf (format: bidi, zero-width, BOM, tags), Cs (surrogates),
#: Zl and Zp (line and paragraph separators), as of Unicode 15.1, less the tab and line feed (handled
#: by the callers: kept in multi-line text, a space in one line).
_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_INVISIBLE_CHARS = re.compile(f"[{_INVISIBLE}]")
_LINE_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_PLAIN = re.compile(r"[ -~\n]*")


def strip_controls(text: str) -> str:
    """`text` without escape sequences and invisible characters; line feeds and tabs kept.

    For text that is already laid out (rich's rendered segments): nothing printable is changed."""
    if _PLAIN.fullmatch(text):
        return text
    return _INVISIBLE_CHARS.sub("", _ESCAPE_SEQUENCES.sub("", text))


def cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked with the full length: 'abc…(12,345 chars)'."""
    return text if len(text) <= limit else f"{text[:limit]}…({len(text):,} chars)"


def terminal_line(value: object, limit: int = LINE_LIMIT) -> str:
    """`value` as one safe line of at most `limit` characters (+ the cut mark): escape sequences and
    invisible characters removed, line breaks and tabs turned into one space."""
    text = "" if value is None else str(value)
    if not _PLAIN.fullmatch(text) or "\n" in text:
        text = _ESCAPE_SEQUENCES.sub("", text)
        text = _INVISIBLE_CHARS.sub("", _LINE_BREAKS.sub(" ", text))
    return cut(text, limit)
