"""A big library stays light (issue 11): the library panel builds only the entries on screen,
`]` does not touch every entry, and a scan still running fills the library while it is read."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from seedreader import documents
from seedreader.documents import Scanner, scan_paths
from seedreader.ui.app import ReaderApp
from seedreader.ui.widgets.bars import TitleBar
from seedreader.ui.widgets.library_panel import LibraryPanel
from tests.ui.conftest import ready

COUNT = 3000


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big") / "library"
    root.mkdir()
    for n in range(COUNT):
        (root / f"{n:05}.txt").write_text(f"document number {n}\nsecond line\n")
    return root


def title(app: ReaderApp) -> str:
    return str(app.screen.query_one(TitleBar).render())


async def test_the_panel_builds_only_the_entries_on_screen(folder: Path, data_dir: Path) -> None:
    app = ReaderApp(scan_paths([folder]).documents, data_dir=data_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        shelf = app.screen.query_one(LibraryPanel)
        await pilot.pause()
        assert shelf.display and shelf.option_count == COUNT
        rows = [shelf.render_line(y).text for y in range(shelf.size.height)]
        assert rows[0].strip() == "3,000 documents" and rows[1].strip() == "00000.txt"
        on_screen = shelf.size.height // 2
        assert 0 < shelf.entries_made <= 3 * on_screen
        made = shelf.entries_made
        for _ in range(3):
            await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "(4/3,000)" in title(app)
        assert shelf.highlighted == 3
        # Each step redraws the entries it changed, never the whole library.
        assert shelf.entries_made - made <= 4 * 3
        await pilot.press("L", "G")  # to the last entry: only the screen at the end is built
        await pilot.pause()
        assert shelf.highlighted == COUNT - 1
        rows = [shelf.render_line(y).text for y in range(shelf.size.height)]
        assert any("02999.txt" in row for row in rows)
        assert shelf.entries_made - made <= 12 + 2 * on_screen + 4


async def test_a_running_scan_fills_the_library_while_it_is_read(
    folder: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = documents._sniff

    def slow_sniff(path: Path) -> str | None:
        time.sleep(0.001)  # a slow disk: the scan outlasts the first keys
        return real(path)

    monkeypatch.setattr(documents, "_sniff", slow_sniff)
    sizes: list[int] = []
    add = documents.Library.add

    def recording_add(library: documents.Library, batch: list[documents.Document]) -> int | None:
        first = add(library, batch)
        sizes.append(len(library))
        return first

    monkeypatch.setattr(documents.Library, "add", recording_add)
    scanner = Scanner([folder], hold=5).start()
    assert scanner.wait(5, timeout=10)
    app = ReaderApp(scanner.take(), data_dir=data_dir, scanner=scanner)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shelf = app.screen.query_one(LibraryPanel)
        await pilot.press("right_square_bracket")  # typed at once: acted on once ready
        for _ in range(100):
            if "(2/" in title(app):
                break
            await pilot.pause(0.02)
        scanning = not app.library.is_complete
        if scanning:  # a very fast machine may have finished the scan already
            assert "(2/" in title(app) and "…)" in title(app)
            assert shelf.header().endswith("documents…")
        for _ in range(200):
            if app.library.is_complete:
                break
            await pilot.pause(0.05)
        assert app.library.is_complete and len(app.library) == COUNT
        assert len(sizes) > 2 and sizes == sorted(sizes)  # it grew in batches, not at once
        assert [d.path.name for d in app.library][:3] == ["00000.txt", "00001.txt", "00002.txt"]
        await pilot.pause()
        assert shelf.header() == "3,000 documents" and "(2/3,000)" in title(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert "(3,000/3,000)" in title(app)  # wraps round to the last
        assert app.screen.view.document is app.library[COUNT - 1]
