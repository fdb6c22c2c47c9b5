"""Keys typed before a screen's text field has focus are kept and given to the field."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, TextArea

ResultT = TypeVar("ResultT")


class TypeaheadScreen(ModalScreen[ResultT]):
    """A modal screen with one text field that keeps what was typed while it was opening.

    Keys that arrive between the key that opened the screen and the field getting focus are
    delivered to the screen itself; without this they would be lost.
    """

    FIELD = "Input"
    """A selector for the text field."""

    def __init__(self) -> None:
        super().__init__()
        self._early: list[str] = []

    def on_key(self, event: events.Key) -> None:
        field = self._field()
        if field is None or field.has_focus:
            return
        if event.character is not None and event.is_printable:
            event.stop()
            event.prevent_default()
            self._early.append(event.character)

    def _field(self) -> Widget | None:
        fields = self.query(self.FIELD)
        return fields.first() if fields else None

    def focus_field(self) -> None:
        """Focus the field now (not on the next loop turn) and give it the early keys."""
        field = self._field()
        if field is None:
            return
        self.set_focus(field)
        text = "".join(self._early)
        self._early.clear()
        if text and isinstance(field, Input):
            field.insert_text_at_cursor(text)
        elif text and isinstance(field, TextArea):
            field.insert(text)
