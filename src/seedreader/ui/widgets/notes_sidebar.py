"""The notes sidebar: the current document's notes in document order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from seedreader.documents import Document, sanitize
from seedreader.pathnames import show_path
from seedreader.ui.widgets.panel_list import PanelList
from seedreader.ui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from seedreader.notes import Note, NotesStore, PlacedNote

QUOTE_WIDTH = 60
BODY_LINES = 3

_STATE_STYLE = {"detached": "bold red", "moved": "yellow"}
"""How a note's anchoring state (`seedreader.notes.DETACHED`, `MOVED`) is shown."""


def shorten(text: str, width: int) -> str:
    """One line of at most `width` characters, whitespace squeezed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def note_prompt(placed: PlacedNote, name: str | None = None) -> Text:
    """How a note is listed: place and state, the quote, and the first lines of the body."""
    text = Text()
    if placed.line is None:
        where = "detached"
    elif placed.end_line is not None and placed.end_line != placed.line:
        where = f"lines {placed.line + 1}–{placed.end_line + 1}"
    else:
        where = f"line {placed.line + 1}"
    if name:
        where = f"{show_path(name)}:{placed.line + 1 if placed.line is not None else '?'}"
    text.append(where, style="bold")
    if placed.state != "exact":
        text.append(f"  {placed.state}", style=_STATE_STYLE.get(placed.state, ""))
    quote = shorten(placed.note.anchor.quote, QUOTE_WIDTH) or "(blank line)"
    text.append("\n▌ " + sanitize(quote), style="italic dim")
    body_lines = placed.note.body.splitlines() or [""]
    for line in body_lines[:BODY_LINES]:
        text.append("\n" + sanitize(shorten(line, QUOTE_WIDTH)))
    if len(body_lines) > BODY_LINES:
        text.append(" …", style="dim")
    return text


class NotesList(PanelList):
    """The sidebar's list of notes."""

    HINT = "j/k move · Enter go · e edit · d delete · Esc back"


class NotesSidebar(ReportsWorkerErrors, Vertical):
    """The notes of the document being read: loads them, lists them, deletes and restores.

    The screen tells it which document is open (`show_document`); it answers with
    `NotesShown` (the annotated lines, for the document's markers) and `NoteChosen`.
    """

    @dataclass
    class NoteChosen(Message):
        """The user picked a note in the sidebar."""

        placed: PlacedNote

    @dataclass
    class NotesShown(Message):
        """The notes of `document` were (re)loaded; `lines` are the annotated lines."""

        document: Document
        lines: set[int]

    def __init__(self, store: NotesStore | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        """None when the notes file could not be opened at all."""
        self.document: Document | None = None
        self.notes: list[PlacedNote] = []
        """Notes of the document, in document order."""
        self._last_deleted: Note | None = None

    def compose(self) -> ComposeResult:
        yield Static("Notes", id="notes-title")
        yield NotesList(id="notes-list")

    @property
    def _list(self) -> NotesList:
        return self.query_one(NotesList)

    # -- loading

    def show_document(self, document: Document) -> None:
        """Show the notes of `document` (loaded in a worker)."""
        self.document = document
        self.notes = []
        self.reload()

    def reload(self) -> None:
        if self.store is not None and self.document is not None:
            # After the next frame: at start-up the document's first lines come first.
            self.call_after_refresh(self._load, self.document)

    @work(thread=True, exclusive=True, group="notes", exit_on_error=False)
    def _load(self, document: Document) -> None:
        assert self.store is not None
        if not document.is_indexed:
            document.index_lines()
        placed = self.store.notes_for(document)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, document, placed)

    def _show(self, document: Document, placed: list[PlacedNote]) -> None:
        if document is not self.document:
            return
        self.notes = placed
        lines: set[int] = set()
        for note in placed:
            if note.line is not None and note.end_line is not None:
                lines.update(range(note.line, note.end_line + 1))
        detached = sum(1 for note in placed if note.line is None)
        state = f"{detached} detached (text gone)" if detached else ""
        if self.store is not None and self.store.read_only:
            state = (state + " · " if state else "") + "read-only: notes cannot be saved"
        self._list_notes(placed, state)
        self.post_message(self.NotesShown(document, lines))

    def _list_notes(self, notes: list[PlacedNote], state: str) -> None:
        options = self._list
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(note_prompt(placed)) for placed in notes])
        if notes:
            options.highlighted = min(highlighted or 0, len(notes) - 1)
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}" if notes else "No notes yet"
        title = Text(f"Notes · {count}", style="bold")
        if not notes:
            title.append("\npress a to add one", style="dim")
        if state:
            title.append(f"\n{sanitize(state)}", style="dim")
        self.query_one("#notes-title", Static).update(title)

    # -- which note

    @property
    def selected(self) -> PlacedNote | None:
        """The highlighted note, if any."""
        index = self._list.highlighted
        return self.notes[index] if index is not None and index < len(self.notes) else None

    def note_at(self, line: int) -> PlacedNote | None:
        """The note whose passage covers `line`."""
        for placed in self.notes:
            if (
                placed.line is not None
                and placed.end_line is not None
                and (placed.line <= line <= placed.end_line)
            ):
                return placed
        return None

    def target(self, cursor: int) -> PlacedNote | None:
        """The note an edit or delete acts on: the highlighted one while the list has the
        focus, else the one at the cursor, else the highlighted one if the sidebar shows."""
        if self.display and self.screen.focused is self._list:
            return self.selected
        return self.note_at(cursor) or (self.selected if self.display else None)

    def select_line(self, line: int) -> None:
        """Highlight the note at (or nearest before) a document line."""
        best = None
        for index, placed in enumerate(self.notes):
            if placed.line is not None and placed.line <= line:
                best = index
        if best is not None:
            self._list.highlighted = best

    def focus_list(self) -> None:
        self.screen.set_focus(self._list)

    @property
    def has_list_focus(self) -> bool:
        return self.screen.focused is self._list

    # -- changing notes (the editor is the screen's; saving is here)

    def _store(self) -> NotesStore:
        from seedreader.notes import NotesStoreError

        if self.store is None:
            raise NotesStoreError("notes are not available")
        return self.store

    def save_new(self, document: Document, first: int, last: int, body: str) -> None:
        """Add a note (called from the editor's worker thread; returns once committed)."""
        self._store().add(document, first, last, body)

    def save_edit(self, note: Note, body: str) -> None:
        """Change a note's body (called from the editor's worker thread)."""
        self._store().update(note.id, body)

    def delete(self, placed: PlacedNote) -> None:
        from seedreader.notes import NotesStoreError

        try:
            self._last_deleted = self._store().delete(placed.note.id)
        except NotesStoreError as error:
            self.notify(show_path(str(error)), severity="error", markup=False)
            return
        self.notify("Note deleted. Press u to undo.")
        self.reload()

    def undo_delete(self) -> None:
        from seedreader.notes import NotesStoreError

        if self._last_deleted is None or self.store is None:
            self.notify("Nothing to undo.")
            return
        try:
            self.store.restore(self._last_deleted)
        except NotesStoreError as error:
            self.notify(show_path(str(error)), severity="error", markup=False)
            return
        self._last_deleted = None
        self.notify("Note restored.")
        self.reload()

    @on(OptionList.OptionSelected, "#notes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.NoteChosen(self.notes[event.option_index]))
