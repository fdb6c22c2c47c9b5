"""Notes in the app: add, see in the sidebar and gutter, edit, delete and undo, all notes."""

from __future__ import annotations

from pathlib import Path

from seedreader.documents import scan_paths
from seedreader.notes import NotesStore
from seedreader.ui.app import ReaderApp, ReaderScreen
from seedreader.ui.screens.all_notes import AllNotesScreen
from seedreader.ui.screens.note_editor import NoteEditorScreen
from seedreader.ui.widgets.document_view import DocumentView
from tests.conftest import SEEDS
from tests.ui.conftest import reader, settle

SEED = SEEDS / "000_a8aeaf84e4eee549.txt"


async def add_note(pilot, app: ReaderApp, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    assert isinstance(app.screen, NoteEditorScreen)
    await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_add_note_shows_in_sidebar_and_gutter_and_survives_restart(
    make_app, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await add_note(pilot, app, "[b]who[/b] is the heir?")
        assert isinstance(app.screen, ReaderScreen)
        screen = reader(app)
        assert [(p.line, p.note.body) for p in screen.notes.notes] == [
            (2, "[b]who[/b] is the heir?")
        ]
        assert 2 in app.screen.query_one(DocumentView).note_lines
        await pilot.press("s")
        sidebar = screen.notes
        assert sidebar.display
        text = "\n".join(sidebar.query_one("#notes-list").render_line(y).text for y in range(6))
        assert "line 3" in text and "[b]who[/b] is the heir?" in text
    # Committed to disk: a fresh store (as another process would) sees it.
    with NotesStore(data_dir) as store:
        assert [n.body for n in store.all_notes()] == ["[b]who[/b] is the heir?"]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [p.line for p in reader(app).notes.notes] == [2]


async def test_selection_note_edit_delete_undo(make_app, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", "j", "j")
        assert app.screen.query_one(DocumentView).selection == (0, 2)
        await add_note(pilot, app, "first three lines")
        screen = reader(app)
        placed = screen.notes.notes[0]
        assert (placed.line, placed.end_line) == (0, 2)
        assert app.screen.query_one(DocumentView).selection is None
        await pilot.press("k")  # cursor on line 1, inside the note
        await pilot.press("e")
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press(*" edited", "ctrl+s")
        await settle(pilot)
        assert screen.notes.notes[0].note.body == "first three lines edited"
        await pilot.press("d")
        await settle(pilot)
        assert screen.notes.notes == []
        await pilot.press("u")
        await settle(pilot)
        assert [p.note.body for p in screen.notes.notes] == ["first three lines edited"]


async def test_escape_asks_before_discarding_typed_text(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"half a thought", "escape")
        assert isinstance(app.screen, NoteEditorScreen)  # asked, not thrown away
        assert app.screen.body == "half a thought"
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        await settle(pilot)
        assert reader(app).notes.notes == []


async def test_read_only_data_dir_keeps_typed_text(tmp_path: Path) -> None:
    # A data folder that cannot be created (a file is in the way) is read-only even for root.
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    app = ReaderApp(scan_paths([SEED]).documents, data_dir=blocker / "data")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(DocumentView).document is not None  # reading goes on
        await pilot.press("j", "a", *"precious words", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditorScreen)
        assert app.screen.body == "precious words"
        help_text = str(app.screen.query_one("#note-editor-help").render())
        assert "not writable" in help_text and "kept" in help_text


async def test_all_notes_view_filters_and_jumps(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text("".join(f"{name} line {i}\n" for i in range(60)))
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await add_note(pilot, app, "apple pie")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        await pilot.press("colon", *"40", "enter")
        await add_note(pilot, app, "banana bread")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("A")
        assert isinstance(app.screen, AllNotesScreen)
        await pilot.press(*"banan", "enter")
        await settle(pilot)
        view = app.screen.query_one(DocumentView)
        assert view.document is not None and view.document.name == "two.txt"
        assert view.cursor == 39


async def test_mouse_drag_selects_lines_for_a_note(make_app) -> None:  # type: ignore[no-untyped-def]
    from textual import events

    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DocumentView)
        rows = view.screen_rows()
        start = next(y for y, row in enumerate(rows) if row.line == 2)
        end = next(y for y, row in enumerate(rows) if row.line == 6)

        # Through the app's own mouse routing, as the terminal driver delivers them.
        await pilot.mouse_down(view, offset=(20, start))
        await pilot._post_mouse_events([events.MouseMove], view, offset=(20, end), button=1)
        await pilot.mouse_up(view, offset=(20, end))
        await pilot.pause()
        assert view.selection == (2, 6)
        await add_note(pilot, app, "dragged")
        placed = reader(app).notes.notes[0]
        assert (placed.line, placed.end_line) == (2, 6)


async def test_an_unexpected_failure_while_saving_keeps_the_text(make_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Whatever a save raises, the editor says so and keeps the text (not 'Saving…' forever)."""

    def fail(*args: object) -> None:
        raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(NotesStore, "add", fail)
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a", *"precious words", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditorScreen)
        assert app.screen.body == "precious words"
        help_text = str(app.screen.query_one("#note-editor-help").render())
        assert "cannot save the note" in help_text and "kept" in help_text
