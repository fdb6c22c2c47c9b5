"""The library panel: the open documents, how long they are and how much has been read."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from seedreader.documents import Document, sanitize


@dataclass(frozen=True)
class LibraryEntry:
    """What the panel shows of one document."""

    document: Document
    label: str
    """The name shown: the path below the folder the library shares."""
    lines: int | None
    read: float
    """Fraction read, 0..1."""


class LibraryPanel(OptionList):
    """Lists the documents; Enter or a click opens one."""

    @dataclass
    class DocumentChosen(Message):
        """The user picked a document in the library."""

        index: int

    def show_entries(self, entries: list[LibraryEntry], current: int) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(entry)) for entry in entries])
        self.highlighted = current if highlighted is None else min(highlighted, len(entries) - 1)

    @staticmethod
    def _prompt(entry: LibraryEntry) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        folder, _, name = entry.label.rpartition("/")
        if folder:
            text.append(sanitize(folder) + "/", style="dim")
        text.append(sanitize(name))
        detail = Text(style="dim")
        if entry.lines is not None:
            detail.append(f"\n{entry.lines:,} lines")
            detail.append(f" · {round(entry.read * 100)}% read")
        else:
            detail.append("\nnot opened yet")
        text.append_text(detail)
        return text

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.DocumentChosen(event.option_index))
