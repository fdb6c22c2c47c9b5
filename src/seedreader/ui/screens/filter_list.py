"""A modal list filtered as you type: the document picker and the all-notes view."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from seedreader.fuzzy import fuzzy_rank
from seedreader.ui.screens.typeahead import ResultT, TypeaheadScreen

__all__ = ["FilterListScreen", "fuzzy_rank"]


class FilterListScreen(TypeaheadScreen[ResultT]):
    """A query box over a list; Enter or a click returns `result(index)`, Esc returns None.

    Subclasses say how to rank the items for a query and how to show one.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", priority=True),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]
    FIELD = "#filter-query"
    PLACEHOLDER = "Type to filter"

    def __init__(self, title: str | None = None, list_id: str = "filter-list") -> None:
        super().__init__()
        self._title = title
        self._list_id = list_id
        self._shown: list[int] = []

    def rank(self, query: str) -> list[int]:
        """Indexes of the items matching `query`, best first."""
        raise NotImplementedError

    def prompt(self, index: int) -> Text:
        """How item `index` is listed."""
        raise NotImplementedError

    def result(self, index: int) -> ResultT:
        """What choosing item `index` returns."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="filter-list"):
            if self._title:
                yield Static(self._title, classes="filter-list-title")
            yield Input(placeholder=self.PLACEHOLDER, id="filter-query")
            yield OptionList(id=self._list_id)

    def on_mount(self) -> None:
        self._refresh("")
        self.focus_field()

    @property
    def _options(self) -> OptionList:
        return self.query_one(f"#{self._list_id}", OptionList)

    @on(Input.Changed, "#filter-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._refresh(event.value)

    def _refresh(self, query: str) -> None:
        self._shown = self.rank(query)
        options = self._options
        options.clear_options()
        options.add_options([Option(self.prompt(index)) for index in self._shown])
        if self._shown:
            options.highlighted = 0

    @on(Input.Submitted, "#filter-query")
    def _submitted(self) -> None:
        highlighted = self._options.highlighted
        if self._shown and highlighted is not None:
            self.dismiss(self.result(self._shown[highlighted]))

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.result(self._shown[event.option_index]))

    def action_move(self, step: int) -> None:
        if self._shown:
            options = self._options
            current = options.highlighted or 0
            options.highlighted = min(max(current + step, 0), len(self._shown) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
