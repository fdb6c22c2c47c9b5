"""Reading as a user does: moving, switching documents, picking, help, remembered places."""

from __future__ import annotations

from pathlib import Path

from textual import events

from seedreader.ui.app import ReaderScreen
from seedreader.ui.screens.confirm import ConfirmScreen
from seedreader.ui.screens.help import HelpScreen
from seedreader.ui.screens.picker import PickerScreen
from seedreader.ui.widgets.document_view import DocumentView
from tests.conftest import SEEDS
from tests.hostile import write_hostile
from tests.ui.conftest import pane_contains, pane_text, screen_text

SEED = SEEDS / "000_a8aeaf84e4eee549.txt"


def view_of(app) -> DocumentView:  # type: ignore[no-untyped-def]
    return app.screen.query_one(DocumentView)


async def test_first_screen_shows_the_seed_article(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert pane_contains(app, "Libya's interim leader urged NATO")
        status = str(app.screen.query_one("#status-bar").render())
        assert "line 1/41" in status and "utf-8" in status


async def test_movement_keys(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = view_of(app)
        await pilot.press("j", "j", "down")
        assert view.cursor == 3
        await pilot.press("k")
        assert view.cursor == 2
        await pilot.press("G")
        assert view.cursor == 40
        assert pane_contains(app, "Reporting by Regan Doherty")
        await pilot.press("g")
        assert view.cursor == 0 and view.top == 0
        await pilot.press("space")
        assert view.top > 0 and view.cursor >= view.top
        top_after_page = view.top
        await pilot.press("b")
        assert view.top < top_after_page
        await pilot.press("ctrl+d")
        assert view.cursor > 0
        before = view.cursor
        await pilot.press("ctrl+u")
        assert view.cursor < before
        await pilot.press("colon", "2", "5", "enter")
        assert view.cursor == 24
        await pilot.press("end")
        assert view.cursor == 40
        await pilot.press("home")
        assert view.cursor == 0


async def test_wrapping_toggles(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = view_of(app)
        wrapped_rows = len(view.screen_rows())
        assert view.screen_rows()[1].line == 0  # the first paragraph takes several rows
        await pilot.press("w")
        assert not view.wrap
        assert [row.line for row in view.screen_rows()[:3]] == [0, 1, 2]
        assert "wrap off" in str(app.screen.query_one("#status-bar").render())
        await pilot.press("l")
        assert view.x_offset > 0
        await pilot.press("w")
        assert view.wrap and len(view.screen_rows()) == wrapped_rows


async def test_mouse_wheel_and_click(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = view_of(app)
        view.post_message(events.MouseScrollDown(view, 10, 10, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.top > 0 or view.top_sub > 0
        await pilot.click(DocumentView, offset=(20, 10))
        assert view.cursor == view.screen_rows()[10].line


async def test_library_switching_and_picker(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("alpha.txt", "beta.txt", "gamma-notes.md"):
        (tmp_path / name).write_text(f"This is {name}\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        assert screen.query_one("#library").display
        assert pane_contains(app, "This is alpha.txt")
        await pilot.press("right_square_bracket")
        assert pane_contains(app, "This is beta.txt")
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert pane_contains(app, "This is gamma-notes.md")
        await pilot.press("o")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"bta", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert pane_contains(app, "This is beta.txt")
        # The library panel opens the highlighted document on Enter.
        screen.query_one("#library").focus()
        await pilot.press("home", "enter")
        assert pane_contains(app, "This is alpha.txt")


async def test_help_shows_the_real_key_map(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Go to line number" in text and "Open a document by name" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        # Every key the help names does something: the bindings come from the same table.
        bound = {b.action for b in view_of(app).BINDINGS} | {b.action for b in app.screen.BINDINGS}  # type: ignore[union-attr]
        assert {"go_to_line", "toggle_wrap", "pick_document", "help"} <= bound


async def test_reading_position_is_remembered_by_quote(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = tmp_path / "story.txt"
    document.write_text("".join(f"paragraph number {i} of the story\n\n" for i in range(100)))
    app = make_app(document)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"81", "enter")
        assert view_of(app).cursor == 80
        await pilot.press("q")
    # The document grows at the top: the place is found by its text, not its number.
    document.write_text("new intro\n" * 7 + document.read_text())
    app = make_app(document)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert view_of(app).cursor == 87
        assert "paragraph number 40 of the story" in view_of(app).document.line(87)  # type: ignore[union-attr]


async def test_hostile_files_display_literally(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_hostile(tmp_path)
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        seen = set()
        for index in range(len(screen.library)):
            screen.open_document(index)
            await pilot.pause()
            rows = pane_text(app)
            seen.add(screen.library[index].name)
            for row in rows:
                assert "\x1b" not in row and "\x9b" not in row and "\x07" not in row
        assert "binary.bin" not in seen  # not a text extension: not in the library
        screen.open_document([d.name for d in screen.library].index("markup.txt"))
        await pilot.pause()
        assert pane_contains(app, "[bold red]not bold[/bold red] [@click=app.quit]quit[/]")
        screen.open_document([d.name for d in screen.library].index("ansi.txt"))
        await pilot.pause()
        assert pane_contains(app, "␛[31mred␛[0m")
        screen.open_document([d.name for d in screen.library].index("long-line.txt"))
        await pilot.pause()
        await pilot.press("G", "k", "j")  # moving over a 1 MB line stays responsive
        assert pane_contains(app, "lorem ipsum")
        assert app.is_running


async def test_markdown_is_formatted_and_links_ask_first(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "page.md"
    page.write_text(
        "# The Title\n\nSome **bold** words and a [site](https://example.com/a?b=1).\n\n"
        "A [bad one](javascript:alert(1)) too.\n"
    )
    app = make_app(page)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert pane_contains(app, "The Title") and not pane_contains(app, "# The Title")
        assert pane_contains(app, "Some bold words and a site.")
        view = view_of(app)
        row = next(y for y, text in enumerate(pane_text(app)) if "a site." in text)
        x = pane_text(app)[row].index("site")
        await pilot.click(DocumentView, offset=(x + 1, row))
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "https://example.com/a?b=1" in text
        await pilot.press("n")
        assert isinstance(app.screen, ReaderScreen)
        row = next(y for y, text in enumerate(pane_text(app)) if "bad one" in text)
        x = pane_text(app)[row].index("bad one")
        await pilot.click(DocumentView, offset=(x + 1, row))
        assert isinstance(app.screen, ReaderScreen)  # not offered for opening
        assert view.cursor == 4
