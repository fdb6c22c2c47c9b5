"""The first screen's layout (`seedreader.first_screen`), without a terminal."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from rich.cells import cell_len

from seedreader import first_screen
from seedreader.documents import Document, _char_cells
from seedreader.first_screen import Settings, color_system, layout
from seedreader.state import ReadingState
from seedreader.wrap import wrap_ranges

SAMPLES = [
    "",
    "short",
    "a line with words that goes on and on past the edge of a narrow column of text",
    "nospacesatallinthislinesoitmustbecutexactlyatthewidthofthecolumn" * 3,
    "日本語の文章は一文字で二つの桁を使うので折り返しの位置が違う。" * 2,
    "mixed 日本語 and ascii with spaces 😀 emoji e\u0301 combining",
    "x" * 25_000,
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("width", [1, 7, 30, 100])
def test_wrapped_rows_fit_the_width_as_rich_measures_it(text: str, width: int) -> None:
    """The pane and the first screen share one wrap, measured without Rich: Rich (which
    draws the pane) must find every row within the width, and the rows cover the text."""
    rows = list(wrap_ranges(text, width))
    assert rows[0][0] == 0 and rows[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(rows))
    for start, end in rows:
        # A row may end in the space it broke at: that space is not drawn.
        assert cell_len(text[start:end].removesuffix(" ")) <= width or end - start == 1


def _cells(row: str) -> int:
    return sum(_char_cells(ch) for ch in row)


def test_rows_fill_the_width_with_the_bar_on_the_right() -> None:
    lines = [f"line {n} " + "word " * n for n in range(60)]
    rows, last_read = layout(
        lines.__getitem__, len(lines), width=80, height=20, cursor=2, settings=Settings()
    )
    assert len(rows) == 20
    for spans in rows:
        assert sum(_cells(text) for text, _ in spans) == 80
        assert spans[-1][1] in ("bar", "thumb")
    # A remembered place opens with its line at the top, as the pane does.
    assert "line 2 " in "".join(text for text, _ in rows[0])
    assert [style for _, style in rows[0]].count("cursor") >= 1
    assert all(style != "cursor" for spans in rows[1:] for _, style in spans)
    assert rows[0][-1] == ("┃", "thumb")
    assert rows[-1][-1] == ("│", "bar")
    assert 0 <= last_read < 20


def test_a_place_near_the_end_pulls_the_view_up_to_fill_the_screen() -> None:
    lines = [f"line {n}" for n in range(30)]
    rows, last_read = layout(
        lines.__getitem__, len(lines), width=80, height=10, cursor=28, settings=Settings()
    )
    text = ["".join(part for part, _ in spans) for spans in rows]
    assert "line 20" in text[0] and "line 29" in text[-1]
    assert last_read == 29


def test_control_characters_are_shown_sanitized() -> None:
    lines = ["\x1b[31mred\x1b[0m \x07 \x9b"]
    rows, _ = layout(lines.__getitem__, 1, width=80, height=3, cursor=0, settings=Settings())
    drawn = "".join(text for spans in rows for text, _ in spans)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in drawn)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "truecolor"),
        ({"TERM": "xterm"}, "16"),
        ({"TERM": "xterm-kitty"}, "256"),
        ({"TERM": "dumb"}, None),
        ({"TERM": "xterm-256color", "NO_COLOR": ""}, None),
        ({"TERM": "xterm-256color", "TEXTUAL_COLOR_SYSTEM": "standard"}, None),
    ],
)
def test_the_colour_system_is_the_apps(environ: dict[str, str], expected: str | None) -> None:
    assert color_system(environ) == expected


def test_nothing_is_drawn_without_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("hello\n", encoding="utf-8")
    state = ReadingState(tmp_path / "data")
    try:
        assert not first_screen.show(Document(path).load(), state, {"TERM": "xterm"})
    finally:
        state.close()
    assert first_screen.hand_over() is None
    first_screen.release()  # nothing to undo: does nothing


def test_other_themes_and_the_notes_sidebar_get_no_first_screen(tmp_path: Path) -> None:
    state = ReadingState(tmp_path)
    try:
        assert first_screen._settings(state) == Settings()
        state.remember("reading-width", "55")
        state.remember("wrap", "off")
        assert first_screen._settings(state) == Settings(wrap=False, reading_width=55)
        state.remember("notes", "shown")
        assert first_screen._settings(state) is None
        state.remember("notes", "hidden")
        state.remember("theme", "nord")
        assert first_screen._settings(state) is None
    finally:
        state.close()
