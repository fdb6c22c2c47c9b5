"""The library panel: the open documents, how long they are and how much has been read.

It owns the reading places (where each document was left, how far it was read) and the
names documents are listed under.
"""

from __future__ import annotations

import os.path
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from seedreader.documents import Document, Library
from seedreader.pathnames import show_path
from seedreader.state import Place, ReadingState, find_place, make_quote, percent, read_fraction
from seedreader.ui.widgets.panel_list import PanelList


@dataclass(frozen=True)
class LibraryEntry:
    """What the panel shows of one document."""

    document: Document
    label: str
    """The name shown: the path below the folder the library shares."""
    lines: int | None
    read: float
    """Fraction read, 0..1."""


def labels_of(library: Library) -> dict[Path, str]:
    """Each document's path relative to the folder all of them share ("fortunes/art")."""
    paths = [str(document.path) for document in library]
    if len(paths) < 2:
        common = str(Path(paths[0]).parent) + "/" if paths else ""
    else:
        common = os.path.commonpath(paths).rstrip("/") + "/"
    return {document.path: str(document.path)[len(common) :] for document in library}


class LibraryPanel(PanelList):
    """Lists the documents; Enter or a click asks for one to be opened."""

    HINT = "j/k move · Enter open · Esc back"

    @dataclass
    class DocumentChosen(Message):
        """The user picked a document in the library."""

        index: int

    def __init__(self, library: Library, state: ReadingState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.state = state
        self.places: dict[str, Place] = state.all()
        self.labels = labels_of(library)
        self.current = 0
        """The document being read."""
        self._reading: tuple[int, int] | None = None
        """(last line read, line count) of the document being read, as the view shows it."""

    def label_of(self, document: Document) -> str:
        """How a document is named in lists."""
        return self.labels.get(document.path, document.name)

    def start_line(self, document: Document) -> int:
        """Where to open a document: the remembered place, found again in its text."""
        place = self.places.get(str(document.path))
        if place is None:
            return 0
        return find_place(place, document.line_count, document.line)

    def remember(self, document: Document, cursor: int, last_read: int) -> None:
        """Save where a document is being read and how far it has been read."""
        old = self.places.get(str(document.path))
        if self._reading is not None and self.library[self.current].path == document.path:
            last_read = max(last_read, self._reading[0])  # the furthest seen while it was open
        place = Place(
            line=cursor,
            quote=make_quote(document.line(cursor)),
            furthest=max(last_read, old.furthest if old else -1),
            line_count=document.line_count,
        )
        self.places[str(document.path)] = place
        self.state.save(document.path, place)

    def reading(self, index: int, last_read: int, line_count: int) -> None:
        """The document being read and how far its screen reaches (redraws its entry).

        How far it has been read only grows while it stays open.
        """
        old = self.current
        if index == old and self._reading is not None:
            last_read = max(last_read, self._reading[0])
        if (index, (last_read, line_count)) == (old, self._reading):
            return
        self.current = index
        self._reading = (last_read, line_count)
        if self.option_count == len(self.library):
            for changed in {old, index}:
                self.replace_option_prompt_at_index(changed, self._prompt(self.entry(changed)))

    def entry(self, index: int) -> LibraryEntry:
        document = self.library[index]
        place = self.places.get(str(document.path))
        furthest = place.furthest if place is not None else -1
        lines = place.line_count if place is not None else None
        if index == self.current and self._reading is not None:
            # The one being read counts what is on screen now, never less than before.
            last_read, lines = self._reading
            furthest = max(furthest, last_read)
        read = read_fraction(furthest, lines) if lines is not None else 0.0
        return LibraryEntry(document, self.label_of(document), lines, read)

    def refresh_entries(self) -> None:
        """Redraw every entry, keeping the highlight."""
        highlighted = self.highlighted
        self.clear_options()
        self.add_options([Option(self._prompt(self.entry(i))) for i in range(len(self.library))])
        if len(self.library):
            self.highlighted = self.current if highlighted is None else highlighted

    def show_current(self) -> None:
        """Move the highlight to the document being read."""
        if self.option_count:
            self.highlighted = self.current

    @staticmethod
    def _prompt(entry: LibraryEntry) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        folder, _, name = entry.label.rpartition("/")
        if folder:
            text.append(show_path(folder) + "/", style="dim")
        text.append(show_path(name))
        detail = Text(style="dim")
        if entry.lines is not None:
            detail.append(f"\n{entry.lines:,} lines")
            detail.append(f" · {percent(entry.read)}% read")
        else:
            detail.append("\nnot opened yet")
        text.append_text(detail)
        return text

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.DocumentChosen(event.option_index))
