"""Fixtures for Pilot tests: an app over given paths, and reading what the pane shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from seedreader.documents import scan_paths
from seedreader.ui.app import ReaderApp, ReaderScreen
from seedreader.ui.widgets.document_view import DocumentView


@pytest.fixture
def make_app(data_dir: Path) -> Callable[..., ReaderApp]:
    """Build the app over paths, as the command line would."""

    def make(*paths: str | Path) -> ReaderApp:
        scan = scan_paths([str(p) for p in paths])
        return ReaderApp(scan.documents, data_dir=data_dir, skipped=scan.skipped)

    return make


def pane_text(app: ReaderApp) -> list[str]:
    """The rows of the document pane as plain text."""
    view = app.screen.query_one(DocumentView)
    return [view.render_line(y).text for y in range(view.size.height)]


def pane_contains(app: ReaderApp, needle: str) -> bool:
    return any(needle in row for row in pane_text(app))


def lines_of(rows: Sequence[str]) -> str:
    return "\n".join(rows)


def screen_text(app: ReaderApp) -> str:
    """Everything on the active screen as plain text, row by row per widget."""
    rows = []
    for widget in app.screen.walk_children(with_self=False):
        if widget.display and widget.size.height:
            rows.extend(widget.render_line(y).text for y in range(widget.size.height))
    return "\n".join(rows)


async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the reader has mounted what it adds after the first frame (footer, panels,
    notes store), so tests do not depend on the machine's speed."""
    from seedreader.ui.app import ReaderScreen

    app = pilot.app
    for _ in range(100):
        await pilot.pause()
        screen = app.screen_stack[0] if app.screen_stack else None
        if isinstance(screen, ReaderScreen) and screen.is_ready:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the reader is ready and every worker (search, notes, saving) is done."""
    await ready(pilot)
    for _ in range(3):
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def reader(app: ReaderApp) -> ReaderScreen:
    """The reader screen, under any modal screens."""
    screen = app.screen_stack[0]
    assert isinstance(screen, ReaderScreen)
    return screen
