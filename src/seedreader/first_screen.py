"""The first screen: the document drawn on the terminal before the UI framework is imported.

Importing Textual and building the app takes a few hundred milliseconds; `less` shows text in a
few. So `seedreader FILE` draws, with nothing but the standard library, what the app's first
frame will show (title bar, the document's rows where the pane puts them, status bar, the
footer's row) in the alternate screen, then lets the app take over: the app draws the same
frame over it, so nothing is cleared in between.

Meanwhile the terminal is in non-canonical, no-echo mode, so keys typed before the app is up
are neither echoed over the text nor lost: they wait in the terminal's input queue for the app.
The app's driver takes the saved terminal attributes (`hand_over`), so what it restores at exit
is the state from before seedreader started; if the app never gets that far, `release` leaves
the alternate screen, shows the cursor and restores the terminal.

The layout follows the reader's (`seedreader.ui.widgets.document_view` and `app.tcss`); a test
compares this screen with the app's, cell by cell, so neither drifts from the other.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from seedreader.documents import Document, _char_cells, sanitize
from seedreader.pathnames import show_path
from seedreader.state import ReadingState, find_place, percent, read_fraction
from seedreader.wrap import hanging_indent, usable_indent, wrap_ranges
from seedreader.wrap import text_cells as _cells

READING_WIDTH = 100
"""The pane's default text column (DocumentView.READING_WIDTH)."""
MIN_READING_WIDTH, MAX_READING_WIDTH = 30, 400
GUTTER = 2
MIN_WIDTH, MIN_HEIGHT = 60, 20
"""Below this the reader shows a "too small" message instead: no first screen then."""
DEFAULT_THEME = "textual-dark"

STYLES: dict[str, dict[str, str]] = {
    "truecolor": {
        "title": "1;38;2;224;224;224;48;2;51;66;78",
        "title_plain": "38;2;224;224;224;48;2;51;66;78",
        "text": "38;2;224;224;224;48;2;30;30;30",
        "cursor": "38;2;224;224;224;48;2;24;48;66",
        "gutter": "38;2;146;146;146;48;2;30;30;30",
        "bar": "38;2;69;80;90;48;2;30;30;30",
        "thumb": "38;2;1;120;212;48;2;30;30;30",
        "status": "38;2;224;224;224;48;2;36;47;56",
        "footer": "38;2;224;224;224;48;2;36;47;56",
    },
    "256": {
        "title": "1;38;5;253;48;5;59",
        "title_plain": "38;5;253;48;5;59",
        "text": "38;5;253;48;5;234",
        "cursor": "38;5;253;48;5;23",
        "gutter": "38;5;245;48;5;234",
        "bar": "38;5;239;48;5;234",
        "thumb": "38;5;32;48;5;234",
        "status": "38;5;253;48;5;17",
        "footer": "38;5;253;48;5;17",
    },
    "16": {
        "title": "1;97;100",
        "title_plain": "97;100",
        "text": "97;40",
        "cursor": "97;100",
        "gutter": "37;40",
        "bar": "90;40",
        "thumb": "36;40",
        "status": "97;100",
        "footer": "97;100",
    },
}
"""SGR codes of each part in the default theme, per colour system, as the app draws them
(checked against the app by tests/ui/test_first_screen.py)."""

Attributes = list[Any]
"""Terminal attributes as `termios.tcgetattr` gives them."""
Span = tuple[str, str]
"""Text and the name of its style in STYLES."""


@dataclass(frozen=True)
class Settings:
    """The remembered choices that change what the first frame shows."""

    wrap: bool = True
    reading_width: int = READING_WIDTH


def color_system(environ: Mapping[str, str]) -> str | None:
    """The colour system the app will draw in (as Rich decides it), or None when the first
    screen cannot match the app's colours (no colour, a forced system, filters)."""
    if "NO_COLOR" in environ or environ.get("TEXTUAL_FILTERS"):
        return None
    if environ.get("TEXTUAL_COLOR_SYSTEM", "auto") != "auto":
        return None
    if environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return "truecolor"
    term = environ.get("TERM", "").strip().lower()
    if term in ("dumb", "unknown"):
        return None
    suffix = term.rpartition("-")[2]
    return "256" if suffix in ("256color", "kitty") else "16"


# -- layout


def _fit(text: str, width: int) -> str:
    """`text` cut to `width` cells (a wide character that would straddle the edge is left out)."""
    if text.isascii():
        return text[:width]
    used = 0
    for index, char in enumerate(text):
        used += _char_cells(char)
        if used > width:
            return text[:index]
    return text


@dataclass(frozen=True)
class _Row:
    line: int
    sub: int
    start: int
    end: int


def layout(
    line: Callable[[int], str],
    line_count: int,
    *,
    width: int,
    height: int,
    cursor: int,
    settings: Settings,
) -> tuple[list[list[Span]], int]:
    """The document pane's rows (`width` x `height` cells) and the last line shown whole.

    `line(i)` gives line i's text (sanitized here). The view starts at the cursor line, or
    higher when that would leave the end of the document short of the bottom, as the pane
    does when it opens a document at a remembered place.
    """
    text_width = max(min(width - 1 - GUTTER, settings.reading_width), 1)
    margin = max((width - 1 - GUTTER - text_width) // 2, 0)
    shown: dict[int, str] = {}

    def text_of(index: int) -> str:
        if index not in shown:
            shown[index] = sanitize(line(index))
        return shown[index]

    def indent_of(index: int) -> int:
        return usable_indent(hanging_indent(text_of(index)), text_width)

    def rows_of(index: int) -> Sequence[tuple[int, int]]:
        if not settings.wrap:
            return [(0, len(text_of(index)))]
        return wrap_ranges(text_of(index), text_width, indent_of(index))

    top, top_sub = min((cursor, 0), _max_top(rows_of, line_count, height))
    rows: list[_Row] = []
    index, first_sub = top, top_sub
    while len(rows) < height and index < line_count:
        ranges = rows_of(index)
        for sub in range(first_sub, len(ranges)):
            start, end = ranges[sub]
            rows.append(_Row(index, sub, start, end))
            if len(rows) >= height:
                break
        index, first_sub = index + 1, 0
    last_read = top - 1
    if rows:
        last = rows[-1]
        last_read = last.line - 1 if last.sub + 1 < len(rows_of(last.line)) else last.line
    view_last = rows[-1].line + 1 if rows else top + 1
    count = max(line_count, 1)
    out: list[list[Span]] = []
    for y in range(height):
        first_at, last_at = y * count / height, (y + 1) * count / height
        thumb = (top < last_at and view_last > first_at) or (first_at <= top < last_at)
        bar: Span = ("┃", "thumb") if thumb else ("│", "bar")
        if y >= len(rows):
            out.append([(" " * (width - 1), "text"), bar])
            continue
        row = rows[y]
        style = "cursor" if row.line == cursor else "text"
        text = text_of(row.line)
        piece = text[row.start : row.end] if settings.wrap else text[:text_width]
        if row.sub and settings.wrap:
            piece = " " * indent_of(row.line) + piece
        spans: list[Span] = [(" " * margin, "text"), ("  ", "gutter")]
        used = margin + GUTTER + _cells(piece)
        if used > width - 1:
            piece = _fit(piece, width - 1 - margin - GUTTER)
            used = margin + GUTTER + _cells(piece)
        spans.append((piece, style))
        column_end = min(margin + GUTTER + text_width, width - 1)
        if used < column_end:
            spans.append((" " * (column_end - used), style))
            used = column_end
        if used < width - 1:
            spans.append((" " * (width - 1 - used), "text"))
        spans.append(bar)
        out.append(spans)
    return out, last_read


def _max_top(
    rows_of: Callable[[int], Sequence[tuple[int, int]]], line_count: int, height: int
) -> tuple[int, int]:
    """The top (line, row) that puts the last line at the bottom (the pane's `_max_top`)."""
    if line_count == 0:
        return 0, 0
    remaining = height
    index = line_count - 1
    while index >= 0:
        n = len(rows_of(index))
        if n >= remaining:
            return index, n - remaining
        remaining -= n
        if index == 0:
            break
        index -= 1
    return 0, 0


def _bar(spans: list[Span], width: int, fill: str) -> list[Span]:
    """A one-line bar: the spans cut to `width` cells (the last cell an ellipsis when cut),
    then padded with `fill`'s style."""
    total = sum(_cells(text) for text, _ in spans)
    if total > width:
        cut: list[Span] = []
        room = width - 1
        for text, style in spans:
            piece = _fit(text, room)
            if piece:
                cut.append((piece, style))
            room -= _cells(piece)
            if room <= 0:
                break
        cut.append(("…", spans[-1][1] if spans else fill))
        spans, total = cut, width - room
    if total < width:
        spans = [*spans, (" " * (width - total), fill)]
    return spans


def frame(
    document: Document,
    *,
    width: int,
    height: int,
    cursor: int,
    settings: Settings,
) -> list[list[Span]]:
    """The whole first frame of a single, loaded, non-empty document: one list of spans a row."""
    count = document.line_count
    pane_height = height - 3  # the title bar, the status bar and the footer's row
    pane, last_read = layout(
        document.line, count, width=width, height=pane_height, cursor=cursor, settings=settings
    )
    title = _bar(
        [(" seedreader ", "title"), ("│ ", "title_plain"), (show_path(document.name), "title")],
        width,
        "title_plain",
    )
    parts = [
        f"line {cursor + 1:,}/{count:,}{'' if document.is_indexed else '+'}",
        f"{percent(read_fraction(last_read, count))}%",
        document.encoding,
    ]
    if not settings.wrap:
        parts.append("wrap off")
    if not document.is_indexed:
        parts.append("indexing 0%")
    status = _bar(
        [(" " + "  │  ".join(sanitize(part) for part in parts), "status")], width, "status"
    )
    return [title, *pane, status, [(" " * width, "footer")]]


def render(rows: list[list[Span]], codes: Mapping[str, str]) -> str:
    """The escape sequences that draw `rows` from the top-left corner."""
    out = []
    for y, spans in enumerate(rows, start=1):
        out.append(f"\x1b[{y};1H")
        for text, style in spans:
            out.append(f"\x1b[{codes[style]}m{text}\x1b[0m")
    return "".join(out)


def plain(rows: list[list[Span]]) -> list[str]:
    """The rows as text (for tests)."""
    return ["".join(text for text, _ in spans) for spans in rows]


# -- the terminal


@dataclass
class _Early:
    fd: int
    attrs: Attributes | None


_early: _Early | None = None


def _write(fd: int, data: bytes) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _settings(state: ReadingState) -> Settings | None:
    """The remembered choices, or None when they make the first frame something we do not
    draw (another theme, the notes sidebar or the outline shown, line numbers)."""
    theme = state.setting("theme")
    if theme and theme != DEFAULT_THEME:
        return None
    if (
        state.setting("notes") == "shown"
        or state.setting("outline") == "shown"
        or state.setting("line-numbers") == "on"
    ):
        return None
    width = READING_WIDTH
    value = state.setting("reading-width")
    if value and value.isdigit():
        width = min(max(int(value), MIN_READING_WIDTH), MAX_READING_WIDTH)
    return Settings(wrap=state.setting("wrap") != "off", reading_width=width)


def show(document: Document, state: ReadingState, environ: Mapping[str, str] = os.environ) -> bool:
    """Draw the first screen of a single, loaded document, if the terminal allows it.

    Returns True when drawn; the terminal is then in the alternate screen with the cursor
    hidden and input neither echoed nor line-buffered, until `hand_over` or `release`.
    """
    global _early
    if _early is not None or environ.get("SEEDREADER_NO_FIRST_SCREEN"):
        return False
    if document.is_markdown or document.line_count == 0:
        return False  # formatted by the app (Markdown) or a one-word message: not worth it
    system = color_system(environ)
    if system is None:
        return False
    try:
        if not all(os.isatty(fd) for fd in (0, 1, 2)):
            return False
        out_fd = sys.__stderr__.fileno() if sys.__stderr__ is not None else 2
    except (OSError, ValueError):
        return False
    width, height = shutil.get_terminal_size()
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return False
    settings = _settings(state)
    if settings is None:
        return False
    place = state.get(document.path)
    count = document.line_count
    cursor = 0
    if place is not None:
        cursor = min(max(find_place(place, count, document.line), 0), max(count - 1, 0))
    rows = frame(document, width=width, height=height, cursor=cursor, settings=settings)
    import termios

    try:
        attrs = termios.tcgetattr(0)
        quiet = termios.tcgetattr(0)
        # As Textual's raw mode, except signals (Ctrl+C still stops a start-up): keys typed now
        # are read by the app later exactly as it would have read them (Enter stays CR, not
        # turned into LF by ICRNL; Ctrl+S, Ctrl+Q and Ctrl+V are keys, not flow control or
        # a literal-next).
        quiet[0] &= ~(termios.IXON | termios.IXOFF | termios.ICRNL | termios.INLCR | termios.IGNCR)
        quiet[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN)
        quiet[6][termios.VMIN] = 1
        quiet[6][termios.VTIME] = 0
        termios.tcsetattr(0, termios.TCSANOW, quiet)
    except termios.error:
        return False
    _early = _Early(out_fd, attrs)
    try:
        body = render(rows, STYLES[system])
        _write(out_fd, f"\x1b[?1049h\x1b[?25l\x1b[?2026h{body}\x1b[?2026l".encode())
    except OSError:
        release()
        return False
    return True


def hand_over() -> Attributes | None:
    """The app's driver has put the terminal in its own mode: the terminal attributes from
    before the first screen (for the driver to restore at exit), or None if none was drawn."""
    global _early
    early, _early = _early, None
    return early.attrs if early is not None else None


def release() -> None:
    """Undo the first screen if the app never took over: leave the alternate screen, show the
    cursor, restore the terminal's attributes. Does nothing otherwise."""
    global _early
    early, _early = _early, None
    if early is None:
        return
    import termios

    with contextlib.suppress(OSError):
        _write(early.fd, b"\x1b[?2026l\x1b[?1049l\x1b[?25h")
    if early.attrs is not None:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(0, termios.TCSANOW, early.attrs)
