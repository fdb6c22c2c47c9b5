"""Search in the app: live ranked results, preview, Enter, Esc, n/N across documents, scope."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from seedreader.lazy_index import LazyIndex
from seedreader.search import SearchCancelled, SearchResult
from seedreader.ui.widgets.document_view import DocumentView
from seedreader.ui.widgets.search_panel import SearchPanel
from tests.conftest import SEEDS
from tests.ui.conftest import reader, screen_text, settle


async def test_misspelled_query_finds_and_jumps(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Qaddafi")
        await settle(pilot)
        panel = app.screen.query_one(SearchPanel)
        assert panel.display and panel.hits
        assert "Gaddafi" in panel.hits[0].text
        text = screen_text(app)
        assert "Qaddafi → Gaddafi, 1 edit" in text
        assert "hits in 1 document" in text
        view = app.screen.query_one(DocumentView)
        await pilot.press("down")  # the pane previews the second hit
        await settle(pilot)
        assert view.cursor == panel.hits[1].line
        await pilot.press("enter")
        await settle(pilot)
        assert not panel.display
        assert view.cursor == panel.hits[1].line
        # Matches are highlighted in the pane and marked on the bar; n/N step through hits.
        assert view.matches and view.hit_lines
        first = view.cursor
        await pilot.press("n")
        assert view.cursor > first
        await pilot.press("N")
        assert view.cursor == first
        assert "hit " in str(app.screen.query_one("#status-bar").render())
        await pilot.press("escape")  # clears the highlights
        assert not view.matches and reader(app).trail is None


async def test_escape_returns_to_where_you_were(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(DocumentView)
        await pilot.press("colon", "5", "enter")
        await pilot.press("slash", *"Rasmusen")
        await settle(pilot)
        assert "Rasmussen" in app.screen.query_one(SearchPanel).hits[0].text
        assert view.cursor != 4  # previewing the hit
        await pilot.press("escape")
        await settle(pilot)
        assert view.cursor == 4


async def test_nonsense_finds_nothing(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"xylophone")
        await settle(pilot)
        assert app.screen.query_one(SearchPanel).hits == []
        assert "No hits" in screen_text(app)


async def test_n_goes_on_into_the_next_document_and_scope_toggles(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("the walrus said\n\nnothing here\n")
    (tmp_path / "b.txt").write_text("filler\n\nthe walrus again\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"walrus")
        await settle(pilot)
        panel = app.screen.query_one(SearchPanel)
        assert {hit.document.name for hit in panel.hits} == {"a.txt", "b.txt"}
        await pilot.press("ctrl+t")  # this document only
        await settle(pilot)
        assert {hit.document.name for hit in panel.hits} == {"a.txt"}
        assert "this document" in screen_text(app)
        await pilot.press("ctrl+t", "enter")
        await settle(pilot)
        view = app.screen.query_one(DocumentView)
        assert view.document is not None and view.document.name == "a.txt"
        await pilot.press("n")
        await settle(pilot)
        assert view.document.name == "b.txt" and view.cursor == 2
        await pilot.press("n")  # wraps around to the first hit
        assert view.document.name == "a.txt" and view.cursor == 0


async def test_query_and_document_markup_stay_literal(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "m.txt").write_text("a [bold]tagged[/bold] line with \x1b[31mcolour\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"[bold]tagged")
        await settle(pilot)
        text = screen_text(app)
        assert "[bold]tagged[/bold] line with ␛[31mcolour" in text
        assert "\x1b" not in text


def test_count_text() -> None:
    from seedreader.documents import Document
    from seedreader.search import Hit, SearchResult
    from seedreader.ui.widgets.search_panel import count_text

    def hit(name: str) -> Hit:
        return Hit(Document(Path("/x") / name), 0, 0, ((0, 1),), 1.0, (), "x")

    assert count_text(SearchResult((), (), 0), True) == "No hits"
    two = (hit("a.txt"), hit("b.txt"), hit("b.txt"))
    assert count_text(SearchResult(two, (), 3, documents=2), True) == "3 hits in 2 documents"
    assert count_text(SearchResult(two, (), 3, documents=2), False) == "3 hits in this document"
    # A count the engine did not finish is marked "+" on both figures, the same way everywhere.
    assert count_text(SearchResult(two, (), 90, complete=False, documents=7), True) == (
        "90+ hits in 7+ documents (best 3 shown)"
    )
    # A lower bound that already counts every document of the library is exact.
    assert count_text(SearchResult(two, (), 90, complete=False, documents=1), True, 1) == (
        "90+ hits in 1 document (best 3 shown)"
    )
    one = (hit("a.txt"),)
    assert count_text(SearchResult(one, (), 40, documents=1), True) == (
        "40 hits in 1 document (best 1 shown)"
    )


# --- hostile names, failures, quitting (issue 10) ------------------------------------------


async def test_a_file_named_with_bad_bytes_is_indexed_and_found(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / os.fsdecode(b"bad\xff\xfe.txt")).write_text("hello\nthe gaddafi line\n")
    (tmp_path / "good.txt").write_text("another gaddafi here\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gaddafi")
        await settle(pilot)
        panel = app.screen.query_one(SearchPanel)
        assert len(panel.hits) == 2  # indexing finished instead of dying at "Indexing 60%"
        count = str(app.screen.query_one("#search-count").render())
        assert count.startswith("2 hits in 2 documents")
        # The box takes what the engine reads: ten thousand keys into an unbounded box kept
        # the app busy for seconds after them.
        from textual.widgets import Input

        from seedreader.search.query import MAX_QUERY_CHARS

        assert panel.query_one("#search-query", Input).max_length == MAX_QUERY_CHARS


async def test_any_failure_of_the_index_worker_is_shown(
    make_app, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("the walrus said\n")
    app = make_app(tmp_path)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something odd")  # not one of the failures LazyIndex reports

    monkeypatch.setattr(LazyIndex, "get", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        count = str(app.screen.query_one("#search-count").render())
        assert "could not be built" in count and "something odd" in count
        assert not app.screen.query_one(SearchPanel).is_indexing


async def test_esc_and_q_read_together_quit_from_the_search_bar(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("the walrus said\n")
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"walrus")
        await settle(pilot)
        # A busy app reads Esc and the q typed after it together, as alt+q.
        await pilot.press("alt+q")
        await pilot.pause(0.2)
        assert app.screen.query_one(SearchPanel).query_text == "walrus"  # no q typed in
        assert app.return_code == 0


async def test_quitting_stops_a_running_search(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("the walrus said\n")
    app = make_app(tmp_path)
    started, stopped = threading.Event(), threading.Event()
    interrupted: list[bool] = []

    def endless(
        query: str, cancelled: Callable[[], bool] | None = None, **options: object
    ) -> SearchResult:
        # A search that would run for ever: it ends only when its worker is cancelled.
        started.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if cancelled is not None and cancelled():
                stopped.set()
                raise SearchCancelled()
            time.sleep(0.01)
        return SearchResult((), (), 0)

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        index = app.search_index.index
        assert index is not None
        index.search = endless  # type: ignore[method-assign]
        index.interrupt = lambda: interrupted.append(True)  # type: ignore[method-assign]
        await pilot.press(*"walrus")
        await pilot.pause(0.3)
        assert started.wait(5)
        await pilot.press("escape")
        await pilot.pause(0.2)
        await pilot.press("q")
    assert stopped.wait(2), "the search thread went on after quitting"
    assert interrupted  # the SQL running at that moment is stopped too
