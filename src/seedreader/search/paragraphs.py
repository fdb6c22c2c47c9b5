"""Paragraphs: the units the index stores, cut from a document's lines.

A paragraph is a run of lines that each hold a word (blocks between lines that hold no word);
one longer than `MAX_PARAGRAPH_LINES` lines is cut into windows of `WINDOW_LINES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from seedreader.documents import TAB_SIZE

MAX_PARAGRAPH_LINES = 12
"""A block of text lines longer than this is not one paragraph: it is cut into windows."""
WINDOW_LINES = 4
"""Lines per window when a block is too long to be a paragraph (text without blank lines)."""

_SEPARATOR = re.compile(r"\n(?:[^\w\n]|_)*(?=\n|\Z)")
"""A LF and a line holding no word (blank, `%`, `----`): such lines separate paragraphs."""


def iter_paragraphs(blocks: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(first line, text) of each paragraph, from (first line, text) blocks of a document.

    A block is whole lines joined with LF (no final LF), as `Document.text_blocks` gives them;
    tabs may be left unexpanded.
    A paragraph is a run of lines that each hold a word; one longer than `MAX_PARAGRAPH_LINES`
    is cut into windows of `WINDOW_LINES`. Its text is its lines joined with LF, tabs expanded
    as the document's lines are.
    """
    carry: str | None = None
    carry_line = 0
    pending = iter(blocks)
    current = next(pending, None)
    while current is not None:
        first, text = current
        current = next(pending, None)
        if carry is not None:
            text = carry + "\n" + text
            first = carry_line
            carry = None
        # With a LF in front, every line starts after a LF and each separator line is a match.
        text = "\n" + text
        line = first
        prev = 0
        for m in _SEPARATOR.finditer(text):
            s = m.start()
            if s > prev:
                body = text[prev + 1 : s]
                breaks = body.count("\n")
                if breaks < MAX_PARAGRAPH_LINES and "\t" not in body:
                    yield line, body
                else:
                    yield from windows(line, body)
                line += breaks + 1
            line += 1  # the separator line
            prev = m.end()
        if prev < len(text):
            if current is not None:
                carry, carry_line = text[prev + 1 :], line  # may go on in the next block
            else:
                yield from windows(line, text[prev + 1 :])


def windows(line: int, body: str) -> Iterator[tuple[int, str]]:
    """A run of lines starting at `line` as one paragraph, or as windows when it is too long."""
    if "\t" in body:
        body = body.expandtabs(TAB_SIZE)  # column resets at each LF, as per line
    if body.count("\n") < MAX_PARAGRAPH_LINES:
        yield line, body
        return
    lines = body.split("\n")
    for k in range(0, len(lines), WINDOW_LINES):
        yield line + k, "\n".join(lines[k : k + WINDOW_LINES])
