"""Soft wrapping: rows of at most the width in cells, breaking after spaces when it can."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from seedreader.wrap import HUGE_LINE, hanging_indent, text_cells, usable_indent, wrap_ranges


@pytest.mark.parametrize(
    ("text", "width", "rows"),
    [
        ("", 10, [""]),
        ("short", 10, ["short"]),
        ("the quick brown fox", 10, ["the quick ", "brown fox"]),
        ("abcdefghijkl", 5, ["abcde", "fghij", "kl"]),
        ("日本語の文章です", 6, ["日本語", "の文章", "です"]),
        ("ab 日本語", 4, ["ab ", "日本", "語"]),
    ],
)
def test_wrap_examples(text: str, width: int, rows: list[str]) -> None:
    assert [text[a:b] for a, b in wrap_ranges(text, width)] == rows


@given(st.text(alphabet=st.sampled_from("ab 日é\u0301x"), max_size=200), st.integers(2, 40))
def test_rows_cover_the_line_and_fit(text: str, width: int) -> None:
    rows = list(wrap_ranges(text, width))
    assert rows[0][0] == 0 and rows[-1][1] == len(text)
    for (_, b), (c, _) in pairwise(rows):
        assert b == c
    for a, b in rows:
        # The space a row breaks after may stand past the edge, where it draws nothing.
        assert cell_len(text[a:b].rstrip(" ")) <= width or b - a == 1


def test_huge_line_rows_are_computed_on_demand() -> None:
    text = "x" * (HUGE_LINE * 50 + 7)
    rows = wrap_ranges(text, 100)
    assert len(rows) == (len(text) + 99) // 100
    assert rows[0] == (0, 100) and rows[-1] == (len(text) - len(text) % 100, len(text))
    assert rows[len(rows) - 1] == rows[-1]
    with pytest.raises(IndexError):
        rows[len(rows)]


# -- hanging indent


@pytest.mark.parametrize(
    ("line", "indent"),
    [
        ("- an item of a list", 2),
        ("  * a nested item", 4),
        ("12. a numbered item", 4),
        ("a) a lettered item", 3),
        ("Ge1:1 In the beginning God created the heaven and the earth.", 6),
        ("1Co13:4 Charity suffereth long, and is kind;", 8),
        ("John 3:16 For God so loved the world", 10),
        ("> a quoted line", 2),
        ("> > a quote in a quote", 4),
        ("    an indented paragraph", 4),
        ("A plain line of prose.", 0),
        ("", 0),
        ("      ", 0),
        ("-", 0),
        ("Chapter 3: not a verse reference", 0),
    ],
)
def test_hanging_indent_finds_where_the_text_starts(line: str, indent: int) -> None:
    assert hanging_indent(line) == indent


def test_wrapped_rows_after_the_first_leave_room_for_the_indent() -> None:
    line = "Ge1:1 " + " ".join(["word"] * 40)
    indent = hanging_indent(line)
    rows = wrap_ranges(line, 30, indent)
    assert len(rows) > 2
    first_start, first_end = rows[0]
    assert len(line[first_start:first_end].rstrip()) <= 30
    for start, end in rows[1:]:
        assert text_cells(line[start:end].rstrip()) <= 30 - indent
    # Every character is in exactly one row, in order.
    assert rows[0][0] == 0 and rows[-1][1] == len(line)
    assert all(a[1] == b[0] for a, b in pairwise(rows))


def test_an_indent_too_deep_for_the_row_is_dropped() -> None:
    line = " " * 20 + " ".join(["word"] * 20)
    assert usable_indent(hanging_indent(line), 30) == 0
    rows = wrap_ranges(line, 30, hanging_indent(line))
    assert all(text_cells(line[s:e].rstrip()) <= 30 for s, e in rows)
    assert len(rows) == len(wrap_ranges(line, 30))


@given(st.text(alphabet="ab é漢 -", max_size=200), st.integers(1, 60), st.integers(0, 40))
def test_indented_wrapping_covers_the_line_within_the_widths(
    text: str, width: int, indent: int
) -> None:
    rows = wrap_ranges(text, width, indent)
    assert rows[0][0] == 0 and rows[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(rows))
    rest = width - usable_indent(indent, width)
    for number, (start, end) in enumerate(rows):
        limit = width if number == 0 else rest
        piece = text[start:end]
        # A row holds at least one character, even one wider than the row; the space it
        # breaks after may stand past the edge.
        assert text_cells(piece.rstrip(" ")) <= limit or end - start == 1
