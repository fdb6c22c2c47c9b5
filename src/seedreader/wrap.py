"""Soft wrapping of one line into rows of at most a given number of cells.

Core, with no UI import: the pane and the first screen (drawn before Textual is imported) wrap
with this one function, measuring characters as Rich does (`documents._char_cells`, tested
equal to Rich's widths over all of Unicode).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import overload

from seedreader.documents import _char_cells

HUGE_LINE = 20_000
"""Longer lines are cut every `width` characters, not at words: wrapping a 50 MB line by
measuring every character would stall the screen."""


MAX_INDENT_SHARE = 0.5
"""A hanging indent takes at most this share of the row: deeper, it is dropped."""

_HANGING = re.compile(
    r" *(?:"
    r"(?:[-*+•◦▪·]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\d{1,3}\)) +"  # list items
    r"|[1-4]?[A-Z][a-z]{0,5}\.? ?\d{1,3}:\d{1,3} +"  # verse references (Ge1:1, John 3:16)
    r"|(?:> ?)+"  # quoted lines, nested
    r")"
)


def hanging_indent(text: str) -> int:
    """Cells to indent a plain line's wrapped rows by: under the text of a list item, a verse
    after its reference, a quoted line after its `>`s, an indented paragraph at its indent."""
    match = _HANGING.match(text)
    if match is not None and match.end() < len(text):
        end = match.end()
    else:
        end = len(text) - len(text.lstrip(" "))
        if end == len(text):
            return 0
    prefix = text[:end]
    return end if prefix.isascii() else text_cells(prefix)


def usable_indent(indent: int, width: int) -> int:
    """The hanging indent as drawn in rows `width` cells wide (none when it would leave the
    text too narrow a column)."""
    return indent if 0 < indent <= width * MAX_INDENT_SHARE else 0


def wrap_ranges(text: str, width: int, indent: int = 0) -> Sequence[tuple[int, int]]:
    """Split `text` into rows, preferring to break after a space.

    Args:
        text: the (sanitized) line.
        width: cells per row, at least 1.
        indent: cells drawn before every row after the first (a hanging indent; see
            `usable_indent`), which leaves those rows narrower.

    Returns:
        (start, end) character ranges, one per row; an empty line is one empty row.
    """
    width = max(width, 1)
    length = len(text)
    if length <= width and (text.isascii() or text_cells(text) <= width):
        return [(0, length)]
    if length > HUGE_LINE:
        return FixedRows(length, width)
    indent = usable_indent(indent, width)
    if text.isascii():
        return _wrap_ascii(text, width, width - indent)
    return _wrap_cells(text, width, width - indent)


class FixedRows(Sequence[tuple[int, int]]):
    """Rows of `width` characters over a huge line, computed when asked for, not stored."""

    def __init__(self, length: int, width: int) -> None:
        self._length = length
        self._width = width

    def __len__(self) -> int:
        return max(-(-self._length // self._width), 1)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | Sequence[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = index * self._width
        return start, min(start + self._width, self._length)


def text_cells(text: str) -> int:
    """Cells `text` (sanitized) takes on screen."""
    return len(text) if text.isascii() else sum(_char_cells(ch) for ch in text)


def _wrap_ascii(text: str, width: int, rest: int) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    while length - start > width:
        space = text.rfind(" ", start, start + width + 1)
        end = space + 1 if space > start else start + width
        rows.append((start, end))
        start = end
        width = rest
    rows.append((start, length))
    return rows


def _wrap_cells(text: str, width: int, rest: int) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    start = 0
    cells = 0
    last_space = -1
    index = 0
    length = len(text)
    while index < length:
        size = _char_cells(text[index])
        if cells + size > width and index > start:
            end = last_space + 1 if last_space >= start else index
            rows.append((start, end))
            start = end
            width = rest
            cells = text_cells(text[start:index])
            last_space = -1
            continue
        cells += size
        if text[index] == " ":
            last_space = index
        index += 1
    rows.append((start, length))
    return rows
