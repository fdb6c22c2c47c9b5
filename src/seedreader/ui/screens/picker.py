"""The document picker: type part of a name, rapidfuzz ranks the documents, Enter opens."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils
from rich.text import Text

from seedreader.documents import sanitize
from seedreader.ui.screens.filter_list import FilterListScreen


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


class PickerScreen(FilterListScreen):
    """Returns the index of the chosen document, or None."""

    PLACEHOLDER = "Open document: type part of its name"

    def __init__(self, labels: list[str]) -> None:
        super().__init__(list_id="picker-results")
        self._labels = labels

    def rank(self, query: str) -> list[int]:
        return rank_names(query, self._labels)

    def prompt(self, index: int) -> Text:
        return Text(sanitize(self._labels[index]), no_wrap=True)
