"""The input model: which part has the keys, the go-to prompt, panels, figures that agree,
choices remembered. Each case here was seen going wrong (issue 9) and is kept as a test."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from seedreader.documents import Document
from seedreader.search import SearchIndex
from seedreader.ui.app import ReaderApp
from seedreader.ui.screens.note_editor import NoteEditorScreen
from seedreader.ui.widgets.document_view import DocumentView
from seedreader.ui.widgets.library_panel import LibraryPanel
from seedreader.ui.widgets.notes_sidebar import NotesList
from seedreader.ui.widgets.search_panel import SearchPanel
from tests.ui.conftest import reader, settle


def numbered(folder: Path, name: str, lines: int, word: str = "alpha") -> Path:
    path = folder / name
    path.write_text("".join(f"line {i:04d} {word} of {name}\n" for i in range(1, lines + 1)))
    return path


def library(folder: Path) -> list[Path]:
    return [numbered(folder, f"doc{i}.txt", 200 if i == 1 else 30 + i) for i in range(1, 6)]


def status(app: ReaderApp) -> str:
    return str(reader(app).query_one("#status-bar").render())


def percent(app: ReaderApp) -> int:
    found = re.search(r"(\d+)%", status(app))
    assert found, status(app)
    return int(found.group(1))


async def test_go_to_prompt_refuses_letters(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(*library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = reader(app).query_one(DocumentView)
        await pilot.press("colon", "a", "b", "enter")
        assert not isinstance(app.screen, NoteEditorScreen), "the a after : opened the editor"
        assert view.goto_buffer is None and "Go to line" not in status(app)
        await pilot.press("colon", "5", "slash", "escape")
        assert not reader(app).query_one(SearchPanel).display, "the / after :5 opened search"
        assert view.goto_buffer is None and "Go to line" not in status(app)
        await pilot.press("0", "enter")
        assert view.cursor != 49, "a later 0 Enter went on with the old prompt"
        await pilot.press("colon", "1", "2", "backspace", "5", "enter")
        assert view.cursor == 14


async def test_panels_take_reading_keys_and_give_the_focus_back(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(*library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = reader(app)
        view = screen.query_one(DocumentView)
        shelf = screen.query_one(LibraryPanel)
        assert shelf.display and not shelf.has_focus  # shown, unfocused, with 5 documents
        await pilot.press("L")
        assert shelf.has_focus and status(app).startswith(" Library:")
        await pilot.press("j", "j")
        assert shelf.highlighted == 2
        await pilot.press("G")
        assert shelf.highlighted == 4
        await pilot.press("g")
        assert shelf.highlighted == 0
        await pilot.press("space")
        assert shelf.highlighted == 4  # a page down: the last of five
        await pilot.press("w")  # a screen-wide key keeps its meaning in a panel
        assert not view.wrap and shelf.has_focus
        await pilot.press("w", "escape")
        assert view.has_focus and shelf.display and "line 1/" in status(app)
        await pilot.press("L", "j", "enter")
        assert view.has_focus and view.document is not None
        assert view.document.name == "doc2.txt"
        await pilot.press("L", "tab")
        assert view.has_focus
        await pilot.press("L", "L")  # focused: L hides it
        assert not shelf.display and view.has_focus

        await pilot.press("s")
        notes = screen.query_one(NotesList)
        assert notes.has_focus and status(app).startswith(" Notes:")
        await pilot.press("escape")
        assert view.has_focus and screen.notes.display
        await pilot.press("s", "s")
        assert not screen.notes.display and view.has_focus


async def test_notes_keys_act_on_the_highlighted_note(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(numbered(tmp_path, "one.txt", 50))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for line, text in (("3", "first"), ("9", "second")):
            await pilot.press("colon", line, "enter", "a", *text, "ctrl+s")
            await settle(pilot)
        await pilot.press("g", "s", "j")  # the second note, while the cursor is on line 1
        await pilot.press("d")
        await settle(pilot)
        assert [p.note.body for p in reader(app).notes.notes] == ["first"]
        await pilot.press("u")
        await settle(pilot)
        assert len(reader(app).notes.notes) == 2


async def test_figures_agree(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = library(tmp_path)
    app = make_app(*paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = reader(app)
        view = screen.query_one(DocumentView)
        start = percent(app)
        await pilot.press("j", "k")
        assert percent(app) == start, "the same screen gave two percentages"
        # The bottom of the screen over the document: 20 rows of 200 lines.
        assert start == (view.last_read_line + 1) * 100 // 200 == 10
        shelf = screen.query_one(LibraryPanel)
        assert f"{start}% read" in str(shelf.get_option_at_index(0).prompt)
        assert "not opened yet" in str(shelf.get_option_at_index(1).prompt)
        await pilot.press("colon", "1", "5", "0", "enter")
        assert view.last_visible_line < 199 and percent(app) < 100
        await pilot.press("G")
        assert percent(app) == 100
        assert "100% read" in str(shelf.get_option_at_index(0).prompt)
        await pilot.press("g")
        assert "100% read" in str(shelf.get_option_at_index(0).prompt), "% read went down"


async def test_hit_counts_agree(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = [
        numbered(tmp_path, f"d{i}.txt", 20 + i, "moses" if i % 2 else "aaron") for i in range(6)
    ]
    app = make_app(*paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"moses")
        await settle(pilot)
        count = str(reader(app).query_one("#search-count").render())
        assert count.startswith("69 hits in 3 documents"), count  # 21 + 23 + 25 lines
        await pilot.press("enter")
        await settle(pilot)
        assert "hit 1/69" in status(app)
        await pilot.press("N")
        assert "hit 69/69" in status(app)


async def test_this_document_is_the_one_being_read(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = [numbered(tmp_path, f"d{i}.txt", 10, "kestrel") for i in range(3)]
    app = make_app(*paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # reading d1.txt
        await pilot.press("slash", *"kestrel")
        await settle(pilot)
        panel = reader(app).query_one(SearchPanel)
        view = reader(app).query_one(DocumentView)
        for _ in range(30):  # down until a hit in another document is previewed
            await pilot.press("down")
            if view.document is not None and view.document.name != "d1.txt":
                break
        assert view.document is not None and view.document.name != "d1.txt"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert {hit.document.name for hit in panel.hits} == {"d1.txt"}


async def test_a_failed_index_build_is_tried_again(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(numbered(tmp_path, "one.txt", 20, "heron"))
    attempts: list[int] = []

    def flaky(documents: Sequence[Document], **options: object) -> SearchIndex:
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("no space left on device")
        return SearchIndex.build(documents, cache_dir=tmp_path / "cache")

    app.search_index._builder = flaky
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        count = str(reader(app).query_one("#search-count").render())
        assert "could not be built" in count and "no space left" in count
        await pilot.press(*"heron")  # typing tries again
        await settle(pilot)
        assert len(attempts) == 2
        assert str(reader(app).query_one("#search-count").render()).startswith("20 hits")


async def test_keys_after_quitting_are_ignored(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(*library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q", "e", "s", "L", "A", "slash", "question_mark")
    assert app.return_code == 0


async def test_too_small_says_so(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(*library(tmp_path))
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot)
        small = reader(app).query_one("#too-small")
        assert small.display and "Terminal too small" in str(small.render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not small.display


async def test_choices_are_remembered(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = library(tmp_path)
    app = make_app(*paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        view = reader(app).query_one(DocumentView)
        narrower = view.text_width - 20
        await pilot.press("w", "minus", "minus", "s", "escape", "L", "L")
        await settle(pilot)
        assert view.reading_width == narrower
    again = make_app(*paths)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = reader(again)
        view = screen.query_one(DocumentView)
        assert again.theme == "nord"
        assert not view.wrap and view.reading_width == narrower
        assert screen.notes.display and not screen.query_one(LibraryPanel).display


async def test_how_far_read_survives_moving_back_and_switching(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    paths = library(tmp_path)
    app = make_app(*paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G", "g", "right_square_bracket", "left_square_bracket")
        shelf = reader(app).query_one(LibraryPanel)
        assert "100% read" in str(shelf.get_option_at_index(0).prompt)


async def test_escape_and_a_letter_read_together_are_both_acted_on(
    make_app, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(*library(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark", "alt+s")  # Esc closes the help, s opens the notes
        await pilot.pause()
        assert reader(app) is app.screen and isinstance(app.focused, NotesList)
        await pilot.press("alt+L")  # Esc leaves the notes, L takes the focus to the library
        await pilot.pause()
        assert isinstance(app.focused, LibraryPanel)
