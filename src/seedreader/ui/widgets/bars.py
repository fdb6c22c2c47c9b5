"""The title bar above the document and the status bar below it."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from seedreader.documents import sanitize
from seedreader.pathnames import show_path


class _Bar(Static):
    """A one-line bar that redraws only when its text changes (it is told on every key)."""

    _shown: str | None = None

    def _show(self, text: Text) -> None:
        if text.plain != self._shown:
            self._shown = text.plain
            self.update(text)


class TitleBar(_Bar):
    """The open document's title, drawn as plain text (never markup)."""

    def show_title(self, title: str, position: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" seedreader ", style="bold")
        text.append("│ ")
        text.append(show_path(title), style="bold")
        if position:
            text.append(f"  ({position})")
        self._show(text)


class StatusBar(_Bar):
    """Line, percentage, encoding, search position and background work."""

    def show_status(self, parts: list[str]) -> None:
        text = Text(" " + "  │  ".join(sanitize(part) for part in parts if part), no_wrap=True)
        self._show(text)
