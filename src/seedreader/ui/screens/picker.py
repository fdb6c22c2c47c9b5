"""The document picker: type part of a name, rapidfuzz ranks the documents, Enter opens."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from seedreader.documents import sanitize
from seedreader.ui.screens.typeahead import TypeaheadScreen


def rank_names(query: str, names: list[str], limit: int = 200) -> list[int]:
    """Indexes of `names` best matching `query`, best first; all of them for an empty query."""
    if not query.strip():
        return list(range(min(len(names), limit)))
    matches = process.extract(
        query,
        names,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=50,
    )
    return [index for _, _, index in matches]


class PickerScreen(TypeaheadScreen):
    """Returns the index of the chosen document, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, names: list[str], labels: list[str]) -> None:
        super().__init__()
        self._names = names
        self._labels = labels
        self._shown: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(placeholder="Open document: type part of its name", id="picker-query")
            yield OptionList(id="picker-results")

    FIELD = "#picker-query"

    def on_mount(self) -> None:
        self._refresh_results("")
        self.focus_field()

    @on(Input.Changed, "#picker-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self._refresh_results(event.value)

    def _refresh_results(self, query: str) -> None:
        self._shown = rank_names(query, self._names)
        results = self.query_one("#picker-results", OptionList)
        results.clear_options()
        results.add_options(
            [Option(Text(sanitize(self._labels[i]), no_wrap=True)) for i in self._shown]
        )
        if self._shown:
            results.highlighted = 0

    @on(Input.Submitted, "#picker-query")
    def _submitted(self) -> None:
        results = self.query_one("#picker-results", OptionList)
        if results.highlighted is not None and self._shown:
            self.dismiss(self._shown[results.highlighted])

    @on(OptionList.OptionSelected, "#picker-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index])

    def action_move(self, step: int) -> None:
        results = self.query_one("#picker-results", OptionList)
        if self._shown:
            current = results.highlighted or 0
            results.highlighted = min(max(current + step, 0), len(self._shown) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
