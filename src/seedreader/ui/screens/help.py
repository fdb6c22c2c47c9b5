"""The help screen: the real key map, made from the same table as the bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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
        groups = list(self._groups.items())
        # Two columns, so the whole key map fits a 120x40 terminal without scrolling.
        half = (sum(len(keys) + 2 for _, keys in groups) + 1) // 2
        left: list[tuple[str, list[Key]]] = []
        right: list[tuple[str, list[Key]]] = []
        rows = 0
        for group in groups:
            (left if rows < half else right).append(group)
            rows += len(group[1]) + 2
        with VerticalScroll(id="help-body"):
            yield Static(Text("seedreader — keys", style="bold"), id="help-title")
            with Horizontal(id="help-columns"):
                yield Static(_table(left), classes="help-column")
                yield Static(_table(right), classes="help-column")
            yield Static(Text("Esc, q or ? closes this help.", style="dim"))


def _table(groups: list[tuple[str, list[Key]]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", justify="right", min_width=10)
    table.add_column()
    for group, keys in groups:
        table.add_row(Text(group, style="bold underline"), "")
        for key in keys:
            table.add_row(key.shown, key.description)
        table.add_row("", "")
    return table
