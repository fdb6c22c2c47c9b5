"""The document picker: type part of a name, rapidfuzz ranks the documents, Enter opens."""

from __future__ import annotations

from rapidfuzz import fuzz
from rich.text import Text

from seedreader.documents import sanitize
from seedreader.ui.screens.filter_list import FilterListScreen, fuzzy_rank


def rank_names(query: str, names: list[str], limit: int = 200) -> list[int]:
    """Indexes of `names` best matching `query`, best first; all of them for an empty query."""
    return fuzzy_rank(query, names, fuzz.WRatio, 50, limit)


class PickerScreen(FilterListScreen[int]):
    """Returns the index of the chosen document, or None."""

    PLACEHOLDER = "Open document: type part of its name"

    def __init__(self, labels: list[str]) -> None:
        super().__init__(list_id="picker-results")
        self._labels = labels

    def rank(self, query: str) -> list[int]:
        return rank_names(query, self._labels)

    def prompt(self, index: int) -> Text:
        return Text(sanitize(self._labels[index]), no_wrap=True)

    def result(self, index: int) -> int:
        return index
