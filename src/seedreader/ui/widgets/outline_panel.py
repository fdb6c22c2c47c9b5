"""The outline panel: the document's headings, indented by level, the current one marked.

Typing in its filter ranks the headings as the document picker ranks names (`fuzzy_rank`);
Enter or a click asks the screen to jump (`OutlinePanel.Chosen`). The list is virtual, one row
per heading drawn only when on screen, so marking the current section as the cursor moves
costs two rows, even for the 20,000 headings an outline may have.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, overload

from rapidfuzz import fuzz
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from seedreader.documents import Document
from seedreader.fuzzy import fuzzy_rank
from seedreader.outline import (
    HeadingLike,
    Section,
    detect_outline,
    markdown_outline,
    section_index,
)
from seedreader.ui.keys import PANEL_KEYS, bindings
from seedreader.ui.widgets.list_moves import ARROW_BINDINGS, ListMoves

MARK = "▶ "
"""Drawn before the heading of the section the cursor is in (two cells, like the gap)."""
INDENT = 2
"""Cells per level below the top."""
MAX_INDENT_LEVEL = 6
FILTER_LIMIT = 300
"""Best matches listed for a filter."""
FILTER_CUTOFF = 50
"""Lowest rapidfuzz score listed (the picker's)."""
FINDING = "Finding headings…"
NO_HEADINGS = "No headings found in this document"
NO_MATCH = "No heading matches"
LARGE_OUTLINE_LINES = 4_000_000
"""A larger file is outlined this far (about 200 MB of text)."""


def row_text(section: Section, width: int) -> str:
    """A heading as its row shows it (after the two-cell mark column): indented by level and
    cut with "…" to `width` cells, padded to it. Never wrapped."""
    indent = " " * (INDENT * (min(section.level, MAX_INDENT_LEVEL) - 1))
    text = indent + section.title
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class OutlineList(ListMoves, ScrollView, can_focus=True):
    """The headings shown (all, or those matching the filter), one row each.

    It takes the keys of the other panel lists (j/k/g/G, Enter, Esc and Tab back) and draws
    like an `OptionList`; `OutlinePanel` gives it its rows and the section to mark.
    """

    HINT = "j/k move · Enter go · type in the filter · Esc back"

    BINDINGS: ClassVar[list[BindingType]] = [
        *ARROW_BINDINGS,
        # Before the panel keys (the first binding of a key wins): Tab leaves even with a
        # filter typed, which Esc clears first.
        Binding("tab", "leave(True)", show=False),
        *bindings(PANEL_KEYS),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "outline-list--entry",
        "outline-list--highlighted",
        "outline-list--current",
        "outline-list--mark",
    }

    DEFAULT_CSS = """
    OutlineList {
        height: 1fr;
        color: $foreground;
        overflow-x: hidden;
        background: $surface;
        & > .outline-list--highlighted {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .outline-list--highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .outline-list--current {
            text-style: bold;
        }
        & > .outline-list--mark {
            color: $accent;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, init=False)
    """The row under the cursor (an index into `rows`)."""

    @dataclass
    class Selected(Message):
        """Enter or a click on row `row`."""

        row: int

    @dataclass
    class Leave(Message):
        """Esc or Tab in the list."""

        now: bool = False
        """Tab: back to the document at once (Esc clears a typed filter first)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: Sequence[Section] = ()
        self.rows: list[int] = []
        """The sections shown, as indexes into `sections`, top to bottom."""
        self.current: int | None = None
        """The section the reader's cursor is in (index into `sections`)."""
        self._strips: dict[int, tuple[tuple[bool, bool, int], Strip]] = {}
        """Rendered rows by row index, with the (highlighted, current, width) drawn for."""
        self.rows_drawn = 0
        """How many rows were rendered (tests check that marking stays cheap)."""

    def show_rows(self, sections: Sequence[Section], rows: list[int]) -> None:
        """List `rows` of `sections`; the highlight goes to the first row."""
        self.sections = sections
        self.rows = rows
        self._strips.clear()
        self._update_size()
        self.set_reactive(OutlineList.highlighted, 0 if rows else None)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def mark(self, current: int | None) -> None:
        """Mark section `current` (redraws the rows of the old and the new one only)."""
        old, self.current = self.current, current
        if old == current:
            return
        for section in (old, current):
            row = self.row_of(section)
            if row is not None:
                self._strips.pop(row, None)
                self.refresh_lines(row, 1)

    def row_of(self, section: int | None) -> int | None:
        """The row showing section `section`, if it is shown."""
        if section is None or not self.rows:
            return None
        if section < len(self.rows) and self.rows[section] == section:
            return section  # not filtered: rows are the sections in document order
        try:
            return self.rows.index(section)
        except ValueError:
            return None

    # -- drawing

    def _update_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    def _on_resize(self, event: events.Resize) -> None:
        self._update_size()

    def on_show(self) -> None:
        self._update_size()
        self.scroll_to_highlight()

    def notify_style_update(self) -> None:
        self._strips.clear()
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= len(self.rows):
            return Strip.blank(width, self.get_visual_style("outline-list--entry").rich_style)
        index = self.rows[row]
        key = (row == self.highlighted, index == self.current, width)
        cached = self._strips.get(row)
        if cached is not None and cached[0] == key:
            return cached[1]
        strip = self._render_row(row, index, key)
        if len(self._strips) > 512:
            self._strips.clear()
        self._strips[row] = (key, strip)
        return strip

    def _render_row(self, row: int, index: int, key: tuple[bool, bool, int]) -> Strip:
        highlighted, current, width = key
        self.rows_drawn += 1
        classes = ["outline-list--highlighted"] if highlighted else []
        if current:
            classes.append("outline-list--current")
        style = self.get_visual_style("outline-list--entry", *classes).rich_style
        mark_style = style + self.get_visual_style("outline-list--mark").rich_style
        mark = MARK if current else " " * len(MARK)
        mark = set_cell_size(mark, min(width, len(MARK)))
        title = row_text(self.sections[index], width - len(mark))
        # A title is document text: drawn as a plain segment, never parsed as markup.
        segments = [Segment(mark, mark_style), Segment(title, style)]
        return Strip(segments, width).apply_meta({"row": row})

    # -- the highlight

    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self.rows:
            return None
        return min(max(highlighted, 0), len(self.rows) - 1)

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for row in (old, new):
            if row is not None:
                self._strips.pop(row, None)
                self.refresh_lines(row, 1)
        self.scroll_to_highlight()

    def scroll_to_highlight(self) -> None:
        """Bring the highlighted row on screen."""
        row = self.highlighted
        if row is None or not self.is_mounted:
            return
        self._update_size()
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, force=True, immediate=True)

    @property
    def entry_count(self) -> int:
        return len(self.rows)

    def page_size(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def action_leave(self, now: bool = False) -> None:
        self.post_message(self.Leave(now))

    async def _on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if row is not None:
            self.highlighted = row
            self.action_select()


class _Lines(Sequence[str]):
    """A large document's lines, read as asked for rather than held in one list (a gigabyte
    has twenty million); the outline of the first `LARGE_OUTLINE_LINES` only."""

    def __init__(self, document: Document) -> None:
        self._document = document
        self._count = min(document.line_count, LARGE_OUTLINE_LINES)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            if step == 1:
                return self._document.lines(start, stop)
            return [self._document.line(i) for i in range(start, stop, step)]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._document.line(index)


class OutlinePanel(Vertical):
    """The headings of the document being read, with a filter above them.

    The screen gives it the sections (`set_sections`, None while they are being found) and the
    cursor line (`set_current`); it answers with `Chosen` (go to a heading) and `Left` (back to
    the document; the panel stays).
    """

    HINT = "type to filter · ↑↓ move · Enter go · Esc back"

    BINDINGS: ClassVar[list[BindingType]] = [
        # Keys of the filter field: the list moves while the text is typed.
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("escape", "back", show=False),
        Binding("tab", "leave", show=False),
    ]

    DEFAULT_CSS = """
    OutlinePanel {
        width: 32;
        max-width: 30%;
        height: 1fr;
        border-right: vkey $panel-lighten-1;
        background: $surface;
        &:focus-within {
            border-right: outer $primary;
        }
        & > #outline-title {
            height: 1;
            padding: 0 1;
            background: $panel;
        }
        &:focus-within > #outline-title {
            background: $primary 40%;
        }
        & > #outline-filter {
            height: 1;
            border: none;
            padding: 0 1;
        }
        & > #outline-message {
            height: auto;
            padding: 1 1;
            color: $text-muted;
        }
    }
    """

    @dataclass
    class Chosen(Message):
        """The user picked a heading: go to its line."""

        line: int

    class Left(Message):
        """The user asked to go back to the document (Esc or Tab); the panel stays."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sections: list[Section] | None = None
        """None while the headings are still being found."""
        self._titles: list[str] = []
        self._current_line: int | None = None
        self._document: Document | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="outline-title")
        yield Input(placeholder="Filter headings", id="outline-filter")
        yield Static(FINDING, id="outline-message")
        yield OutlineList(id="outline-list")

    def on_mount(self) -> None:
        self._show_state()

    @property
    def _list(self) -> OutlineList:
        return self.query_one(OutlineList)

    @property
    def _filter(self) -> Input:
        return self.query_one("#outline-filter", Input)

    # -- what the screen calls

    def show_document(
        self, document: Document, headings: Sequence[HeadingLike] | None, rendered: bool
    ) -> None:
        """Outline `document`: a Markdown render's headings when given (`rendered`: they
        follow once its render is whole), else the headings the plain-text detector finds, in
        a thread (the panel says "Finding headings…" meanwhile)."""
        self.workers.cancel_group(self, "outline")
        self._document = document
        if headings is not None:
            self.set_sections(markdown_outline(headings))
        elif rendered:
            self.set_sections(None)  # the render's headings follow (`show_document` again)
        else:
            self.set_sections(None)
            self._detect(document)

    @work(thread=True, exclusive=True, group="outline", exit_on_error=False)
    def _detect(self, document: Document) -> None:
        worker = get_current_worker()
        if not document.is_indexed:
            # A large file's lines are known once its index is done.
            while not document.is_indexed and not worker.is_cancelled:
                time.sleep(0.2)
        lines: Sequence[str] = document.lines() if not document.is_large else _Lines(document)
        sections = detect_outline(lines, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._detected, document, sections)

    def _detected(self, document: Document, sections: list[Section]) -> None:
        if document is self._document:
            self.set_sections(sections)

    def section_title(self, line: int) -> str | None:
        """The title of the section source line `line` is in (for the status bar)."""
        sections = self.sections
        if not sections:
            return None
        index = section_index(sections, line)
        return None if index is None else sections[index].title

    def set_sections(self, sections: Sequence[Section] | None) -> None:
        """The document's headings; None while they are still being found, [] when it has
        none (the panel says so)."""
        self.sections = None if sections is None else list(sections)
        self._titles = [section.title for section in self.sections or ()]
        self._list.current = None
        self._refresh_rows(self._filter.value)
        if self._current_line is not None:
            self.set_current(self._current_line)

    def set_current(self, line: int) -> None:
        """Mark the section `line` is in and, unless a filter is typed or the list is being
        browsed, highlight it and keep it in view. Cheap: called on every cursor move."""
        self._current_line = line
        if not self.sections:
            return
        current = section_index(self.sections, line)
        outline = self._list
        if current == outline.current:
            return
        outline.mark(current)
        if current is not None and not self._filter.value and not outline.has_focus:
            outline.highlighted = current

    def focus_filter(self) -> None:
        """Give the keys to the filter field (what the panel's key opens with)."""
        self._filter.focus()

    @property
    def current_section(self) -> Section | None:
        """The section the cursor is in (its title is what the status bar shows)."""
        current = self._list.current
        return self.sections[current] if self.sections and current is not None else None

    # -- filtering

    @on(Input.Changed, "#outline-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._refresh_rows(event.value)

    def _refresh_rows(self, query: str) -> None:
        titles = self._titles
        if not query.strip():
            rows = fuzzy_rank(query, titles, fuzz.WRatio, FILTER_CUTOFF, len(titles))
        else:
            # A title much shorter than the query ("A", a glossary's letter) is inside nearly
            # every query as far as partial matching goes: it is left out (its index kept).
            least = len(query.strip()) // 2
            choices = [title if len(title) >= least else "" for title in titles]
            rows = fuzzy_rank(query, choices, fuzz.WRatio, FILTER_CUTOFF, FILTER_LIMIT)
        outline = self._list
        outline.show_rows(self.sections or (), rows)
        current = outline.current
        if not query.strip() and current is not None:
            outline.highlighted = current
        self._show_state()

    def _show_state(self) -> None:
        """The title (how many headings) and the message standing in for an empty list."""
        sections = self.sections
        shown = len(self._list.rows)
        title = Text("Outline", style="bold", no_wrap=True, overflow="ellipsis")
        if sections:
            count = len(sections)
            if self._filter.value.strip():
                title.append(f" · {shown:,} of {count:,}", style="dim")
            else:
                title.append(f" · {count:,} heading{'s' if count != 1 else ''}", style="dim")
        self.query_one("#outline-title", Static).update(title)
        if sections is None:
            message = FINDING
        elif not sections:
            message = NO_HEADINGS
        elif not shown:
            message = NO_MATCH
        else:
            message = ""
        widget = self.query_one("#outline-message", Static)
        widget.update(Text(message))
        widget.display = bool(message)

    # -- keys and choices

    def action_move(self, step: int) -> None:
        outline = self._list
        if outline.rows:
            start = outline.highlighted if outline.highlighted is not None else -step
            outline.highlighted = start + step

    def action_page(self, direction: int) -> None:
        outline = self._list
        if outline.rows:
            outline.highlighted = (outline.highlighted or 0) + direction * outline.page_size()

    def action_back(self) -> None:
        """Esc: clear a typed filter first, then go back to the document."""
        field = self._filter
        if field.value:
            field.value = ""  # Input.Changed lists every heading again
        else:
            self.post_message(self.Left())

    def action_leave(self) -> None:
        self.post_message(self.Left())

    @on(Input.Submitted, "#outline-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        outline = self._list
        if outline.highlighted is not None:
            self._choose(outline.highlighted)

    @on(OutlineList.Selected)
    def _selected(self, event: OutlineList.Selected) -> None:
        event.stop()
        self._choose(event.row)

    @on(OutlineList.Leave)
    def _list_left(self, event: OutlineList.Leave) -> None:
        event.stop()
        if event.now:
            self.action_leave()
        else:
            self.action_back()

    def _choose(self, row: int) -> None:
        outline = self._list
        if self.sections and 0 <= row < len(outline.rows):
            self.post_message(self.Chosen(self.sections[outline.rows[row]].line))
