"""A yes/no question, used before opening a link from a document."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from seedreader.documents import sanitize


class ConfirmScreen(ModalScreen[bool]):
    """Shows a question and a full detail (such as an address) literally; returns the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", "No", priority=True),
        Binding("y", "answer(True)", "Yes", priority=True),
    ]

    def __init__(self, question: str, detail: str) -> None:
        super().__init__()
        self._question = question
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(Text(sanitize(self._question), style="bold"))
            yield Static(Text(sanitize(self._detail)), id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button("Open (y)", id="yes", variant="primary")
                yield Button("Cancel (n)", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
