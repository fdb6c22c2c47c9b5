"""A document that changes on disk is reloaded, keeping the reading place, notes and search."""

from __future__ import annotations

from pathlib import Path

from seedreader.ui.app import ReaderApp, ReaderScreen
from seedreader.ui.widgets.document_view import DocumentView


async def test_changed_file_is_reloaded_at_the_same_place(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "live.txt"
    path.write_text("".join(f"entry {i} of the log\n" for i in range(200)))
    app: ReaderApp = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("colon", *"120", "enter")
        view = screen.query_one(DocumentView)
        assert view.cursor == 119
        # Build the search index so the change must reach it too.
        await pilot.press("slash", *"entry", "escape")
        await app.workers.wait_for_complete()
        path.write_text("new first line\n" * 5 + path.read_text() + "entry 999 appended\n")
        screen._check_for_changes()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert view.document is not None and view.document.line_count == 206
        assert view.cursor == 124 and view.document.line(124) == "entry 119 of the log"
        assert screen.index.index is not None
        hits = screen.index.index.search("appended").hits
        assert [hit.line for hit in hits] == [205]


async def test_truncated_and_deleted_files_do_not_crash(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shrinking.txt"
    path.write_text("".join(f"line {i}\n" for i in range(500)))
    app: ReaderApp = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        await pilot.press("G")
        path.write_text("only one line now\n")
        screen._check_for_changes()
        await pilot.pause()
        view = screen.query_one(DocumentView)
        assert view.document is not None and view.document.line_count == 1 and view.cursor == 0
        path.unlink()
        screen._check_for_changes()  # deleted: keep showing what was read
        await pilot.press("k", "j")
        assert view.document.line(0) == "only one line now"
