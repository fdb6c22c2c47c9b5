"""The reader app: a library of documents, the document pane, and the screens around them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from seedreader.documents import Document, DocumentError, Library, sanitize
from seedreader.state import Place, ReadingState, find_place, make_quote
from seedreader.ui.keys import (
    APP_KEYS,
    DOCUMENT_KEYS,
    NOTE_KEYS,
    SEARCH_KEYS,
    Key,
    bindings,
    opening_actions,
)
from seedreader.ui.widgets.bars import StatusBar, TitleBar
from seedreader.ui.widgets.document_view import DocumentView

if TYPE_CHECKING:
    from textual.command import Provider

    from textual.timer import Timer

    from seedreader.notes import Note, NotesStore, PlacedNote
    from seedreader.search import Hit, SearchIndex, SearchResult
    from seedreader.ui.widgets.search_panel import SearchPanel
    from seedreader.ui.widgets.library_panel import LibraryPanel
    from seedreader.ui.widgets.notes_sidebar import NotesSidebar

CHANGE_CHECK_SECONDS = 2.0
"""How often the open document is checked for changes on disk."""


class ReaderScreen(Screen[None]):
    """The main screen: title, library panel, document pane, status bar and footer."""

    BINDINGS = bindings(SEARCH_KEYS + NOTE_KEYS + APP_KEYS)
    AUTO_FOCUS = "DocumentView"
    _OPENING = opening_actions(SEARCH_KEYS + NOTE_KEYS + APP_KEYS)

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.state = state
        self.current: int | None = None
        """Index of the document on screen."""
        self._places = state.all()
        self._labels = _labels(library)
        self._index_progress: dict[Path, float] = {}
        self._messages = messages or []
        self.notes_store: NotesStore | None = None
        self.placed_notes: list[PlacedNote] = []
        """Notes of the document on screen, in document order."""
        self._last_deleted: Note | None = None
        self.search_index: SearchIndex | None = None
        self._index_building = False
        self._search_generation = 0
        self._search_timer: Timer | None = None
        self._pending_query: tuple[int, str, bool] | None = None
        self._origin: tuple[int, int, int] | None = None
        """Where the reader was when the search bar opened (document, cursor, top)."""
        self.search_query = ""
        """The query of the last search the user jumped from."""
        self.search_hits: list[Hit] = []
        """Every hit of that query, in library order, for n/N."""
        self.hit_position: int | None = None

    def compose(self) -> ComposeResult:
        # The library panel and the footer are mounted after the first frame: the document's
        # first lines come first.
        yield TitleBar(id="title-bar")
        with Horizontal(id="main"):
            yield DocumentView(id="document")
        yield StatusBar(id="status-bar")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The keys that open things are priority bindings (see keys.Key.opens); while the
        # user types in a field of this screen (the search box), they are letters.
        if action in self._OPENING and self.focused is not None:
            from textual.widgets import Input, TextArea

            if isinstance(self.focused, (Input, TextArea)):
                return False
        return True

    def label_of(self, document: Document) -> str:
        """How a document is named in lists: its path below the folder the library shares."""
        return self._labels.get(document.path, document.name)

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    def on_mount(self) -> None:
        for index in range(len(self.library)):
            if self.open_index(index, quiet=True):
                break
        else:
            self.query_one(TitleBar).show_title("no document could be opened", "")
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        # Imported here: what is mounted after the first frame is imported after it too.
        from textual.widgets import Footer

        from seedreader.ui.widgets.library_panel import LibraryPanel

        panel = LibraryPanel(id="library")
        panel.display = len(self.library) > 1
        await self.query_one("#main").mount(panel, before=0)
        from seedreader.ui.widgets.notes_sidebar import NotesSidebar

        sidebar = NotesSidebar(id="notes-sidebar")
        sidebar.display = False
        await self.query_one("#main").mount(sidebar)
        from seedreader.ui.widgets.search_panel import SearchPanel

        panel = SearchPanel(id="search-panel")
        panel.label_of = self.label_of
        panel.display = False
        await self.mount(panel, before=self.query_one(StatusBar))
        await self.mount(Footer())
        self.refresh_bindings()  # the footer learns the keys from this signal
        self._refresh_library()
        self._open_notes_store()
        self.set_interval(CHANGE_CHECK_SECONDS, self._check_for_changes)
        for message in self._messages:
            self.notify(sanitize(message), markup=False, timeout=6)
        if self.state.problem:
            self.notify(sanitize(self.state.problem), severity="warning", markup=False)

    # -- opening documents

    def open_index(self, index: int, quiet: bool = False, remember: bool = True) -> bool:
        """Show document `index`; returns False (with a message) if it cannot be opened.

        `remember=False` (a search preview) does not record the place being left.
        """
        document = self.library[index]
        try:
            document.load()
        except DocumentError as error:
            if not quiet or len(self.library) == 1:
                self.notify(sanitize(str(error)), severity="error", markup=False)
            return False
        if remember:
            self.remember_place()
        self.current = index
        place = self._places.get(str(document.path))
        line = 0
        if place is not None:
            line = find_place(place, document.line_count, document.line)
        self.view.show(document, line=line)
        if not document.is_indexed:
            self._index_document(document)
        self.placed_notes = []
        if self.notes_store is not None:
            self._load_notes(document)
        self._apply_highlights()
        self._update_bars()
        panels = self.query("#library")
        if panels:
            library = self.library_panel
            if library.option_count == len(self.library):
                library.highlighted = index
        return True

    def remember_place(self) -> None:
        """Save where the current document is being read."""
        view = self.view
        if self.current is None or view.document is None:
            return
        document = view.document
        old = self._places.get(str(document.path))
        furthest = max(view.last_visible_line, old.furthest if old else 0)
        place = Place(
            line=view.cursor,
            quote=make_quote(document.line(view.cursor)),
            furthest=furthest,
            line_count=document.line_count,
        )
        self._places[str(document.path)] = place
        self.state.save(document.path, place)

    @property
    def library_panel(self) -> LibraryPanel:
        from seedreader.ui.widgets.library_panel import LibraryPanel

        return self.query_one("#library", LibraryPanel)

    def _refresh_library(self) -> None:
        from seedreader.ui.widgets.library_panel import LibraryEntry

        if not self.query("#library"):
            return
        entries = []
        for document in self.library:
            place = self._places.get(str(document.path))
            furthest = place.furthest if place is not None else -1
            lines = place.line_count if place is not None else None
            if document is self.view.document:
                # The one being read counts what is on screen now, not only what was saved.
                lines = document.line_count
                furthest = max(furthest, self.view.last_visible_line)
            read = min((furthest + 1) / lines, 1.0) if lines else 0.0
            entries.append(LibraryEntry(document, self.label_of(document), lines, read))
        self.library_panel.show_entries(entries, self.current or 0)

    # -- background indexing of large files

    @work(thread=True, group="index", exit_on_error=False)
    def _index_document(self, document: Document) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.25:
                last = now
                self.app.call_from_thread(self._indexing, document, done / total)

        document.index_lines(progress, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._indexing, document, 1.0)

    def _indexing(self, document: Document, fraction: float) -> None:
        if fraction >= 1.0:
            self._index_progress.pop(document.path, None)
        else:
            self._index_progress[document.path] = fraction
        if self.view.document is document:
            self.view.lines_grew()
            self._update_bars()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                sanitize(f"{event.worker.name}: {event.worker.error}"),
                severity="error",
                markup=False,
            )

    # -- documents changing on disk

    def _check_for_changes(self) -> None:
        document = self.view.document
        if document is None or self.current is None or not document.has_changed():
            return
        if not document.path.exists():
            return  # deleted: keep showing what was read
        fresh = document.reloaded()
        try:
            fresh.load()
        except DocumentError:
            return
        self.library.replace(document, fresh)  # open_index remembers the place being left
        self.open_index(self.current)
        if self.search_index is not None:
            self._reindex(fresh)
        self.notify(f"{sanitize(document.name)} changed on disk and was reloaded.", markup=False)

    @work(thread=True, group="search-index", exit_on_error=False)
    def _reindex(self, document: Document) -> None:
        """Bring the search index up to date with a document that changed on disk."""
        if self.search_index is not None:
            self.search_index.update(document)

    # -- bars

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_bars()

    def _update_bars(self) -> None:
        view = self.view
        document = view.document
        if document is None or self.current is None:
            return
        position = f"{self.current + 1}/{len(self.library)}" if len(self.library) > 1 else ""
        self.query_one(TitleBar).show_title(document.name, position)
        count = document.line_count
        parts = []
        if count:
            suffix = "" if document.is_indexed else "+"
            percent = round((view.last_visible_line + 1) / count * 100)
            parts.append(f"line {view.cursor + 1:,}/{count:,}{suffix}")
            parts.append(f"{percent}%")
        else:
            parts.append("empty")
        parts.append(document.encoding)
        if not view.wrap:
            parts.append("wrap off")
        if view.goto_buffer is not None:
            parts = [f"Go to line: {view.goto_buffer}▏ (Enter to go, Esc to cancel)"]
        if self.search_hits and self.hit_position is not None:
            parts.append(f"hit {self.hit_position + 1}/{len(self.search_hits)}")
        progress = self._index_progress.get(document.path)
        if progress is not None:
            parts.append(f"indexing {round(progress * 100)}%")
        self.query_one(StatusBar).show_status(parts)

    # -- notes

    def _open_notes_store(self) -> None:
        from seedreader.notes import NotesStore, NotesStoreError

        try:
            self.notes_store = NotesStore(self.app.data_dir)  # type: ignore[attr-defined]
        except NotesStoreError as error:
            self.notify(sanitize(str(error)), severity="error", markup=False, timeout=10)
            return
        for warning in self.notes_store.warnings:
            self.notify(sanitize(warning), severity="warning", markup=False, timeout=10)
        if self.view.document is not None:
            self._load_notes(self.view.document)

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def _load_notes(self, document: Document) -> None:
        store = self.notes_store
        if store is None:
            return
        if not document.is_indexed:
            document.index_lines()
        placed = store.notes_for(document)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_notes, document, placed)

    def _show_notes(self, document: Document, placed: list[PlacedNote]) -> None:
        if self.view.document is not document:
            return
        self.placed_notes = placed
        lines: set[int] = set()
        for note in placed:
            if note.line is not None and note.end_line is not None:
                lines.update(range(note.line, note.end_line + 1))
        self.view.set_note_lines(lines)
        detached = sum(1 for note in placed if note.line is None)
        state = f"{detached} detached (text gone)" if detached else ""
        if self.notes_store is not None and self.notes_store.read_only:
            state = (state + " · " if state else "") + "read-only: notes cannot be saved"
        self.sidebar.show_notes(placed, state)

    @property
    def sidebar(self) -> NotesSidebar:
        from seedreader.ui.widgets.notes_sidebar import NotesSidebar

        return self.query_one("#notes-sidebar", NotesSidebar)

    def _note_at_cursor(self) -> PlacedNote | None:
        line = self.view.cursor
        for placed in self.placed_notes:
            if placed.line is not None and placed.end_line is not None:
                if placed.line <= line <= placed.end_line:
                    return placed
        return None

    def _target_note(self) -> PlacedNote | None:
        sidebar = self.sidebar
        if sidebar.display and sidebar.has_focus_within:
            return sidebar.selected
        return self._note_at_cursor() or (sidebar.selected if sidebar.display else None)

    def action_toggle_notes(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            sidebar.select_line(self.view.cursor)
            sidebar.query_one("#notes-list").focus()
        else:
            self.view.focus()

    def on_notes_sidebar_note_chosen(self, event: NotesSidebar.NoteChosen) -> None:
        if event.placed.line is None:
            self.notify("This note's text is gone from the document (detached); it is kept.")
            return
        self.view.move_cursor(event.placed.line, centre=True)
        self.view.focus()

    def action_add_note(self) -> None:
        document = self.view.document
        if document is None:
            return
        first, last = self.view.selection or (self.view.cursor, self.view.cursor)
        if document.line_count == 0:
            self.notify("An empty document has no line to annotate.", severity="warning")
            return
        quote = "\n".join(document.lines(first, last + 1))
        where = f"line {first + 1}" if first == last else f"lines {first + 1}–{last + 1}"
        title = f"New note on {where} of {document.name}"

        def save(body: str) -> None:
            if self.notes_store is None:
                raise _no_store()
            self.notes_store.add(document, first, last, body)

        self._edit(title, quote, "", save, "Note saved.")

    def action_edit_note(self) -> None:
        placed = self._target_note()
        if placed is None:
            self.notify(
                "No note here: put the cursor on an annotated line or pick one in the sidebar (s)."
            )
            return
        note = placed.note

        def save(body: str) -> None:
            if self.notes_store is None:
                raise _no_store()
            self.notes_store.update(note.id, body)

        self._edit("Edit note", note.anchor.quote, note.body, save, "Note saved.")

    def _edit(
        self, title: str, quote: str, body: str, save: Callable[[str], None], done: str
    ) -> None:
        from seedreader.ui.screens.note_editor import NoteEditorScreen

        def closed(result: str | None) -> None:
            if result is not None:
                self.notify(done)
                self.view.clear_selection()
                if self.view.document is not None:
                    self._load_notes(self.view.document)

        self.app.push_screen(NoteEditorScreen(title, quote, body, save), closed)

    def action_delete_note(self) -> None:
        from seedreader.notes import NotesStoreError

        placed = self._target_note()
        if placed is None or self.notes_store is None:
            self.notify("No note here to delete.")
            return
        try:
            self._last_deleted = self.notes_store.delete(placed.note.id)
        except NotesStoreError as error:
            self.notify(sanitize(str(error)), severity="error", markup=False)
            return
        self.notify("Note deleted. Press u to undo.")
        if self.view.document is not None:
            self._load_notes(self.view.document)

    def action_undo_delete(self) -> None:
        from seedreader.notes import NotesStoreError

        if self._last_deleted is None or self.notes_store is None:
            self.notify("Nothing to undo.")
            return
        try:
            self.notes_store.restore(self._last_deleted)
        except NotesStoreError as error:
            self.notify(sanitize(str(error)), severity="error", markup=False)
            return
        self._last_deleted = None
        self.notify("Note restored.")
        if self.view.document is not None:
            self._load_notes(self.view.document)

    def action_all_notes(self) -> None:
        from seedreader.notes import NotesStoreError
        from seedreader.ui.screens.all_notes import AllNotesScreen

        if self.notes_store is None:
            self.notify("Notes are not available.", severity="warning")
            return
        try:
            notes = self.notes_store.all_notes()
        except NotesStoreError as error:
            self.notify(sanitize(str(error)), severity="error", markup=False)
            return

        def chosen(note: Note | None) -> None:
            if note is not None:
                self._open_note(note)

        labels = {str(path): label for path, label in self._labels.items()}
        self.app.push_screen(AllNotesScreen(notes, labels), chosen)

    def _open_note(self, note: Note) -> None:
        paths = [str(document.path) for document in self.library]
        if note.path not in paths:
            self.notify(f"{sanitize(note.path)} is not among the open documents.", markup=False)
            return
        index = paths.index(note.path)
        if index != self.current and not self.open_index(index):
            return
        self._refresh_library()
        self._pending_note = note.id
        self.view.move_cursor(note.anchor.start_line, centre=True)

    @on(DocumentView.Cleared)
    def _cleared(self) -> None:
        self.search_hits = []
        self.hit_position = None
        self._update_bars()

    # -- search

    @property
    def search_panel(self) -> SearchPanel:
        from seedreader.ui.widgets.search_panel import SearchPanel

        return self.query_one("#search-panel", SearchPanel)

    def action_search(self) -> None:
        if not self.query("#search-panel") or self.current is None:
            return
        self._origin = (self.current, self.view.cursor, self.view.top)
        self.search_panel.open()
        self._ensure_index()
        if self.search_panel.query_text:
            self._query_changed_now(self.search_panel.query_text, self.search_panel.scope_all)

    def _ensure_index(self) -> None:
        if self.search_index is None and not self._index_building:
            self._index_building = True
            self.search_panel.show_state("Indexing documents…")
            self._build_index()

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def _build_index(self) -> None:
        from seedreader.search import IndexCancelled, SearchIndex

        worker = get_current_worker()
        last = 0.0
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.2:
                last = now
                percent = round(done / max(total, 1) * 100)
                self.app.call_from_thread(
                    self.search_panel.show_state,
                    f"Indexing {percent}% ({done / 1e6:,.1f} of {total / 1e6:,.1f} MB)…",
                )

        try:
            index = SearchIndex.build(
                self.library.documents, progress=progress, cancelled=lambda: worker.is_cancelled
            )
        except IndexCancelled:
            return
        seconds = time.monotonic() - started
        self.app.call_from_thread(self._index_ready, index, seconds)

    def _index_ready(self, index: SearchIndex, seconds: float) -> None:
        self.search_index = index
        self._index_building = False
        for problem in index.errors[:3]:
            self.notify(sanitize(problem), severity="warning", markup=False)
        if self._pending_query is not None:
            _, query, scope_all = self._pending_query
            self._pending_query = None
            self._query_changed_now(query, scope_all)
        else:
            self.search_panel.show_state(f"Ready ({seconds:.1f} s to index). Type to search.")

    def on_search_panel_query_changed(self, event: SearchPanel.QueryChanged) -> None:
        # Debounced: a burst of keystrokes starts one search, not one per key.
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_generation += 1
        generation = self._search_generation
        self._search_timer = self.set_timer(
            0.06, lambda: self._start_search(generation, event.query, event.scope_all)
        )

    def _query_changed_now(self, query: str, scope_all: bool) -> None:
        self._search_generation += 1
        self._start_search(self._search_generation, query, scope_all)

    def _start_search(self, generation: int, query: str, scope_all: bool) -> None:
        if generation != self._search_generation:
            return
        if not query.strip():
            self.search_panel.show_state("Type to search.")

            self.search_panel.hits = []
            self.search_panel.query_one("#search-hits").clear_options()  # type: ignore[attr-defined]
            return
        if self.search_index is None:
            self._pending_query = (generation, query, scope_all)
            self._ensure_index()
            return
        scope = None if scope_all else [self.view.document]
        self._run_search(generation, query, scope)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, generation: int, query: str, scope: list[Document] | None) -> None:
        index = self.search_index
        if index is None:
            return
        result = index.search(query, limit=50, documents=scope)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_results, generation, result)

    def _show_results(self, generation: int, result: SearchResult) -> None:
        if generation != self._search_generation or not self.search_panel.display:
            return  # an older query's results never replace a newer one's
        self.search_panel.show_results(result)

    def on_search_panel_hit_highlighted(self, event: SearchPanel.HitHighlighted) -> None:
        if self.search_panel.display:
            self._go_to_hit(event.hit, remember=False)

    def _go_to_hit(self, hit: Hit, remember: bool) -> None:
        index = self._library_index(hit.document)
        if index is None:
            return
        if index != self.current and not self.open_index(index, quiet=True, remember=remember):
            return
        self.view.move_cursor(hit.line, centre=True)
        if not self.search_hits:
            self.view.set_matches({hit.line: list(hit.spans)}, [hit.line])
        first = hit.spans[0] if hit.spans else (hit.column, hit.column)
        self.view.set_current_match((hit.line, first[0], first[1]))

    def _library_index(self, document: Document) -> int | None:
        for index, candidate in enumerate(self.library):
            if candidate.path == document.path:
                return index
        return None

    def on_search_panel_hit_chosen(self, event: SearchPanel.HitChosen) -> None:
        panel = self.search_panel
        panel.display = False
        self._search_generation += 1
        self.view.focus()
        self._origin = None
        self.search_query = panel.query_text
        self.search_hits = [event.hit]
        self.hit_position = 0
        self._go_to_hit(event.hit, remember=True)
        self._collect_all_hits(
            panel.query_text, None if panel.scope_all else [self.view.document], event.hit
        )
        self._update_bars()

    @work(thread=True, exclusive=True, group="search-all", exit_on_error=False)
    def _collect_all_hits(self, query: str, scope: list[Document] | None, chosen: Hit) -> None:
        index = self.search_index
        if index is None:
            return
        result = index.search(query, limit=0, documents=scope)
        order = {str(d.path): i for i, d in enumerate(self.library)}
        hits = sorted(
            result.hits, key=lambda h: (order.get(str(h.document.path), 0), h.line, h.column)
        )
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._all_hits_ready, query, hits, chosen)

    def _all_hits_ready(self, query: str, hits: list[Hit], chosen: Hit) -> None:
        if query != self.search_query:
            return
        self.search_hits = hits or [chosen]
        self.hit_position = next(
            (
                i
                for i, hit in enumerate(self.search_hits)
                if hit.document.path == chosen.document.path and hit.line == chosen.line
            ),
            0,
        )
        self._apply_highlights()
        self._update_bars()

    def _apply_highlights(self) -> None:
        """Highlight the current search's matches in the document on screen."""
        document = self.view.document
        if document is None or not self.search_hits:
            self.view.set_matches({}, [])
            return
        matches: dict[int, list[tuple[int, int]]] = {}
        for hit in self.search_hits:
            if hit.document.path == document.path:
                matches.setdefault(hit.line, []).extend(hit.spans)
        self.view.set_matches(matches, list(matches))

    def on_search_panel_closed(self, event: SearchPanel.Closed) -> None:
        panel = self.search_panel
        panel.display = False
        self._search_generation += 1  # a search still running must not move the view now
        if self._search_timer is not None:
            self._search_timer.stop()
        origin, self._origin = self._origin, None
        if origin is not None:
            index, cursor, top = origin
            if index != self.current:
                self.open_index(index, remember=False)
            self.view.top = top
            self.view.move_cursor(cursor)
        self.view.set_current_match(None)
        self._apply_highlights()
        self.view.focus()

    def _step_hit(self, step: int) -> None:
        if not self.search_hits:
            self.notify("No search yet: press / to search.")
            return
        document = self.view.document
        order = {str(d.path): i for i, d in enumerate(self.library)}
        here = (order.get(str(document.path), 0) if document else 0, self.view.cursor)
        keys = [(order.get(str(h.document.path), 0), h.line) for h in self.search_hits]
        if step > 0:
            position = next((i for i, key in enumerate(keys) if key > here), 0)
        else:
            position = next(
                (i for i in range(len(keys) - 1, -1, -1) if keys[i] < here), len(keys) - 1
            )
        self.hit_position = position
        self._go_to_hit(self.search_hits[position], remember=True)
        self._apply_highlights()
        self._update_bars()

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    def action_noop(self) -> None:
        """Keys documented for other places (ctrl+t acts inside the search bar)."""

    # -- actions

    def on_library_panel_document_chosen(self, event: LibraryPanel.DocumentChosen) -> None:
        if self.open_index(event.index):
            self._refresh_library()
            self.view.focus()

    @on(DocumentView.LinkClicked)
    def _link_clicked(self, event: DocumentView.LinkClicked) -> None:
        target = event.target
        if not target.lower().startswith(("http://", "https://")):
            self.notify(
                f"Only http(s) links can be opened; this one is: {sanitize(target)}",
                markup=False,
                severity="warning",
            )
            return
        from seedreader.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._open_url(target)

        self.app.push_screen(
            ConfirmScreen("Open this address in your web browser?", target), answer
        )

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        import webbrowser

        webbrowser.open(url)

    def _step_document(self, step: int) -> None:
        if not self.library or self.current is None:
            return
        index = self.current
        for _ in range(len(self.library)):
            index = (index + step) % len(self.library)
            if self.open_index(index):
                self._refresh_library()
                return

    def action_next_document(self) -> None:
        self._step_document(1)

    def action_previous_document(self) -> None:
        self._step_document(-1)

    def action_toggle_library(self) -> None:
        panel = self.library_panel
        panel.display = not panel.display
        if panel.display:
            self._refresh_library()
            panel.focus()
        else:
            self.view.focus()

    def action_pick_document(self) -> None:
        from seedreader.ui.screens.picker import PickerScreen

        labels = [self.label_of(document) for document in self.library]

        def chosen(index: int | None) -> None:
            if index is not None and self.open_index(index):
                self._refresh_library()

        self.app.push_screen(PickerScreen(labels), chosen)

    def action_help(self) -> None:
        from seedreader.ui.screens.help import HelpScreen

        groups: dict[str, list[Key]] = {}
        for key in (*DOCUMENT_KEYS, *SEARCH_KEYS, *NOTE_KEYS, *APP_KEYS):
            groups.setdefault(key.group, []).append(key)
        self.app.push_screen(HelpScreen(groups))

    def action_command_palette(self) -> None:
        self.app.action_command_palette()

    def action_quit(self) -> None:
        self.remember_place()
        self.app.exit()


def _no_store() -> Exception:
    from seedreader.notes import NotesStoreError

    return NotesStoreError("notes are not available")


def _common_parent(paths: list[str]) -> str:
    if len(paths) < 2:
        return str(Path(paths[0]).parent) + "/" if paths else ""
    import os.path

    common = os.path.commonpath(paths)
    return common.rstrip("/") + "/"


def _labels(library: Library) -> dict[Path, str]:
    """Each document's path relative to the folder all of them share ("fortunes/art")."""
    paths = [str(document.path) for document in library]
    common = _common_parent(paths)
    return {document.path: str(document.path)[len(common) :] for document in library}


def _document_commands() -> type[Provider]:
    from seedreader.ui.commands import document_commands

    return document_commands()


class ReaderApp(App[None]):
    """seedreader's app; documents and folders come in through the constructor."""

    CSS_PATH = "app.tcss"
    TITLE = "seedreader"
    COMMANDS = App.COMMANDS | {_document_commands}

    def __init__(
        self,
        documents: list[Document],
        data_dir: Path,
        skipped_binary: int = 0,
        scan_errors: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.library = Library(documents)
        self.data_dir = data_dir
        self.reading_state = ReadingState(data_dir)
        messages = list(scan_errors)
        if skipped_binary:
            plural = "s" if skipped_binary != 1 else ""
            messages.append(f"Skipped {skipped_binary} binary file{plural}.")
        self._messages = messages

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(self.library, self.reading_state, self._messages)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            yield SystemCommand(
                "Open document…", "Pick a document by name", screen.action_pick_document
            )
            yield SystemCommand(
                "Toggle library panel",
                "Show or hide the list of documents",
                screen.action_toggle_library,
            )
            yield SystemCommand(
                "Toggle wrapping",
                "Wrap long lines or scroll sideways",
                screen.view.action_toggle_wrap,
            )
            yield SystemCommand(
                "Toggle notes sidebar",
                "Show or hide the notes of this document",
                screen.action_toggle_notes,
            )
            yield SystemCommand("Search", "Search all documents (/)", screen.action_search)
            yield SystemCommand(
                "All notes", "Every note, with a filter (A)", screen.action_all_notes
            )
            yield SystemCommand("Help", "Show the key map", screen.action_help)

    def on_unmount(self) -> None:
        screen = self.screen_stack[0] if self.screen_stack else None
        if isinstance(screen, ReaderScreen):
            screen.remember_place()
            if screen.notes_store is not None:
                screen.notes_store.close()
        self.reading_state.close()
