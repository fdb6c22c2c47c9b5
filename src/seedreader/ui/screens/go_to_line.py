"""Go to a line by number (`:` then a number)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class GoToLineScreen(ModalScreen[int | None]):
    """Asks for a line number; returns it (1-based) or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, line_count: int) -> None:
        super().__init__()
        self._line_count = line_count

    def compose(self) -> ComposeResult:
        with Vertical(id="go-to-line"):
            yield Label(f"Go to line (1–{self._line_count:,}):")
            yield Input(placeholder="line number", type="integer", id="line-number")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            line = int(event.value)
        except ValueError:
            self.dismiss(None)
            return
        self.dismiss(min(max(line, 1), max(self._line_count, 1)))

    def action_cancel(self) -> None:
        self.dismiss(None)
