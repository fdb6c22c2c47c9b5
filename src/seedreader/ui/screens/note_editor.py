"""The note editor: a TextArea for a note's body; ctrl+s saves, Esc asks before discarding."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from seedreader.documents import sanitize
from seedreader.pathnames import show_path
from seedreader.ui.screens.typeahead import TypeaheadScreen
from seedreader.ui.widgets.notes_sidebar import shorten


class NoteEditorScreen(TypeaheadScreen[str]):
    """Returns the saved body, or None when abandoned.

    `save` is called in a thread and returns once the note is committed; only then does the
    editor close. A failed save (read-only folder, full disk) leaves the typed text here.
    """

    # Not priority bindings: keys typed just before ctrl+s reach the TextArea first.
    FIELD = "#note-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, quote: str, body: str, save: Callable[[str], None]) -> None:
        super().__init__()
        self._save = save
        self._title = title
        self._quote = quote
        # A stored body may hold control characters (imported, or added from the shell): the
        # TextArea would draw them raw, so they are edited as their visible symbols.
        self._original = "\n".join(sanitize(line.expandtabs(4)) for line in body.split("\n"))
        self._confirming = False

    def compose(self) -> ComposeResult:
        with Vertical(id="note-editor"):
            yield Static(Text(show_path(self._title), style="bold"), id="note-editor-title")
            yield Static(
                Text("▌ " + sanitize(shorten(self._quote, 200)), style="italic"),
                id="note-editor-quote",
            )
            yield TextArea(self._original, id="note-body", soft_wrap=True, show_line_numbers=False)
            yield Label("ctrl+s save · Esc cancel", id="note-editor-help")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)
        self.focus_field()

    @property
    def body(self) -> str:
        return self.query_one(TextArea).text

    def show_problem(self, message: str) -> None:
        """Show why saving failed; the typed text stays."""
        self.query_one("#note-editor-help", Label).update(
            Text(show_path(message) + " — your text is kept; ctrl+s to retry", style="bold red")
        )

    def action_save(self) -> None:
        if not self.body.strip():
            self.query_one("#note-editor-help", Label).update(
                Text("A note needs some text (Esc to cancel).", style="bold")
            )
            return
        self.query_one("#note-editor-help", Label).update(Text("Saving…", style="bold"))
        self._save_body(self.body)

    @work(thread=True, exclusive=True, group="save-note", exit_on_error=False)
    def _save_body(self, body: str) -> None:
        from seedreader.notes import NotesStoreError

        try:
            self._save(body)  # returns once the note is committed to disk
        except NotesStoreError as error:
            self.app.call_from_thread(self.show_problem, str(error))
            return
        except Exception as error:  # noqa: BLE001 - any failure must leave the text in the editor
            self.app.call_from_thread(self.show_problem, f"cannot save the note: {error}")
            return
        self.app.call_from_thread(self.dismiss, body)

    def action_cancel(self) -> None:
        if self.body == self._original or self._confirming:
            self.dismiss(None)
            return
        # Typed text is never thrown away on one key: a second Esc confirms.
        self._confirming = True
        self.query_one("#note-editor-help", Label).update(
            Text("Discard your changes? Esc again to discard, ctrl+s to save.", style="bold yellow")
        )

    @on(TextArea.Changed)
    def _typed(self) -> None:
        if self._confirming:
            self._confirming = False
            self.query_one("#note-editor-help", Label).update("ctrl+s save · Esc cancel")
