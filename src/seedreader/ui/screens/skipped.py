"""The entries the folder scan passed over, each with its reason, with a filter."""

from __future__ import annotations

import os
from collections.abc import Sequence

from rapidfuzz import fuzz
from rich.text import Text

from seedreader.documents import Skipped, count_skipped
from seedreader.pathnames import show_path
from seedreader.ui.screens.filter_list import FilterListScreen, fuzzy_rank


def shown_path(path: os.PathLike[str] | str) -> str:
    """A skipped path as listed: relative to the current folder when inside it, escaped."""
    text = os.fspath(path)
    relative = os.path.relpath(text)
    return show_path(text if relative.startswith("..") else relative)


def skipped_notice(skipped: Sequence[Skipped]) -> str:
    """The start-up notice: how many entries were skipped, why, and where the list is."""
    total = len(skipped)
    entries = "entry" if total == 1 else "entries"
    return f"Skipped {total} {entries} ({count_skipped(skipped)}): ctrl+p › Skipped files"


LIMIT = 2000
"""At most this many entries are listed at once (a filter finds the others)."""


class SkippedScreen(FilterListScreen[None]):
    """Every skipped path and why; type to filter by path or reason; Enter or Esc closes."""

    PLACEHOLDER = "Filter skipped files (path or reason)"

    def __init__(self, skipped: Sequence[Skipped]) -> None:
        entries = list(skipped)
        # Paths relative to the folder they share, named once in the title: the names that
        # differ stay in view on a narrow screen.
        base = os.path.commonpath([os.path.dirname(e.path) for e in entries]) if entries else ""
        super().__init__(
            title=f"Skipped files ({len(entries)}) in {shown_path(base)}",
            list_id="skipped-list",
        )
        self._entries = entries
        self._paths = [show_path(os.path.relpath(entry.path, base)) for entry in entries]
        self._choices = [
            f"{path} {entry.reason}" for path, entry in zip(self._paths, self._entries, strict=True)
        ]

    def rank(self, query: str) -> list[int]:
        return fuzzy_rank(query, self._choices, fuzz.partial_ratio, 70, LIMIT)

    def prompt(self, index: int) -> Text:
        """The path, then the reason (cut on a narrow screen, never the path)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(self._paths[index])
        text.append(f"  {self._entries[index].reason}", style="dim")
        return text

    def result(self, index: int) -> None:
        return None
