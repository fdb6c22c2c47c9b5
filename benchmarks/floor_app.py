"""The framework's floor: the smallest Textual app that shows the first line of a file.

The reader benchmark divides seedreader's start-up time by this app's, measured in the same run,
so the figures say what seedreader adds on top of starting Python and Textual at all.

Usage: python benchmarks/floor_app.py FILE
"""

from __future__ import annotations

import sys
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from seedreader.documents import sanitize

# One bounded read, so the floor costs the same for a 1 KB and a 1 GB file.
FIRST_LINE_LIMIT = 4096


def first_line(path: str) -> str:
    """The first line of the file at `path` (at most FIRST_LINE_LIMIT bytes of it)."""
    with open(path, "rb") as handle:
        head = handle.readline(FIRST_LINE_LIMIT)
    return head.decode("utf-8", errors="replace").rstrip("\r\n")


class FloorApp(App[None]):
    """One line of text and nothing else; `q` quits."""

    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def __init__(self, line: str) -> None:
        super().__init__()
        self._line = line

    def compose(self) -> ComposeResult:
        # A Text, not a str: document text is never parsed as markup.
        yield Static(Text(sanitize(self._line)))


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: floor_app.py FILE", file=sys.stderr)
        return 2
    FloorApp(first_line(sys.argv[1])).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
