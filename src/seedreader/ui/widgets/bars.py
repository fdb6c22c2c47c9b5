"""The title bar above the document and the status bar below it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from seedreader.documents import sanitize


class TitleBar(Static):
    """The open document's title, drawn as plain text (never markup)."""

    def show_title(self, title: str, position: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" seedreader ", style="bold")
        text.append("│ ")
        text.append(sanitize(title), style="bold")
        if position:
            text.append(f"  ({position})")
        self.update(text)


class StatusBar(Static):
    """Line, percentage, encoding, search position and background work."""

    def show_status(self, parts: list[str], right: str = "") -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" " + "  │  ".join(sanitize(part) for part in parts if part))
        if right:
            width = self.size.width or 120
            gap = max(width - text.cell_len - len(right) - 1, 2)
            text.append(" " * gap)
            text.append(sanitize(right), style="bold")
        self.update(text)
