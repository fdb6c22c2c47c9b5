"""The help screen: the real key map, made from the same table as the bindings."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widgets import Static

from seedreader.ui.keys import Key

TWO_COLUMNS = 110
"""Terminals at least this wide show the key map in two columns; narrower ones in one."""


class HelpScreen(ModalScreen[None]):
    """Every key, grouped; Esc, q or ? closes it; j/k, arrows and space scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: acted on as it arrives, so the keys typed next reach the reader, not this.
        Binding("escape,q,question_mark", "dismiss", "Close", priority=True),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("space,pagedown", "scroll(10)", "Page down", show=False),
        Binding("b,pageup", "scroll(-10)", "Page up", show=False),
    ]

    def __init__(self, groups: dict[str, list[Key]]) -> None:
        super().__init__()
        self._groups = groups
        self._columns = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            # Docked: the title and the way out stay in view while the keys scroll.
            yield Static(
                Text.assemble(
                    ("seedreader — keys", "bold"),
                    ("   Esc, q or ? closes this help; j/k scroll.", "dim"),
                ),
                id="help-title",
            )
            yield Static(id="help-keys")

    def on_mount(self) -> None:
        self._fit(self.size.width)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """One column or two, for the terminal's width (a resize can come before mounting)."""
        keys = self.query("#help-keys")
        columns = 2 if width >= TWO_COLUMNS else 1
        if keys and columns != self._columns:
            self._columns = columns
            keys.first(Static).update(self._key_map(columns))

    def _key_map(self, columns: int) -> Rendered:
        key = (columns, tuple((group, tuple(keys)) for group, keys in self._groups.items()))
        rendered = _KEY_MAPS.get(key)
        if rendered is None:
            rendered = _KEY_MAPS[key] = Rendered(self._layout(columns))
        return rendered

    def _layout(self, columns: int) -> Table:
        groups = list(self._groups.items())
        if columns == 1:
            return _table(groups)
        # Two columns, split where the longer one is shortest, so the whole key map fits a
        # 120x40 terminal without scrolling.
        sizes = [len(keys) + 2 for _, keys in groups]
        split = min(
            range(1, len(groups)),
            key=lambda k: max(sum(sizes[:k]), sum(sizes[k:])),
            default=len(groups),
        )
        left, right = groups[:split], groups[split:]
        grid = Table.grid(expand=True, padding=(0, 2))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        grid.add_row(_table(left), _table(right))
        return grid

    def action_scroll(self, rows: int) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_relative(y=rows, animate=False)


class Rendered:
    """A renderable drawn once per width: the key map's table is measured and drawn on every
    layout of the help screen (several per opening), and a Rich table is slow to draw."""

    def __init__(self, renderable: Table) -> None:
        self._renderable = renderable
        self._lines: dict[int, list[Segment]] = {}
        self._measures: dict[int, Measurement] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        segments = self._lines.get(width)
        if segments is None:
            segments = self._lines[width] = list(console.render(self._renderable, options))
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        width = options.max_width
        measure = self._measures.get(width)
        if measure is None:
            measure = self._measures[width] = Measurement.get(console, options, self._renderable)
        return measure


_KEY_MAPS: dict[object, Rendered] = {}
"""The key map drawn for each column count (the key table never changes while running)."""


def _table(groups: list[tuple[str, list[Key]]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", justify="right", min_width=8, no_wrap=True)
    table.add_column()
    for number, (group, keys) in enumerate(groups):
        if number:
            table.add_row("", "")
        table.add_row(Text(group, style="bold underline"), "")
        for key in keys:
            table.add_row(key.shown, key.description)
    return table


def compact(keys: list[Key]) -> list[Key]:
    """A side panel's moves in one row of the help: they are the reading keys again."""
    moves = [key for key in keys if key.action in PANEL_MOVES]
    if len(moves) < 2:
        return keys
    row = Key(
        ",".join(key.keys for key in moves),
        " ".join(key.shown.split()[0] for key in moves[:4]),
        "move",
        "Move in the list (space b page; arrows too)",
        group=moves[0].group,
    )
    first = keys.index(moves[0])
    return [*keys[:first], row, *(key for key in keys[first:] if key not in moves)]


PANEL_MOVES = frozenset({"cursor_down", "cursor_up", "first", "last", "page_down", "page_up"})
