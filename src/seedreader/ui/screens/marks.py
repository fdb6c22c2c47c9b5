"""The marks of the current document in a list filtered as you type; Enter jumps to one."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz
from rich.text import Text

from seedreader.documents import sanitize
from seedreader.state import Mark
from seedreader.ui.screens.filter_list import FilterListScreen, fuzzy_rank

NO_MARKS = "No marks in this document: m + a letter sets one"


def filter_marks(query: str, marks: list[Mark], limit: int = 200) -> list[int]:
    """Indexes of marks matching `query`, best first: the mark named by a one-letter query
    first, then fuzzy matches of the quote; all of them, in order, for no query."""
    query = query.strip()
    if not query:
        return list(range(len(marks)))
    named = [index for index, mark in enumerate(marks) if mark.letter == query]
    quoted = fuzzy_rank(query, [mark.quote for mark in marks], fuzz.partial_ratio, 70, limit)
    return named + [index for index in quoted if index not in named]


def mark_prompt(mark: Mark, width: int = 0) -> Text:
    """How a mark is listed: `a  line 1,234  quote…` (the quote is document text: never markup).

    Line numbers are right-aligned to `width` characters so the quotes line up.
    """
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(mark.letter, style="bold")
    prompt.append(f"  line {mark.line + 1:>{width},}  ", style="dim")
    prompt.append(sanitize(mark.quote))
    return prompt


class MarksScreen(FilterListScreen[Mark]):
    """The given marks (pass them placed where they are now, e.g. with
    `replace(mark, line=find_mark(mark, ...))`, so the line numbers shown are current);
    type to filter; Enter returns the chosen mark, Esc None."""

    PLACEHOLDER = "Filter marks (a letter, or words of the line)"

    def __init__(self, marks: Iterable[Mark]) -> None:
        self._marks = list(marks)
        self._width = max((len(f"{mark.line + 1:,}") for mark in self._marks), default=0)
        title = f"Marks ({len(self._marks)})" if self._marks else NO_MARKS
        super().__init__(title=title, list_id="marks-list")

    def rank(self, query: str) -> list[int]:
        return filter_marks(query, self._marks)

    def prompt(self, index: int) -> Text:
        return mark_prompt(self._marks[index], self._width)

    def result(self, index: int) -> Mark:
        return self._marks[index]
