"""The library panel: the open documents, how long they are and how much has been read.

It owns the reading places (where each document was left, how far it was read), the names
documents are listed under, and the scan that may still be adding documents to the library.

The list is virtual: it draws only the rows on screen, so a library of 10,000 documents costs
what one screenful costs, when it is built, scrolled, or redrawn after a key.
"""

from __future__ import annotations

import os.path
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import events, on, work
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import visualize
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from seedreader.documents import Document, Library, Scanner, ScanResult, Skipped
from seedreader.pathnames import show_path
from seedreader.state import Place, ReadingState, find_place, make_quote, percent, read_fraction
from seedreader.ui.keys import PANEL_KEYS, bindings
from seedreader.ui.widgets.list_moves import ARROW_BINDINGS, ListMoves
from seedreader.ui.widgets.panel_list import PanelList

ENTRY_HEIGHT = 2
"""Rows per document: its name, then its length and how much was read."""
HEADER = 1
"""Rows above the first document: how many documents there are."""
BATCH_SECONDS = 0.05
"""How long the scan's documents are gathered before the panel takes them (fewer redraws)."""
_CACHED = 512
"""Rendered entries kept (a few screens' worth)."""


@dataclass(frozen=True)
class LibraryEntry:
    """What the panel shows of one document."""

    document: Document
    label: str
    """The name shown: the path below the folder the library shares."""
    lines: int | None
    read: float
    """Fraction read, 0..1."""


def shared_prefix(paths: Iterable[str], shared: str | None = None) -> str | None:
    """The path all of `paths` (and `shared`, when given) have in common: the path itself for
    one path; None for none. Folded over batches, it is the library's common path so far."""
    every = list(paths) if shared is None else [shared, *paths]
    if not every:
        return None
    return every[0] if len(every) == 1 else os.path.commonpath(every)


def label_prefix(shared: str | None, count: int) -> str:
    """What is cut off the front of a path to name a document: the folder all share."""
    if shared is None:
        return ""
    folder = str(Path(shared).parent) if count < 2 else shared
    return folder.rstrip("/") + "/"


def labels_of(library: Library) -> dict[Path, str]:
    """Each document's path relative to the folder all of them share ("fortunes/art")."""
    prefix = label_prefix(shared_prefix(str(d.path) for d in library), len(library))
    return {document.path: str(document.path)[len(prefix) :] for document in library}


class LibraryPanel(ListMoves, ScrollView, can_focus=True):
    """Lists the documents; Enter or a click asks for one to be opened.

    It draws like an `OptionList` (the same styles) and takes the same keys as the notes list
    (`PanelList`), but renders only the entries on screen.
    """

    HINT = "j/k move · Enter open · Esc back"

    BINDINGS: ClassVar[list[BindingType]] = [
        *ARROW_BINDINGS,
        *bindings(PANEL_KEYS),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "library-panel--entry",
        "library-panel--highlighted",
        "library-panel--hover",
        "library-panel--header",
    }

    # OptionList's look, so the panel reads like the other lists.
    DEFAULT_CSS = """
    LibraryPanel {
        height: 1fr;
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .library-panel--highlighted {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .library-panel--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .library-panel--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        & > .library-panel--hover {
            background: $block-hover-background;
        }
        & > .library-panel--header {
            color: $text-muted;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, init=False)
    """The entry under the cursor (not necessarily the one being read)."""

    _hover: reactive[int | None] = reactive(None, init=False)

    @dataclass
    class DocumentChosen(Message):
        """The user picked a document in the library."""

        index: int

    @dataclass
    class Grew(Message):
        """Documents joined the library (a batch of the scan); the screen re-reads it."""

        first: int
        """The first index whose document is new or has moved; those before it are as they
        were."""

    @dataclass
    class ScanFinished(Message):
        """The scan that filled the library is over; what it passed over and its notices."""

        skipped: list[Skipped]
        notices: list[str]

    @dataclass
    class _Found(Message):
        """From the scan's worker: the next documents, and the scan's result once over."""

        documents: list[Document]
        result: ScanResult | None

    def __init__(self, library: Library, state: ReadingState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.library = library
        self.state = state
        self._places: dict[str, Place | None] = {}
        """Reading places looked up so far (None: nothing remembered), by path."""
        self._shared = shared_prefix(str(document.path) for document in library)
        self._prefix = label_prefix(self._shared, len(library))
        self.current = 0
        """The document being read."""
        self._reading: tuple[int, int] | None = None
        """(last line read, line count) of the document being read, as the view shows it."""
        self._strips: dict[int, tuple[tuple[str, int], list[Strip]]] = {}
        """Rendered entries by index, with the (state, width) they were rendered for."""
        self.entries_made = 0
        """How many entries were built to be drawn (tests check that it stays small)."""

    # -- the scan

    def on_mount(self) -> None:
        self._update_size()
        if self.library.scanner is not None:
            # After the first frame: the scan would share the interpreter with the start-up.
            self.call_after_refresh(self._follow_scan, self.library.scanner)

    def on_unmount(self) -> None:
        if self.library.scanner is not None:
            self.library.scanner.cancel()

    @work(thread=True, group="scan", exit_on_error=False)
    def _follow_scan(self, scanner: Scanner) -> None:
        scanner.resume()
        worker = get_current_worker()
        while not worker.is_cancelled:
            documents, over = scanner.next_batch(timeout=0.2, gather=BATCH_SECONDS)
            if documents or over:
                self.post_message(self._Found(documents, scanner.result if over else None))
            if over:
                return
        scanner.cancel()

    @on(_Found)
    def _found(self, event: _Found) -> None:
        event.stop()
        self.add(event.documents, event.result)

    def add(self, documents: list[Document], result: ScanResult | None = None) -> int | None:
        """Put documents in the library (a scan's batch, or files opened from inside the app)
        and say so with `Grew`; returns the first index that is new or moved, as
        `Library.add` does."""
        library = self.library
        reading = library[self.current] if self.current < len(library) else None
        chosen = self.highlighted
        marked = library[chosen] if chosen is not None and chosen < len(library) else None
        first = library.add(documents)
        if first is not None:
            shared = shared_prefix((str(d.path) for d in documents), self._shared)
            prefix = label_prefix(shared, len(library))
            self._shared = shared
            if prefix != self._prefix:
                self._prefix = prefix
                self._strips.clear()
            self._strips = {i: s for i, s in self._strips.items() if i < first}
            # Documents that sort before them move the ones being read and highlighted.
            if reading is not None:
                self.current = library.position(reading.path) or 0
            if marked is not None and chosen is not None and chosen >= first:
                self.highlighted = library.position(marked.path)
        if result is not None:
            library.finish(result)
        self._update_size()
        self.refresh()
        if first is not None:
            self.post_message(self.Grew(first))
        if result is not None:
            self.post_message(self.ScanFinished(list(library.skipped), result.notices))
        return first

    # -- names and places

    @property
    def labels(self) -> dict[Path, str]:
        """Every document's name in lists, by path."""
        return {document.path: self.label_of(document) for document in self.library}

    def label_of(self, document: Document) -> str:
        """How a document is named in lists: its path below the folder all of them share."""
        path = str(document.path)
        if self._prefix and path.startswith(self._prefix):
            return path[len(self._prefix) :]
        return document.name

    def _place(self, document: Document) -> Place | None:
        key = str(document.path)
        if key not in self._places:
            self._places[key] = self.state.get(document.path)
        return self._places[key]

    def start_line(self, document: Document) -> int:
        """Where to open a document: the remembered place, found again in its text."""
        place = self._place(document)
        if place is None:
            return 0
        return find_place(place, document.line_count, document.line)

    def remember(self, document: Document, cursor: int, last_read: int) -> None:
        """Save where a document is being read and how far it has been read."""
        old = self._place(document)
        current = self.library[self.current] if self.current < len(self.library) else None
        if self._reading is not None and current is not None and current.path == document.path:
            last_read = max(last_read, self._reading[0])  # the furthest seen while it was open
        place = Place(
            line=cursor,
            quote=make_quote(document.line(cursor)),
            furthest=max(last_read, old.furthest if old else -1),
            line_count=document.line_count,
        )
        self._places[str(document.path)] = place
        self.state.save(document.path, place)
        index = self.library.position(document.path)
        if index is not None:
            self._redraw(index)

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
        for changed in {old, index}:
            self._redraw(changed)

    def entry(self, index: int) -> LibraryEntry:
        document = self.library[index]
        place = self._place(document)
        furthest = place.furthest if place is not None else -1
        lines = place.line_count if place is not None else None
        if index == self.current and self._reading is not None:
            # The one being read counts what is on screen now, never less than before.
            last_read, lines = self._reading
            furthest = max(furthest, last_read)
        read = read_fraction(furthest, lines) if lines is not None else 0.0
        return LibraryEntry(document, self.label_of(document), lines, read)

    def prompt_at(self, index: int) -> Text:
        """What entry `index` shows."""
        return self._prompt(self.entry(index))

    def get_option_at_index(self, index: int) -> Option:
        """Entry `index` as an `OptionList` option (as the notes list gives its items)."""
        return Option(self.prompt_at(index))

    @property
    def option_count(self) -> int:
        return len(self.library)

    def refresh_entries(self) -> None:
        """Redraw every entry (they are built again as they come on screen), keeping the
        highlight."""
        self._strips.clear()
        self._update_size()
        if len(self.library) and self.highlighted is None:
            self.highlighted = self.current
        self.refresh()

    def show_current(self) -> None:
        """Move the highlight to the document being read."""
        if len(self.library):
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

    def header(self) -> str:
        """The line above the entries: how many documents, and "…" while the scan goes on."""
        count = len(self.library)
        noun = "document" if count == 1 else "documents"
        return f"{count:,} {noun}" + ("" if self.library.is_complete else "…")

    # -- drawing

    def _update_size(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, HEADER + ENTRY_HEIGHT * len(self.library))

    def _on_resize(self, event: events.Resize) -> None:
        self._update_size()  # rendered entries are kept by width: no need to forget them

    def on_show(self) -> None:
        self._update_size()
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def _redraw(self, index: int) -> None:
        self._strips.pop(index, None)
        self.refresh_lines(HEADER + ENTRY_HEIGHT * index, ENTRY_HEIGHT)

    def render_line(self, y: int) -> Strip:
        line = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if line < HEADER:
            style = self.get_visual_style("library-panel--header").rich_style
            return Strip([Segment(self.header()[:width].ljust(width), style)], width)
        index, row = divmod(line - HEADER, ENTRY_HEIGHT)
        if index >= len(self.library):
            return Strip.blank(width, self.get_visual_style("library-panel--entry").rich_style)
        strips = self._entry_strips(index, width)
        return strips[row] if row < len(strips) else Strip.blank(width)

    def _entry_strips(self, index: int, width: int) -> list[Strip]:
        if index == self.highlighted:
            state = "library-panel--highlighted"
        elif index == self._hover:
            state = "library-panel--hover"
        else:
            state = ""
        cached = self._strips.get(index)
        if cached is not None and cached[0] == (state, width):
            return cached[1]
        self.entries_made += 1
        if state:
            style = self.get_visual_style("library-panel--entry", state)
        else:
            style = self.get_visual_style("library-panel--entry")
        prompt = self.prompt_at(index)
        visual = visualize(self, prompt, markup=False)
        meta = {"entry": index}
        strips = [
            strip.extend_cell_length(width, style.rich_style).apply_meta(meta)
            for strip in visual.to_strips(self, visual, width, None, style)
        ][:ENTRY_HEIGHT]
        while len(strips) < ENTRY_HEIGHT:
            strips.append(Strip([Segment(" " * width, style.rich_style)], width))
        if len(self._strips) >= _CACHED:
            self._strips.clear()
        self._strips[index] = ((state, width), strips)
        return strips

    # -- the highlight

    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not len(self.library):
            return None
        return min(max(highlighted, 0), len(self.library) - 1)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self._strips.pop(index, None)
        self.scroll_to_highlight()
        self.refresh()

    def watch__hover(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None:
                self._redraw(index)

    def scroll_to_highlight(self) -> None:
        """Bring the highlighted entry on screen (the first one with the count above it)."""
        index = self.highlighted
        if index is None or not self.is_mounted:
            return
        self._update_size()
        top = HEADER + ENTRY_HEIGHT * index
        region = Region(0, top, 1, ENTRY_HEIGHT) if index else Region(0, 0, 1, top + ENTRY_HEIGHT)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    @property
    def entry_count(self) -> int:
        return len(self.library)

    def page_size(self) -> int:
        return max(1, self.scrollable_content_region.height // ENTRY_HEIGHT)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.DocumentChosen(self.highlighted))

    def action_leave(self) -> None:
        self.post_message(PanelList.Left())

    # -- the mouse

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover = event.style.meta.get("entry")

    def _on_leave(self, _: events.Leave) -> None:
        self._hover = None

    async def _on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("entry")
        if index is not None:
            self.highlighted = index
            self.action_select()
