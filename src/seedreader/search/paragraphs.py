"""Paragraphs: the units the index stores, cut from a document's lines.

A paragraph is a run of lines that each hold a word (blocks between lines that hold no word);
one longer than `MAX_PARAGRAPH_LINES` lines is cut into windows of `WINDOW_LINES`. No row holds
more than `MAX_CHARS` characters: a longer paragraph is cut into groups of lines, and a longer
line into pieces (`iter_rows`), so what one search reads of a candidate row is bounded, however
long a line is (a 50 MB file of one line is thousands of rows, not one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from seedreader.documents import expand_tabs

MAX_PARAGRAPH_LINES = 12
"""A block of text lines longer than this is not one paragraph: it is cut into windows."""
WINDOW_LINES = 4
"""Lines per window when a block is too long to be a paragraph (text without blank lines)."""
MAX_CHARS = 4096
"""Characters a row of the index holds at most (line breaks aside): see `iter_rows`."""
_CUT_BACK = 256
"""How far back from `MAX_CHARS` a piece of a long line looks for a character that is not part
of a word to end at, so that no word is cut in two (else it is cut where it is)."""

Row = tuple[int, str, int, int]
"""(first line, text, column, line length): a paragraph has column 0 and line length -1; a piece
of a line longer than `MAX_CHARS` has the column of its first character in the line and the
line's length."""

_SEPARATOR = re.compile(r"\n(?:[^\w\n]|_)*(?=\n|\Z)")
"""A LF and a line holding no word (blank, `%`, `----`): such lines separate paragraphs."""


def iter_paragraphs(blocks: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(first line, text) of each paragraph, from (first line, text) blocks of a document.

    A block is whole lines joined with LF (no final LF), as `Document.text_blocks` gives them;
    tabs may be left unexpanded.
    A paragraph is a run of lines that each hold a word; one longer than `MAX_PARAGRAPH_LINES`
    is cut into windows of `WINDOW_LINES`. Its text is its lines joined with LF, tabs expanded
    as the document's lines are.

    One block is held at a time (no look-ahead), with the lines of the paragraph it ends in
    (fewer than `WINDOW_LINES` once that paragraph is known to be cut into windows): a file
    with no blank line is not gathered whole.
    """
    carry: str | None = None  # the paragraph the last block ended in, not yet given
    carry_line = 0
    cut = False  # that paragraph is long: cut into windows from its start (some given)
    for first, text in blocks:
        # With a LF in front, every line starts after a LF and each separator line is a match.
        if carry is not None:
            text = "\n" + carry + "\n" + text
            first = carry_line
            carry = None
        else:
            text = "\n" + text
        line = first
        # What lies between separators, each with the LF before it (at most a block: 1 MB);
        # the last part follows the last separator.
        parts = _SEPARATOR.split(text)
        del text
        last = parts.pop()
        for part in parts:
            if part:
                body = part[1:]
                breaks = body.count("\n")
                if not cut and breaks < MAX_PARAGRAPH_LINES and "\t" not in body:
                    yield line, body
                else:
                    yield from windows(line, body, cut)
                line += breaks + 1
            cut = False
            line += 1  # the separator line
        del parts
        if last:
            tail: str | None = last[1:]
            del last
            if tail is not None and (cut or tail.count("\n") >= MAX_PARAGRAPH_LINES):
                # Long whatever follows: give its whole windows now, keep the rest.
                lines = tail.split("\n")
                whole = len(lines) // WINDOW_LINES * WINDOW_LINES
                if whole:
                    yield from windows(line, "\n".join(lines[:whole]), True)
                cut = True
                line += whole
                tail = "\n".join(lines[whole:]) if whole < len(lines) else None
                del lines
            carry, carry_line = tail, line
    if carry is not None:
        yield from windows(carry_line, carry, cut)


def windows(line: int, body: str, cut: bool = False) -> Iterator[tuple[int, str]]:
    """A run of lines starting at `line` as one paragraph, or as windows when it is too long
    (or `cut`: it is the rest of a paragraph already cut into windows)."""
    if "\t" in body:
        body = expand_tabs(body)  # in cells, as the lines are (column resets at each LF)
    if not cut and body.count("\n") < MAX_PARAGRAPH_LINES:
        yield line, body
        return
    lines = body.split("\n")
    for k in range(0, len(lines), WINDOW_LINES):
        yield line + k, "\n".join(lines[k : k + WINDOW_LINES])


def iter_rows(blocks: Iterable[tuple[int, str]]) -> Iterator[Row]:
    """The rows of the index, from (first line, text) blocks of a document (see `Row`).

    They are the paragraphs of `iter_paragraphs`, except that one longer than `MAX_CHARS` is cut
    into groups of whole lines of at most `MAX_CHARS` characters, and a line longer than that
    into pieces of at most `MAX_CHARS`, each ending after a character that is not part of a word
    where there is one near its end.
    """
    for line, body in iter_paragraphs(blocks):
        if len(body) <= MAX_CHARS:
            yield line, body, 0, -1
        elif "\n" not in body:
            yield from pieces(line, body)
        else:
            group: list[str] = []
            size = 0
            first = line
            for number, text in enumerate(body.split("\n"), line):
                if group and size + len(text) > MAX_CHARS:
                    yield first, "\n".join(group), 0, -1
                    group, size = [], 0
                if len(text) > MAX_CHARS:
                    yield from pieces(number, text)
                    continue
                if not group:
                    first = number
                group.append(text)
                size += len(text) + 1
            if group:
                yield first, "\n".join(group), 0, -1


def pieces(line: int, text: str) -> Iterator[Row]:
    """A line longer than `MAX_CHARS` as pieces of at most `MAX_CHARS` characters."""
    length = len(text)
    start = 0
    while start < length:
        end = start + MAX_CHARS
        if end < length:
            for cut in range(end, max(end - _CUT_BACK, start + 1), -1):
                ch = text[cut - 1]
                if not (ch.isalnum() or unicodedata.combining(ch)):
                    end = cut
                    break
        yield line, text[start:end], start, length
        start = end
