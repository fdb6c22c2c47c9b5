"""Reading by structure: rendered Markdown kept on its source lines, links and the places
visited, marks, the outline, line numbers, the reading width and opening by path."""

from __future__ import annotations

from pathlib import Path

from seedreader.ui.app import ReaderApp
from seedreader.ui.widgets.bars import StatusBar
from seedreader.ui.widgets.document_view import MAX_READING_WIDTH, DocumentView
from seedreader.ui.widgets.outline_panel import OutlinePanel
from tests.ui.conftest import pane_contains, pane_text, reader, ready, settle

GUIDE = """\
# Guide

Intro with [a jump](#the-table) and [another file](other.md#second)
and a soft break that is joined.

## The table

| Name | Value |
|------|------:|
| alpha | 1 |
| beta | 22 |

- an item of a list that is long enough to wrap over more than one row of the pane when it is narrow
- [x] done

```python
def hello() -> None:
    pass
```

## Last words

The needle is here.
"""

OTHER = """\
# Other

## First

Text of the first part.

## Second

Text of the second part.
"""


def view_of(app: ReaderApp) -> DocumentView:
    return app.screen.query_one(DocumentView)


def status(app: ReaderApp) -> str:
    bar = reader(app).query_one(StatusBar)
    return "".join(bar.render_line(0).text)


def write_guide(tmp_path: Path) -> Path:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE)
    (tmp_path / "other.md").write_text(OTHER)
    return guide


def row_of(app: ReaderApp, needle: str) -> int:
    return next(y for y, text in enumerate(pane_text(app)) if needle in text)


async def test_markdown_is_rendered_on_its_source_lines(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(write_guide(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = view_of(app)
        # Paragraphs are reflowed, markers and fences are gone, tables are drawn.
        assert pane_contains(app, "Intro with a jump and another file and a soft break that")
        assert not pane_contains(app, "```") and not pane_contains(app, "# Guide")
        assert pane_contains(app, "┌") and pane_contains(app, "│ alpha │")
        assert pane_contains(app, "☑ done")
        # :N speaks in source lines: line 23 is "The needle is here."
        await pilot.press("colon", "2", "3", "enter")
        await pilot.pause()
        assert view.cursor_line == 22
        assert "line 23/" in status(app)
        # The soft-broken line 4 is on the rendered row of its paragraph (lines 3-4).
        view.move_cursor(3)
        await pilot.pause()
        assert view.cursor_lines == (2, 3)


async def test_a_hit_on_a_source_line_is_highlighted_on_its_rendered_row(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(write_guide(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = view_of(app)
        source = GUIDE.splitlines()
        line = 3  # "and a soft break that is joined.", joined to the row above
        start = source[line].index("joined")
        view.set_matches({line: [(start, start + len("joined"))]}, [line])
        view.set_current_match((line, start, start + len("joined")))
        view.move_cursor(line)
        await pilot.pause()
        y = row_of(app, "joined")
        style = view.get_component_rich_style("document-view--current-match")
        segments = [s for s in view.render_line(y) if s.text == "joined"]
        assert segments and segments[0].style is not None
        assert segments[0].style.bgcolor == style.bgcolor
        # A hit in a table cell too.
        line = source.index("| beta | 22 |")
        view.set_matches({line: [(2, 6)]}, [line])
        view.set_current_match((line, 2, 6))
        await pilot.pause()
        y = row_of(app, "│ beta")
        segments = [s for s in view.render_line(y) if s.text == "beta"]
        assert segments and segments[0].style is not None
        assert segments[0].style.bgcolor == style.bgcolor


async def test_source_view_shows_the_raw_text_on_the_same_line(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(write_guide(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = view_of(app)
        view.move_cursor(10)  # "| beta | 22 |"
        await pilot.press("r")
        await pilot.pause()
        assert pane_contains(app, "# Guide") and pane_contains(app, "```python")
        assert view.cursor == 10 and view.cursor_line == 10
        assert "source" in status(app)
        await pilot.press("r")
        await pilot.pause()
        assert not pane_contains(app, "# Guide")
        assert view.cursor_line == 10


async def test_links_jump_and_back_and_forward_go_through_the_places(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(write_guide(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = view_of(app)
        screen = reader(app)
        y = row_of(app, "a jump")
        x = pane_text(app)[y].index("a jump")
        await pilot.click(DocumentView, offset=(x + 1, y))
        await pilot.pause()
        assert view.cursor_line == 5  # "## The table"
        y = row_of(app, "another file")
        x = pane_text(app)[y].index("another file")
        view.move_cursor(0)
        await pilot.pause()
        y = row_of(app, "another file")
        await pilot.click(DocumentView, offset=(x + 1, y))
        await pilot.pause()
        assert view.document is not None and view.document.name == "other.md"
        assert view.cursor_line == 6  # "## Second"
        assert screen.library.position(tmp_path / "other.md") is not None
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert view.document.name == "guide.md" and view.cursor_line == 2
        await pilot.press("backspace")  # nothing before: said, and nothing moves
        await pilot.pause()
        assert view.document.name == "guide.md" and view.cursor_line == 2
        await pilot.press("tab")
        await pilot.pause()
        assert view.document.name == "other.md" and view.cursor_line == 6
        await pilot.press("backspace")
        await pilot.pause()
        assert view.document.name == "guide.md" and view.cursor_line == 2


async def test_other_schemes_are_never_opened(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "page.md"
    page.write_text("[mail](mailto:a@b.c) and [script](javascript:alert(1))\n")
    app = make_app(page)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        for label in ("mail", "script"):
            y = row_of(app, label)
            x = pane_text(app)[y].index(label)
            await pilot.click(DocumentView, offset=(x + 1, y))
            await pilot.pause()
            assert app.screen is reader(app)
            assert view_of(app).document is not None
            assert view_of(app).document.name == "page.md"


async def test_marks_survive_a_restart_and_an_edit(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "text.txt"
    lines = [f"line number {n} of the text" for n in range(200)]
    text.write_text("\n".join(lines) + "\n")
    app = make_app(text)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = view_of(app)
        await pilot.press("colon", "5", "0", "enter", "m", "a")
        await pilot.press("G")
        await pilot.pause()
        assert view.cursor_line == 199
        await pilot.press("apostrophe", "a")
        await pilot.pause()
        assert view.cursor_line == 49
        await pilot.press("apostrophe", "apostrophe")  # back to where the jump started
        await pilot.pause()
        assert view.cursor_line == 199
        await pilot.press("apostrophe", "z")  # no such mark: said, nothing moves
        await pilot.pause()
        assert view.cursor_line == 199
        # A jump and '' typed at once: the jump is recorded as its key is acted on.
        await pilot.press("g", "G", "apostrophe", "apostrophe")
        await pilot.pause()
        assert view.cursor_line == 0
        await pilot.press("q")
    text.write_text("\n".join(["new first lines"] * 7 + lines) + "\n")
    app = make_app(text)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        view = view_of(app)
        await pilot.press("g", "apostrophe", "a")
        await pilot.pause()
        assert view.cursor_line == 56
        assert view.document is not None
        assert view.document.line(56) == "line number 49 of the text"


async def test_outline_panel_lists_filters_and_jumps(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(write_guide(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        view = view_of(app)
        await pilot.press("t")
        await pilot.pause()
        panel = app.screen.query_one(OutlinePanel)
        assert panel.display and panel.has_focus_within
        assert [s.title for s in panel.sections or []] == ["Guide", "The table", "Last words"]
        await pilot.press("l", "a", "s", "t", "enter")
        await pilot.pause()
        assert view.cursor_line == 20
        assert view.has_focus
        assert "Last words" in status(app)
        await pilot.press("t")  # shown: hidden again
        await pilot.pause()
        assert not panel.display and view.has_focus
        await pilot.press("t", "x")
        await pilot.pause()
        assert panel.has_focus_within
        await pilot.press("escape", "escape")  # clear the filter, then back
        await pilot.pause()
        assert view.has_focus and panel.display


async def test_plain_text_gets_an_outline_and_a_section_in_the_status(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.txt"
    verses = []
    for book_key in ("Ge", "Ex"):
        for chapter in (1, 2):
            verses += [f"{book_key}{chapter}:{v} And it was so, verse {v}." for v in range(1, 30)]
    book.write_text("\n".join(verses) + "\n")
    app = make_app(book)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await app.workers.wait_for_complete()
        await pilot.press("t")
        await settle(pilot)
        panel = app.screen.query_one(OutlinePanel)
        titles = [s.title for s in panel.sections or []]
        assert "Genesis" in titles and "Exodus 2" in titles
        await pilot.press("escape")
        await pilot.press("G")
        await pilot.pause()
        assert "Exodus 2" in status(app)


async def test_line_numbers_and_full_width_are_remembered(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "text.txt"
    text.write_text("".join(f"row {n} " * 30 + "\n" for n in range(50)))
    app = make_app(text)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        view = view_of(app)
        await pilot.press("number_sign")
        await pilot.pause()
        assert pane_text(app)[0].lstrip().startswith("1 ")
        narrow = view.text_width
        await pilot.press("equals_sign")
        await pilot.pause()
        assert view.reading_width == MAX_READING_WIDTH and view.text_width > narrow
        await pilot.press("q")
    app = make_app(text)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        view = view_of(app)
        assert view.line_numbers and view.reading_width == MAX_READING_WIDTH
        await pilot.press("equals_sign")  # back to the column used before
        await pilot.pause()
        assert view.reading_width == view.narrow_width < MAX_READING_WIDTH


async def test_wrapped_list_items_and_verses_hang_under_their_text(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    text = tmp_path / "text.txt"
    text.write_text("- " + "item words " * 20 + "\n" + "Ge1:1 " + "verse words " * 20 + "\n")
    app = make_app(text)
    async with app.run_test(size=(80, 30)) as pilot:
        await ready(pilot)
        rows = [row.rstrip("┃│ ") for row in pane_text(app) if row.strip("┃│ ")]
        first = rows[0].index("- item")
        assert rows[1][first : first + 2] == "  " and rows[1][first + 2] != " "
        verse = next(i for i, row in enumerate(rows) if "Ge1:1" in row)
        assert rows[verse + 1][first : first + 6] == " " * 6
        assert rows[verse + 1][first + 6] != " "


async def test_open_a_file_by_path_adds_it_to_the_library(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "first.txt"
    first.write_text("the first document\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "found.txt").write_text("a document found by its path\n")
    app = make_app(first)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("O")
        await pilot.pause()
        field = app.screen.query_one("Input")
        field.value = str(elsewhere / "found.txt")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        view = view_of(app)
        assert view.document is not None and view.document.name == "found.txt"
        assert len(reader(app).library) == 2
        assert pane_contains(app, "a document found by its path")
