"""The help screen: the real key map, made from the same table as the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from seedreader.ui.keys import Key


class HelpScreen(ModalScreen[None]):
    """Every key, grouped; Esc, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, groups: dict[str, list[Key]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", justify="right", min_width=12)
        table.add_column()
        for group, keys in self._groups.items():
            table.add_row(Text(group, style="bold underline"), "")
            for key in keys:
                table.add_row(key.shown, key.description)
            table.add_row("", "")
        table.add_row("", Text("Esc, q or ? closes this help.", style="dim"))
        with VerticalScroll(id="help-body"):
            yield Static(Text("seedreader — keys", style="bold"), id="help-title")
            yield Static(table)
