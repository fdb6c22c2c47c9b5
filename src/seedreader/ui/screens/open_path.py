"""The "open a file or folder" prompt: type a path, Tab completes it, Enter opens it."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from seedreader.path_complete import Completion, complete, prefill, resolve
from seedreader.ui.screens.typeahead import TypeaheadScreen

KEYS_HINT = "Tab complete · ↓ list · Enter open · Esc close"


class CandidateList(OptionList):
    """The entries matching the field; Up from the first one gives the keys back to it."""

    class TopPassed(Message):
        """Up was pressed on the first entry (or with none highlighted)."""

    def action_cursor_up(self) -> None:
        if not self.highlighted:
            self.post_message(self.TopPassed())
            return
        super().action_cursor_up()


class OpenPathScreen(TypeaheadScreen[Path | None]):
    """Asks for the path of a file or folder; returns it, checked, or None on Esc.

    The entries matching what is typed are listed as it changes (listing runs in a thread:
    a folder may be huge or on a slow disk). The field only ever holds text that can be drawn
    as it is; an entry whose name cannot (see `path_complete`) is opened by choosing it in
    the list.
    """

    DEFAULT_CSS = """
    OpenPathScreen {
        align: center middle;
        background: $background 60%;
    }
    #open-path {
        width: 100;
        max-width: 100%;
        height: 75%;
        min-height: 12;
        max-height: 100%;
        border: round $primary;
        background: $panel;
    }
    #open-path-title {
        padding: 0 1;
        text-style: bold;
    }
    #open-path-error {
        height: 1;
        padding: 0 1;
        color: $text-error;
    }
    #open-path-candidates {
        height: 1fr;
        border: none;
    }
    #open-path-hint {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", priority=True),
        # Replaces the screen's focus-next: Tab completes, wherever the focus is.
        Binding("tab", "complete", "Complete", show=False),
        Binding("down", "to_list", "List", show=False),
    ]
    AUTO_FOCUS = None
    FIELD = "#open-path-field"

    def __init__(self, cwd: Path | None = None) -> None:
        """Args:
        cwd: the folder relative paths are against (where seedreader was started).
        """
        super().__init__()
        self._cwd = cwd if cwd is not None else Path.cwd()
        self._completion = Completion("", ())
        """The completion the list shows."""

    def compose(self) -> ComposeResult:
        with Vertical(id="open-path"):
            yield Static("Open file or folder:", id="open-path-title")
            yield Input(value=prefill(self._cwd), id="open-path-field", select_on_focus=False)
            yield Static("", id="open-path-error")
            yield CandidateList(id="open-path-candidates")
            yield Static(KEYS_HINT, id="open-path-hint")

    def on_mount(self) -> None:
        self.focus_field()
        self._complete(self._input.value, apply=False)

    @property
    def _input(self) -> Input:
        return self.query_one(self.FIELD, Input)

    @property
    def _list(self) -> CandidateList:
        return self.query_one(CandidateList)

    def on_key(self, event: events.Key) -> None:
        super().on_key(event)
        if self._list.has_focus and event.is_printable:
            self.focus_field()  # typing in the list goes on in the field, not lost

    # --- completing -------------------------------------------------------------------------

    @on(Input.Changed, "#open-path-field")
    def _field_changed(self, event: Input.Changed) -> None:
        self._show_error("")
        self._complete(event.value, apply=False)

    def action_complete(self) -> None:
        self._complete(self._input.value, apply=True)

    @work(thread=True, exclusive=True, group="open-path", exit_on_error=False)
    def _complete(self, typed: str, apply: bool) -> None:
        result = complete(typed, self._cwd)
        if not get_current_worker().is_cancelled:  # a newer keystroke won
            self.app.call_from_thread(self._show_completion, typed, result, apply)

    def _show_completion(self, typed: str, result: Completion, apply: bool) -> None:
        field = self._input
        if field.value != typed:
            return  # typed on meanwhile: this answer is for old text
        if apply and result.text != typed:
            self._fill(result.text)  # its Changed lists the new text's entries
            return
        self._completion = result
        options = self._list
        options.clear_options()
        options.add_options(
            [
                Option(Text(name, style="bold" if name.endswith("/") else "", no_wrap=True))
                for name in result.candidates
            ]
        )
        self._show_hint(result)

    def _show_hint(self, result: Completion) -> None:
        if result.error:
            text = Text(result.error, style="italic")
        elif result.truncated:
            text = Text(f"First {len(result.candidates)} shown: type more · {KEYS_HINT}")
        else:
            count = len(result.candidates)
            text = Text(f"{count} match{'' if count == 1 else 'es'} · {KEYS_HINT}")
        self.query_one("#open-path-hint", Static).update(text)

    def _fill(self, text: str) -> None:
        field = self._input
        field.value = text
        field.cursor_position = len(text)

    # --- choosing ---------------------------------------------------------------------------

    def action_to_list(self) -> None:
        options = self._list
        if options.option_count:
            options.focus()
            if options.highlighted is None:
                options.highlighted = 0

    @on(CandidateList.TopPassed)
    def _back_to_field(self, event: CandidateList.TopPassed) -> None:
        event.stop()
        self._list.highlighted = None
        self.focus_field()

    @on(OptionList.OptionSelected, "#open-path-candidates")
    def _candidate_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        result, index = self._completion, event.option_index
        if index >= len(result.paths):
            return
        if result.is_folder(index) and result.fills[index]:
            self._fill(result.fills[index])  # go into the folder
            self.focus_field()
            return
        self._open(resolve(str(result.paths[index]), self._cwd))

    @on(Input.Submitted, "#open-path-field")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._open(resolve(event.value, self._cwd))

    def _open(self, target: Path | str) -> None:
        if isinstance(target, Path):
            self.dismiss(target)
        else:
            self._show_error(target)
            self.focus_field()

    def _show_error(self, message: str) -> None:
        self.query_one("#open-path-error", Static).update(Text(message, no_wrap=True))

    def action_cancel(self) -> None:
        self.dismiss(None)
