"""Soft wrapping: rows of at most the width in cells, breaking after spaces when it can."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from seedreader.wrap import HUGE_LINE, wrap_ranges


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
