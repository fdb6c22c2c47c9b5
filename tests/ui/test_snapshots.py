"""A few SVG snapshots at a fixed size: the reading view, Markdown, help, the light theme, and
the dialogs at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from seedreader.documents import scan_paths
from seedreader.ui.app import ReaderApp
from tests.conftest import DATA, SEEDS
from tests.ui.conftest import ready


def _app(tmp_path: Path, *paths: Path) -> ReaderApp:
    return ReaderApp(scan_paths(list(paths)).documents, data_dir=tmp_path / "data")


def test_reading_view(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("j", "j")

    assert snap_compare(_app(tmp_path, SEEDS), run_before=run_before, terminal_size=(120, 40))


def test_markdown_view(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        _app(tmp_path, DATA / "sample.md"), run_before=ready, terminal_size=(100, 30)
    )


def test_help_in_light_theme(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        pilot.app.theme = "textual-light"
        await pilot.press("question_mark")

    assert snap_compare(_app(tmp_path, SEEDS), run_before=run_before, terminal_size=(120, 40))


SMALL = (80, 24)
"""The smallest common terminal: every dialog must be whole here."""


def test_help_at_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("question_mark")

    assert snap_compare(_app(tmp_path, SEEDS), run_before=run_before, terminal_size=SMALL)


def test_note_editor_at_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("a", *"a note")

    assert snap_compare(_app(tmp_path, SEEDS), run_before=run_before, terminal_size=SMALL)


def test_picker_at_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot)
        await pilot.press("o", *"sam")

    assert snap_compare(
        _app(tmp_path, SEEDS, DATA / "sample.md"), run_before=run_before, terminal_size=SMALL
    )
