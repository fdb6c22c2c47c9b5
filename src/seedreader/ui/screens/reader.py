"""The reader screen: routes messages between the library, the document, search and notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from seedreader.documents import Document, DocumentError, Library, sanitize
from seedreader.hit_trail import HitTrail
from seedreader.jumps import JumpList, Spot
from seedreader.lazy_index import LazyIndex
from seedreader.pathnames import show_path
from seedreader.state import Mark, ReadingState, find_mark, is_mark_letter, make_quote
from seedreader.ui.keys import (
    APP_KEYS,
    DOCUMENT_KEYS,
    NOTE_KEYS,
    PANEL_KEYS,
    PLACE_KEYS,
    SEARCH_KEYS,
    STRUCTURE_KEYS,
    Key,
    bindings,
    everywhere,
    opening_actions,
)
from seedreader.ui.widgets.bars import KeyFooter, StatusBar, TitleBar
from seedreader.ui.widgets.document_view import DocumentView
from seedreader.ui.widgets.library_panel import LibraryPanel
from seedreader.ui.widgets.notes_sidebar import NotesSidebar
from seedreader.ui.widgets.outline_panel import OutlinePanel
from seedreader.ui.widgets.panel_list import PanelList

if TYPE_CHECKING:
    from seedreader.notes import Note, NotesStore
    from seedreader.search import Hit
    from seedreader.ui.widgets.search_panel import SearchPanel

_PANELS = (PanelList, LibraryPanel)
"""The side panels' lists, which take the reading keys of a list."""

_JUMPS = frozenset({"first_line", "last_line"})
"""The pane's keys that jump (besides `:N`, taken by `take_key`): places to come back to."""

CHANGE_CHECK_SECONDS = 2.0
"""How often the open document is checked for changes on disk."""
MIN_WIDTH, MIN_HEIGHT = 60, 20
"""Below this the screen says it is too small instead of drawing a broken layout."""

Settings = Callable[[str, str], None]


class ReaderScreen(Screen[None]):
    """Title, library panel, document pane, notes sidebar, search bar, status bar, footer.

    Every part is composed up front (hidden until used), so a key typed the moment the first
    line shows finds the part it needs. The screen holds the current document and routes:
    each panel owns its own state and workers.
    """

    # The document's own keys (j, k, …) are the pane's; those marked `everywhere` (w, +, -)
    # are bound here too, so they act while a side panel has the focus.
    BINDINGS = bindings(
        SEARCH_KEYS + NOTE_KEYS + STRUCTURE_KEYS + APP_KEYS + everywhere(DOCUMENT_KEYS)
    )
    AUTO_FOCUS = "DocumentView"
    _OPENING = opening_actions(SEARCH_KEYS + NOTE_KEYS + STRUCTURE_KEYS + APP_KEYS)

    trail: reactive[HitTrail | None] = reactive(None, init=False)
    """Every hit of the last search jumped from, for n/N."""

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        index: LazyIndex,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.state = state
        self.notes_store: NotesStore | None = None
        """Handed down by the app once the first frame is on screen (`attach_notes`)."""
        self.index = index
        self.current: int | None = None
        """Index of the document on screen."""
        self._messages = messages or []
        self._origin: tuple[int, int, int] | None = None
        """Where the reader was when the search bar opened (document, cursor, top)."""
        self._chosen: Hit | None = None
        """The hit jumped to, until its trail is collected."""
        self.is_ready = False
        """Every part is mounted and the notes are open: keys typed before wait for it."""
        self.jumps = JumpList()
        """The places jumps were made from, for ctrl+o / ctrl+i and ''."""
        self._mark_key: str | None = None
        """"m" or "'" while the letter of a mark is awaited."""

    class Ready(Message):
        """Every part is mounted; the app hands down the notes and sets `is_ready`."""

        def __init__(self, screen: ReaderScreen) -> None:
            super().__init__()
            self.screen = screen

    def compose(self) -> ComposeResult:
        # Every part, the search bar and the footer included, is in the first frame: one
        # layout of everything costs less than a second pass for late parts. The footer's
        # keys come once the app has handed down the notes (`ReaderApp.on_reader_screen_ready`).
        from seedreader.ui.widgets.search_panel import SearchPanel

        yield TitleBar(id="title-bar")
        with Horizontal(id="main"):
            yield LibraryPanel(self.library, self.state, id="library")
            outline = OutlinePanel(id="outline")
            outline.display = False
            yield outline
            yield DocumentView(id="document")
            yield NotesSidebar(None, id="notes-sidebar")
        search = SearchPanel(self.index, lambda: self._order, id="search-panel")
        search.display = False
        search.label_of = self.label_of
        yield search
        yield StatusBar(id="status-bar")
        yield KeyFooter()
        yield Static(id="too-small")

    @property
    def _order(self) -> dict[Path, int]:
        """Each document's index in the library, by path (it grows while the scan goes on)."""
        return self.library.positions

    # -- parts

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    @property
    def shelf(self) -> LibraryPanel:
        return self.query_one(LibraryPanel)

    @property
    def notes(self) -> NotesSidebar:
        return self.query_one(NotesSidebar)

    @property
    def outline(self) -> OutlinePanel:
        return self.query_one(OutlinePanel)

    @property
    def search(self) -> SearchPanel:
        from seedreader.ui.widgets.search_panel import SearchPanel

        return self.query_one(SearchPanel)

    def label_of(self, document: Document) -> str:
        return self.shelf.label_of(document)

    def _remember(self, name: str, value: str) -> None:
        self.state.remember(name, value)

    def on_mount(self) -> None:
        state = self.state
        view = self.view
        view.wrap = state.setting("wrap") != "off"
        view.line_numbers = state.setting("line-numbers") == "on"
        width = state.setting("reading-width")
        if width and width.isdigit():
            view.set_reading_width(int(width))
        narrow = state.setting("narrow-width")
        if narrow and narrow.isdigit():
            view.narrow_width = int(narrow)
        self.shelf.display = len(self.library) > 1 and state.setting("library") != "hidden"
        self.notes.display = state.setting("notes") == "shown"
        self.outline.display = state.setting("outline") == "shown"
        for index in range(len(self.library)):
            if self.open_document(index, quiet=True):
                break
        else:
            self.query_one(TitleBar).show_title("no document could be opened", "")
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.shelf.refresh_entries()  # 10,000 entries in a big library: after the first frame
        self.set_interval(CHANGE_CHECK_SECONDS, self._check_for_changes)
        for message in self._messages:
            self.notify(show_path(message), markup=False, timeout=6)
        if self.state.problem:
            self.notify(show_path(self.state.problem), severity="warning", markup=False)
        # The app opens the notes, shows the footer's keys and acts on the keys typed so far.
        self.post_message(self.Ready(self))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if getattr(self.app, "is_quitting", False):
            return False  # keys that arrive while quitting are ignored, never a crash
        if action not in self._OPENING or self.focused is None:
            return True
        from textual.widgets import Input, TextArea

        # Typed into the search box, the keys that open things are letters there.
        return not isinstance(self.focused, (Input, TextArea))

    def attach_notes(self, store: NotesStore | None) -> None:
        """The notes store, opened by the app after the first frame."""
        self.notes_store = store
        self.notes.store = store
        self.notes.reload()

    def take_key(self, key: str, character: str | None) -> bool:
        """Keys of the go-to prompt, taken in the order they arrive (see `ReaderApp.on_event`).

        Returns True when the key was the prompt's: nothing else may act on it.
        """
        view = self.view
        if self.focused is not view or view.document is None:
            return False
        if self._mark_key is not None:
            self._mark_letter(key, character)
            return True
        if view.goto_buffer is None:
            if character in ("m", "'"):
                self._mark_key = character
                self._update_bars()
                return True
            if character != ":":
                return False
            view.action_go_to_line()
        else:
            if key == "enter" and view.goto_buffer:
                self.jumps.record(self._here())
            view.goto_key(key, character)
        return True

    async def run_key(self, key: str) -> bool:
        """In reading mode or a side panel, act on a bound key at once (see `ReaderApp.on_event`).

        Textual acts on most keys only once they have bubbled up from the focused widget,
        a few loop turns later, while the keys that open things act as they arrive: typed
        together (`k:240` Enter), they could act out of order. Reading keys are acted on here
        in the order they were typed. Returns False for a key the reader does not bind.
        """
        if self.focused is not self.view and not isinstance(self.focused, _PANELS):
            return False  # a text field (the search box) takes its keys as text
        active = self.active_bindings.get(key)
        if active is None or not active.enabled:
            return False
        if isinstance(active.node, _PANELS) and active.binding.action == "leave":
            self.set_focus(self.view)  # now, not when the panel's message arrives
            return True
        if active.node is self.view and active.binding.action in _JUMPS:
            # Recorded here, as the key is acted on: `''` typed right after must find it.
            self.jumps.record(self._here())
        await self.app.run_action(active.binding.action, active.node)
        return True

    def on_resize(self, event: Resize) -> None:
        small = event.size.width < MIN_WIDTH or event.size.height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                Text(
                    f"Terminal too small: {event.size.width}x{event.size.height}; "
                    f"seedreader needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
                    style="bold",
                )
            )

    # -- opening documents

    def open_document(self, index: int, quiet: bool = False, remember: bool = True) -> bool:
        """Show document `index`; returns False (with a message) if it cannot be opened.

        `remember=False` (a search preview) does not record the place being left.
        """
        document = self.library[index]
        try:
            document.load()
        except DocumentError as error:
            if not quiet or len(self.library) == 1:
                self.notify(show_path(str(error)), severity="error", markup=False)
            return False
        if remember:
            self.remember_place()
        self.current = index
        self.view.show(document, line=self.shelf.start_line(document))
        self.notes.show_document(document)
        self.outline.show_document(document, self.view.headings, self.view.is_markdown)
        self.shelf.current = index
        self.shelf.show_current()
        self._apply_highlights()
        self._update_bars()
        return True

    def remember_place(self) -> None:
        """Save where the current document is being read."""
        view = self.view
        if self.current is None or view.document is None:
            return
        if not view.place_is_exact:
            # The end of a large file read before its line index was done: the numbers are
            # estimates, and a place saved by them would open on the wrong line. The place
            # remembered before stays.
            return
        self.shelf.remember(view.document, view.cursor_line, view.last_read_line)

    def _step_document(self, step: int) -> None:
        if self.current is None:
            return
        index = self.current
        for _ in range(len(self.library)):
            index = (index + step) % len(self.library)
            if self.open_document(index):
                return

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
        self.library.replace(document, fresh)  # open_document remembers the place being left
        self.open_document(self.current)
        if self.is_ready:
            self.search.reindex(fresh)
        self.notify(f"{show_path(document.name)} changed on disk and was reloaded.", markup=False)

    @on(LibraryPanel.Grew)
    def _library_grew(self, event: LibraryPanel.Grew) -> None:
        """The scan added documents: follow the one on screen, or open the first that loads
        when none could be opened yet."""
        document = self.view.document
        if document is not None and self.current is not None:
            self.current = self.library.position(document.path)
        if self.current is None:
            for index in range(event.first, len(self.library)):
                if self.open_document(index, quiet=True):
                    break
            return
        self._update_bars()

    @on(LibraryPanel.ScanFinished)
    def _scan_finished(self, event: LibraryPanel.ScanFinished) -> None:
        if self.current is None:
            self.query_one(TitleBar).show_title("no document could be opened", "")
        self._update_bars()
        messages = list(event.notices)
        if event.skipped:
            from seedreader.ui.screens.skipped import skipped_notice

            messages.append(skipped_notice(event.skipped))
        for message in messages:
            self.notify(show_path(message), markup=False, timeout=6)

    @on(LibraryPanel.DocumentChosen)
    def _document_chosen(self, event: LibraryPanel.DocumentChosen) -> None:
        if self.open_document(event.index):
            self.set_focus(self.view)

    @on(PanelList.Left)
    def _panel_left(self) -> None:
        self.set_focus(self.view)

    # -- bars

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_bars()
        if self.outline.display:
            self.outline.set_current(self.view.cursor_line)

    @on(DocumentView.SettingsChanged)
    def _view_settings_changed(self) -> None:
        view = self.view
        self._remember("wrap", "on" if view.wrap else "off")
        self._remember("reading-width", str(view.reading_width))
        self._remember("narrow-width", str(view.narrow_width))
        self._remember("line-numbers", "on" if view.line_numbers else "off")

    @on(DocumentView.Structured)
    def _structured(self, event: DocumentView.Structured) -> None:
        if event.view.document is not None:
            self.outline.show_document(event.view.document, event.headings, True)
            self._update_bars()

    def on_descendant_focus(self) -> None:
        self._update_bars()

    def on_descendant_blur(self) -> None:
        self._update_bars()

    def _update_bars(self) -> None:
        view = self.view
        document = view.document
        if document is None or self.current is None:
            return
        count = len(self.library)
        scanning = "" if self.library.is_complete else "…"
        position = f"{self.current + 1:,}/{count:,}{scanning}" if count > 1 or scanning else ""
        self.query_one(TitleBar).show_title(document.name, position)
        self.shelf.reading(self.current, view.last_read_line, document.line_count)
        focused = self.focused
        if isinstance(focused, _PANELS):
            name = "Library" if isinstance(focused, LibraryPanel) else "Notes"
            parts = [f"{name}: {focused.HINT}"]
        elif self._mark_key is not None:
            verb = "Set mark" if self._mark_key == "m" else "Go to mark"
            extra = "" if self._mark_key == "m" else ", ' back"
            parts = [f"{verb}: type a letter (a–z{extra}; Esc cancels)"]
        else:
            parts = view.status_parts()
            section = self.outline.section_title(view.cursor_line)
            if section and view.goto_buffer is None:
                parts.insert(0, f"§ {section}")
            if self.trail is not None and view.goto_buffer is None:
                parts.append(self.trail.label)
        self.query_one(StatusBar).show_status(parts)

    # -- search

    def action_search(self) -> None:
        if self.current is None or self.view.document is None:
            return
        self._origin = (self.current, self.view.cursor_line, self.view.top_line)
        self.search.open(self.view.document)

    def _go_to_hit(self, hit: Hit, remember: bool) -> None:
        index = self._order.get(hit.document.path)
        if index is None:
            return
        if index != self.current and not self.open_document(index, True, remember):
            return
        self.view.move_cursor(hit.line, centre=True)
        if self.trail is None:
            self.view.set_matches({hit.line: list(hit.spans)}, [hit.line])
        first = hit.spans[0] if hit.spans else (hit.column, hit.column)
        self.view.set_current_match((hit.line, first[0], first[1]))

    # Named handlers: the search panel's module is imported in `compose`, not with this one.

    def on_search_panel_hit_highlighted(self, event: SearchPanel.HitHighlighted) -> None:
        self._go_to_hit(event.hit, remember=False)

    def on_search_panel_hit_chosen(self, event: SearchPanel.HitChosen) -> None:
        origin, self._origin = self._origin, None
        if origin is not None:
            self.jumps.record(Spot(self.library[origin[0]].path, origin[1]))
        self.set_focus(self.view)
        self.trail = None
        self._chosen = event.hit
        self._go_to_hit(event.hit, remember=True)

    def on_search_panel_trail_ready(self, event: SearchPanel.TrailReady) -> None:
        chosen = self._chosen
        if chosen is not None and event.trail.current is not None:
            here = event.trail.current
            if (here.document.path, here.line) == (chosen.document.path, chosen.line):
                self._chosen = None
                self.trail = event.trail

    def on_search_panel_closed(self, event: SearchPanel.Closed) -> None:
        origin, self._origin = self._origin, None
        if origin is not None:
            index, cursor, top = origin
            if index != self.current:
                self.open_document(index, remember=False)
            self.view.restore(cursor, top)
        self.view.set_current_match(None)
        self._apply_highlights()
        self.set_focus(self.view)

    def watch_trail(self) -> None:
        self._apply_highlights()
        self._update_bars()

    def _apply_highlights(self) -> None:
        """Highlight the current search's matches in the document on screen."""
        document = self.view.document
        if document is None or self.trail is None:
            self.view.set_matches({}, [])
            return
        matches = self.trail.spans_in(document.path)
        self.view.set_matches(matches, list(matches))

    def _step_hit(self, delta: int) -> None:
        if self.trail is None or self.current is None:
            self.notify("No search yet: press / to search.")
            return
        self.trail = self.trail.step_from((self.current, self.view.cursor_line), delta)
        if self.trail.current is not None:
            self.jumps.record(self._here())
            self._go_to_hit(self.trail.current, remember=True)

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    @on(DocumentView.Cleared)
    def _cleared(self) -> None:
        self.trail = None

    def action_toggle_wrap(self) -> None:
        self.view.action_toggle_wrap()

    def action_wider(self) -> None:
        self.view.action_wider()

    def action_narrower(self) -> None:
        self.view.action_narrower()

    def action_full_width(self) -> None:
        self.view.action_full_width()

    def action_toggle_line_numbers(self) -> None:
        self.view.action_toggle_line_numbers()

    def action_noop(self) -> None:
        """Keys documented for other places (ctrl+t acts inside the search bar)."""

    # -- notes

    def action_toggle_notes(self) -> None:
        sidebar = self.notes
        if not sidebar.display:
            sidebar.display = True
            sidebar.select_line(self.view.cursor_line)
            sidebar.focus_list()
        elif sidebar.has_list_focus:
            sidebar.display = False
            self.set_focus(self.view)
        else:
            sidebar.focus_list()
        self._remember("notes", "shown" if sidebar.display else "hidden")

    @on(NotesSidebar.NotesShown)
    def _notes_shown(self, event: NotesSidebar.NotesShown) -> None:
        if event.document is self.view.document:
            self.view.set_note_lines(event.lines)

    @on(NotesSidebar.NoteChosen)
    def _note_chosen(self, event: NotesSidebar.NoteChosen) -> None:
        if event.placed.line is None:
            self.notify("This note's text is gone from the document (detached); it is kept.")
            return
        self.view.move_cursor(event.placed.line, centre=True)
        self.set_focus(self.view)

    def action_add_note(self) -> None:
        document = self.view.document
        if document is None:
            return
        if document.line_count == 0:
            self.notify("An empty document has no line to annotate.", severity="warning")
            return
        if not self.view.place_is_exact:
            self.notify("This line's number is not known until the file is indexed: try again.")
            return
        first, last = self.view.selection or self.view.cursor_lines
        quote = "\n".join(document.lines(first, last + 1))
        where = f"line {first + 1}" if first == last else f"lines {first + 1}–{last + 1}"
        title = f"New note on {where} of {document.name}"
        self._edit(title, quote, "", partial(self.notes.save_new, document, first, last))

    def action_edit_note(self) -> None:
        placed = self.notes.target(self.view.cursor_line)
        if placed is None:
            self.notify(
                "No note here: put the cursor on an annotated line or pick one in the sidebar (s)."
            )
            return
        note = placed.note
        self._edit("Edit note", note.anchor.quote, note.body, partial(self.notes.save_edit, note))

    def _edit(self, title: str, quote: str, body: str, save: Callable[[str], None]) -> None:
        from seedreader.ui.screens.note_editor import NoteEditorScreen

        def closed(result: str | None) -> None:
            if result is not None:
                self.notify("Note saved.")
                self.view.clear_selection()
                self.notes.reload()

        self.app.push_screen(NoteEditorScreen(title, quote, body, save), closed)

    def action_delete_note(self) -> None:
        placed = self.notes.target(self.view.cursor_line)
        if placed is None or self.notes_store is None:
            self.notify("No note here to delete.")
            return
        self.notes.delete(placed)

    def action_undo_delete(self) -> None:
        self.notes.undo_delete()

    def action_all_notes(self) -> None:
        from seedreader.notes import NotesStoreError
        from seedreader.ui.screens.all_notes import AllNotesScreen

        if self.notes_store is None:
            self.notify("Notes are not available.", severity="warning")
            return
        try:
            notes = self.notes_store.all_notes()
        except NotesStoreError as error:
            self.notify(show_path(str(error)), severity="error", markup=False)
            return

        def chosen(note: Note | None) -> None:
            if note is not None:
                self._open_note(note)

        labels = {str(path): label for path, label in self.shelf.labels.items()}
        self.app.push_screen(AllNotesScreen(notes, labels), chosen)

    def _open_note(self, note: Note) -> None:
        index = self._order.get(Path(note.path))
        if index is None:
            self.notify(f"{show_path(note.path)} is not among the open documents.", markup=False)
            return
        if index != self.current and not self.open_document(index):
            return
        self.view.move_cursor(note.anchor.start_line, centre=True)

    # -- links

    @on(DocumentView.LinkClicked)
    def _link_clicked(self, event: DocumentView.LinkClicked) -> None:
        target = event.target.strip()
        lowered = target.lower()
        if lowered.startswith(("http://", "https://")):
            self._open_web_link(target)
        elif target.startswith("#"):
            self._go_to_anchor(target[1:])
        elif lowered.startswith("file://") or ":" not in target.split("/", 1)[0]:
            self._open_local_link(target)
        else:
            self.notify(
                f"Only http(s) links and local documents are opened; not this one: "
                f"{sanitize(target)}",
                markup=False,
                severity="warning",
            )

    def _open_web_link(self, target: str) -> None:
        from seedreader.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                import webbrowser

                self.run_worker(partial(webbrowser.open, target), thread=True, group="browser")

        self.app.push_screen(
            ConfirmScreen("Open this address in your web browser?", target), answer
        )

    def _go_to_anchor(self, anchor: str, record: bool = True) -> bool:
        """Jump to the heading a `#anchor` names in the document on screen."""
        from urllib.parse import unquote

        line = self.view.anchor_line(unquote(anchor))
        if line is None:
            self.notify(
                f"No heading #{sanitize(anchor)} in this document.",
                markup=False,
                severity="warning",
            )
            return False
        if record:
            self.jumps.record(self._here())
        self.view.move_cursor(line, at_top=True)
        return True

    def _open_local_link(self, target: str) -> None:
        """Open a link to a local document (relative to the one on screen), adding it to the
        library if it is not there yet; a `#anchor` after the path is gone to as well."""
        from urllib.parse import unquote, urlsplit

        document = self.view.document
        if document is None:
            return
        parts = urlsplit(target)
        path_text = unquote(parts.path)
        if not path_text:
            if parts.fragment:
                self._go_to_anchor(parts.fragment)
            return
        path = Path(path_text)
        if not path.is_absolute():
            path = document.path.parent / path
        here = self._here()
        if self._open_path(path):
            self.jumps.record(here)
            if parts.fragment:
                self._go_to_anchor(parts.fragment, record=False)

    def _open_path_document(self, path: Path) -> bool:
        """Open the document at `path`, adding it to the library if needed."""
        import os

        path = Path(os.path.abspath(path))
        index = self.library.position(path)
        if index is None:
            document = Document(path)
            try:
                document.load()  # a link to a missing, binary or unreadable file
            except DocumentError as error:
                self.notify(show_path(str(error)), markup=False, severity="error")
                return False
            self._add_documents([document])
            index = self.library.position(path)
        if index is None:
            return False
        return self.open_document(index)

    def _add_documents(self, documents: list[Document]) -> None:
        """Documents opened from inside the app join the library (the panel says `Grew`, and
        the search covers them)."""
        document = self.view.document
        self.shelf.add(documents)
        if document is not None and self.current is not None:
            self.current = self.library.position(document.path)
        if self.is_ready:
            self.search.include(documents)
        if len(self.library) > 1 and not self.shelf.display:
            self.shelf.display = self.state.setting("library") != "hidden"
        self._update_bars()

    # -- places: jumps and marks

    def _here(self) -> Spot:
        document = self.view.document
        path = document.path if document is not None else Path()
        return Spot(path, self.view.cursor_line)

    def _go_to_spot(self, spot: Spot) -> None:
        document = self.view.document
        if document is None or spot.path != document.path:
            index = self.library.position(spot.path)
            if index is None or not self.open_document(index):
                return
        self.view.move_cursor(spot.line, centre=True)

    def action_jump_back(self) -> None:
        spot = self.jumps.back(self._here())
        if spot is None:
            self.notify("No earlier place: jumps (links, hits, :N, g/G, marks) are remembered.")
            return
        self._go_to_spot(spot)

    def action_jump_forward(self) -> None:
        spot = self.jumps.forward(self._here())
        if spot is None:
            self.notify("No later place to go forward to.")
            return
        self._go_to_spot(spot)

    def action_set_mark(self) -> None:
        self._mark_key = "m"
        self._update_bars()

    def action_go_to_mark(self) -> None:
        self._mark_key = "'"
        self._update_bars()

    def _mark_letter(self, key: str, character: str | None) -> None:
        """The key after `m` or `'`: a letter sets or goes to that mark; `''` goes back to
        where the last jump started; anything else cancels."""
        prefix, self._mark_key = self._mark_key, None
        document = self.view.document
        self._update_bars()
        if document is None or character is None:
            return
        if prefix == "'" and character in ("'", "`"):
            spot = self.jumps.swap(self._here())
            if spot is None:
                self.notify("No jump yet to go back from.")
            else:
                self._go_to_spot(spot)
            return
        if not is_mark_letter(character):
            return
        if prefix == "m":
            line = self.view.cursor_line
            self.state.set_mark(
                document.path, Mark(character, line, make_quote(document.line(line)))
            )
            self.notify(f"Mark {character} set on line {line + 1:,}.", timeout=1.5)
            return
        mark = self.state.marks(document.path).get(character)
        if mark is None:
            self.notify(f"No mark {character} in this document: m{character} sets it.")
            return
        self._go_to_mark(document, mark)

    def _go_to_mark(self, document: Document, mark: Mark) -> None:
        line = find_mark(mark, document.line_count, document.line)
        self.jumps.record(self._here())
        self.view.move_cursor(line, centre=True)

    def action_list_marks(self) -> None:
        from seedreader.ui.screens.marks import MarksScreen

        document = self.view.document
        if document is None:
            return
        placed = [
            replace(mark, line=find_mark(mark, document.line_count, document.line))
            for mark in self.state.marks(document.path).values()
        ]

        def chosen(mark: Mark | None) -> None:
            if mark is not None and self.view.document is document:
                self._go_to_mark(document, mark)

        self.app.push_screen(MarksScreen(placed), chosen)

    # -- the outline

    def action_toggle_outline(self) -> None:
        outline = self.outline
        if not outline.display:
            outline.display = True
            outline.set_current(self.view.cursor_line)
            outline.focus_filter()
        else:
            outline.display = False
            if self.focused is None or outline.has_focus_within:
                self.set_focus(self.view)
        self._remember("outline", "shown" if outline.display else "hidden")

    @on(OutlinePanel.Chosen)
    def _outline_chosen(self, event: OutlinePanel.Chosen) -> None:
        self.jumps.record(self._here())
        self.view.move_cursor(event.line, at_top=True)
        self.set_focus(self.view)

    @on(OutlinePanel.Left)
    def _outline_left(self) -> None:
        self.set_focus(self.view)

    # -- the library

    def action_next_document(self) -> None:
        self._step_document(1)

    def action_previous_document(self) -> None:
        self._step_document(-1)

    def action_toggle_library(self) -> None:
        shelf = self.shelf
        if self.focused is shelf:  # not has_focus: set a moment later, by an event
            shelf.display = False
            self.set_focus(self.view)
        else:
            shelf.display = True
            shelf.show_current()
            self.set_focus(shelf)
        self._remember("library", "shown" if shelf.display else "hidden")

    def action_open_path(self) -> None:
        from seedreader.ui.screens.open_path import OpenPathScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self._open_path(path)

        self.app.push_screen(OpenPathScreen(Path.cwd()), chosen)

    def _open_path(self, path: Path) -> bool:
        """Open a file, or the documents of a folder, added to the library."""
        if not path.is_dir():
            return self._open_path_document(path)
        from seedreader.documents import scan_paths

        scan = scan_paths([path])
        documents = scan.documents
        skipped = f" ({len(scan.skipped):,} entries skipped)" if scan.skipped else ""
        if not documents:
            self.notify(
                f"No documents in {show_path(path)}{skipped}", markup=False, severity="warning"
            )
            return False
        self._add_documents(documents)
        self.notify(f"{len(documents):,} documents from {show_path(path)}{skipped}", markup=False)
        index = self.library.position(documents[0].path)
        return index is not None and self.open_document(index)

    def action_pick_document(self) -> None:
        from seedreader.ui.screens.picker import PickerScreen

        labels = [self.label_of(document) for document in self.library]

        def chosen(index: int | None) -> None:
            if index is not None:
                self.open_document(index)

        self.app.push_screen(PickerScreen(labels), chosen)

    # -- the app

    def action_help(self) -> None:
        from seedreader.ui.screens.help import HelpScreen, compact

        groups: dict[str, list[Key]] = {}
        for key in (
            *DOCUMENT_KEYS,
            *STRUCTURE_KEYS,
            *PLACE_KEYS,
            *SEARCH_KEYS,
            *NOTE_KEYS,
            *APP_KEYS,
            *PANEL_KEYS,
        ):
            groups.setdefault(key.group, []).append(key)
        groups["Panels"] = compact(groups["Panels"])
        self.app.push_screen(HelpScreen(groups))

    def action_command_palette(self) -> None:
        self.app.action_command_palette()

    def action_quit(self) -> None:
        self.remember_place()
        self.app.exit()
