"""The document pane: a virtualized, soft-wrapped view of one document with a cursor line."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import get_current_worker

if TYPE_CHECKING:
    from seedreader.markdown import DisplayLine, Heading, Rendered

from seedreader.documents import Document, sanitize
from seedreader.state import percent, read_fraction
from seedreader.ui.keys import DOCUMENT_KEYS, PLACE_KEYS, bindings
from seedreader.ui.widgets.worker_errors import ReportsWorkerErrors
from seedreader.wrap import hanging_indent, text_cells, usable_indent, wrap_ranges

READING_WIDTH = 100
"""Widest text column by default, in cells: longer lines are hard to read."""
WIDTH_STEP = 10
MIN_READING_WIDTH = 30
MAX_READING_WIDTH = 400
GUTTER = 2
"""Cells left of the text: note marker and a space."""
MARKDOWN_LIMIT = 8 * 1024 * 1024
"""Markdown larger than this (a file read in chunks) is shown as its source."""
FIRST_RENDER_LINES = 400
"""A long Markdown file is first rendered this far past the place it opens at (or not at all
when that place is far in), the rest shown as source until the whole render is done."""
QUICK_RENDER_LINES = 3000
"""Markdown this short is rendered at once."""


@dataclass(frozen=True)
class Row:
    """One screen row: part of a line (of a display line, for rendered Markdown)."""

    line: int
    sub: int
    start: int
    end: int


class DocumentView(ReportsWorkerErrors, Widget, can_focus=True):
    """Shows a document through the Line API: only the rows on screen are ever rendered.

    Scrolling is by (line, wrapped row) rather than by pixel rows, so a 2-million-line file
    needs no layout of lines that are not on screen. The right-most column is an overview
    bar: where the view is in the whole document, and where search hits and notes fall.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings(DOCUMENT_KEYS + PLACE_KEYS)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "document-view--cursor",
        "document-view--selection",
        "document-view--match",
        "document-view--current-match",
        "document-view--gutter",
        "document-view--note-marker",
        "document-view--bar",
        "document-view--bar-thumb",
        "document-view--bar-hit",
        "document-view--bar-note",
        "document-view--h1",
        "document-view--h2",
        "document-view--h3",
        "document-view--strong",
        "document-view--em",
        "document-view--code",
        "document-view--codeblock",
        "document-view--quote",
        "document-view--marker",
        "document-view--link",
        "document-view--rule",
        "document-view--empty",
        "document-view--strike",
        "document-view--image",
        "document-view--table-border",
        "document-view--table-header",
        "document-view--task-done",
        "document-view--footnote",
        "document-view--html",
        "document-view--line-number",
    }

    DEFAULT_CSS = """
    DocumentView {
        background: $surface;
        color: $foreground;
        height: 1fr;
        width: 1fr;
    }
    DocumentView > .document-view--cursor { background: $boost; }
    DocumentView:focus > .document-view--cursor { background: $primary 20%; }
    DocumentView > .document-view--selection { background: $accent 30%; }
    DocumentView > .document-view--match { background: $warning 40%; text-style: bold; }
    DocumentView > .document-view--current-match {
        background: $warning; color: $background; text-style: bold;
    }
    DocumentView > .document-view--gutter { color: $foreground-muted; }
    DocumentView > .document-view--note-marker { color: $accent; text-style: bold; }
    DocumentView > .document-view--bar { color: $panel-lighten-2; background: $surface; }
    DocumentView > .document-view--bar-thumb { color: $primary; background: $surface; }
    DocumentView > .document-view--bar-hit { color: $warning; background: $surface; }
    DocumentView > .document-view--bar-note { color: $accent; background: $surface; }
    DocumentView > .document-view--h1 {
        color: $text-primary; background: $primary 15%; text-style: bold;
    }
    DocumentView > .document-view--h2 { color: $text-primary; text-style: bold underline; }
    DocumentView > .document-view--h3 { color: $text-secondary; text-style: bold; }
    DocumentView > .document-view--strong { text-style: bold; }
    DocumentView > .document-view--em { text-style: italic; }
    DocumentView > .document-view--strike { text-style: strike; }
    DocumentView > .document-view--code { color: $text-accent; background: $boost; }
    DocumentView > .document-view--codeblock { background: $boost; }
    DocumentView > .document-view--image { color: $foreground-muted; text-style: italic; }
    DocumentView > .document-view--table-border { color: $foreground-muted; }
    DocumentView > .document-view--table-header { color: $text-primary; text-style: bold; }
    DocumentView > .document-view--task-done { color: $foreground-muted; text-style: strike; }
    DocumentView > .document-view--footnote { color: $text-secondary; }
    DocumentView > .document-view--html { color: $foreground-muted; }
    DocumentView > .document-view--line-number { color: $foreground-muted; }
    DocumentView > .document-view--quote { color: $foreground-muted; text-style: italic; }
    DocumentView > .document-view--marker { color: $foreground-muted; }
    DocumentView > .document-view--link { color: $text-secondary; text-style: underline; }
    DocumentView > .document-view--rule { color: $foreground-muted; }
    DocumentView > .document-view--empty { color: $foreground-muted; text-style: italic; }
    """

    class CursorMoved(Message):
        """The cursor line or the view moved."""

        def __init__(self, view: DocumentView) -> None:
            super().__init__()
            self.view = view

    class SettingsChanged(Message):
        """Wrapping or the reading width changed (a choice to remember)."""

    class Cleared(Message):
        """Esc in the pane: the selection and the search highlights were cleared."""

    class LinkClicked(Message):
        """A Markdown link was clicked."""

        def __init__(self, target: str) -> None:
            super().__init__()
            self.target = target

    class Structured(Message):
        """A Markdown document's render is complete: its headings are known."""

        def __init__(self, view: DocumentView, headings: tuple[Heading, ...]) -> None:
            super().__init__()
            self.view = view
            self.headings = headings

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: Document | None = None
        self.cursor = 0
        """The 0-based cursor line (display line of rendered Markdown: see `cursor_line`)."""
        self.top = 0
        """The first line on screen (display line of rendered Markdown)."""
        self.top_sub = 0
        """The first wrapped row of `top` that is on screen."""
        self.x_offset = 0
        """Horizontal scroll, in characters, when wrapping is off."""
        self.wrap = True
        self.reading_width = READING_WIDTH
        """Widest text column, in cells."""
        self.narrow_width = READING_WIDTH
        """The reading width to go back to from full width."""
        self._wider: int | None = None
        """The reading width before `-` narrowed a column shown narrower than it."""
        self.line_numbers = False
        """Whether a column shows each line's number."""
        self.source_view = False
        """Markdown shown as its source rather than rendered."""
        self.indexing: float | None = None
        """How much of a large document's line index is built, while it is being built."""
        self.selection_anchor: int | None = None
        """The first line of a line selection, when one is being made."""
        self.goto_buffer: str | None = None
        """The digits typed after `:`, while a line number is being typed."""
        self.matches: dict[int, list[tuple[int, int]]] = {}
        """Search match spans (source columns) by line."""
        self.current_match: tuple[int, int, int] | None = None
        """(line, start, end) of the hit the user is on."""
        self.hit_lines: list[int] = []
        self.note_lines: set[int] = set()
        self._markdown: Rendered | None = None
        """The Markdown document's render (a part of it, the rest as source, until the whole
        render is done)."""
        self._bar_hits: list[int] = []
        """`hit_lines` as lines of the view (display lines of rendered Markdown)."""
        self._bar_notes: list[int] = []
        """`note_lines` as lines of the view, sorted."""
        self._token_styles: dict[str, Style] = {}
        self._syntax_theme: tuple[str, Any] | None = None
        self._wraps: OrderedDict[int, Sequence[tuple[int, int]]] = OrderedDict()
        self._display_cache: OrderedDict[int, str] = OrderedDict()
        self._strips: OrderedDict[tuple[int, int, bool, bool], Strip] = OrderedDict()
        self._layout: list[Row] | None = None
        self._wrap_width = 0
        self._pending_end = False
        self._pending_line: int | None = None
        """A line asked for (`:N`, a search hit, a note) that the index has not reached yet."""
        self._press_line: int | None = None
        """The line a mouse button went down on, while it is held."""

    # -- content

    def show(self, document: Document, line: int = 0, top: int | None = None) -> None:
        """Show `document` with the cursor on source line `line` (and `top` as first line if
        given)."""
        self.document = document
        self._markdown = None
        self.workers.cancel_group(self, "markdown")
        if self.is_markdown:
            self._start_render(document, line)
        if self._rendered is not None:
            line = self._rendered.display_of(line)
            top = None if top is None else self._rendered.display_of(top)
        self.matches = {}
        self.current_match = None
        self.hit_lines = []
        self._bar_hits = []
        self.note_lines = set()
        self._bar_notes = []
        self.selection_anchor = None
        self.x_offset = 0
        self._pending_end = False
        self._pending_line = None
        self._invalidate(wraps=True)
        self.indexing = None
        if not document.is_indexed:
            self.indexing = 0.0
            self._index_lines(document)
        self.cursor = self._clamp(line)
        if top is None:
            top = max(self.cursor - max(self.size.height // 3, 0), 0)
        self.top = self._clamp(top)
        self.top_sub = 0
        self._ensure_cursor_visible()
        self._changed()

    @property
    def is_markdown(self) -> bool:
        """Whether the document is Markdown that is shown rendered (unless `source_view`)."""
        document = self.document
        return (
            document is not None
            and document.is_markdown
            and not document.is_large
            and document.size <= MARKDOWN_LIMIT
        )

    @property
    def _rendered(self) -> Rendered | None:
        """The render the view shows, when it shows one (not the source)."""
        return None if self.source_view else self._markdown

    @property
    def headings(self) -> tuple[Heading, ...] | None:
        """The Markdown document's headings, once its render is complete."""
        markdown = self._markdown
        document = self.document
        if markdown is None or document is None or markdown.source_count < document.line_count:
            return None
        return markdown.headings

    def _start_render(self, document: Document, line: int) -> None:
        """Render Markdown: a short file at once; a long one as far as the first screen needs
        (the rest shown as source meanwhile) and the whole in a thread."""
        from seedreader.markdown import render_markdown  # markdown-it is slow to import

        lines = document.lines()
        if len(lines) <= QUICK_RENDER_LINES:
            self._markdown = render_markdown(lines)
            return
        stop = line + FIRST_RENDER_LINES if line < QUICK_RENDER_LINES else 0
        self._markdown = render_markdown(lines, stop=stop)
        # After the first frame: the thread would share the interpreter with the start-up.
        self.call_after_refresh(self._render_all, document, lines)

    @work(thread=True, exclusive=True, group="markdown", exit_on_error=False)
    def _render_all(self, document: Document, lines: list[str]) -> None:
        from seedreader.markdown import render_markdown

        rendered = render_markdown(lines)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._render_done, document, rendered)

    def _render_done(self, document: Document, rendered: Rendered) -> None:
        if document is not self.document:
            return
        self._swap_lines(lambda: setattr(self, "_markdown", rendered))
        self.post_message(self.Structured(self, rendered.headings))

    def _swap_lines(self, change: Callable[[], None]) -> None:
        """Change what the view's lines are (rendered or source), keeping the same source
        lines under the cursor and at the top."""
        cursor, top = self.cursor_line, self.source_line_of(self.top)
        anchor = None
        if self.selection_anchor is not None:
            anchor = self.source_line_of(self.selection_anchor)
        change()
        rendered = self._rendered
        to_view = rendered.display_of if rendered is not None else (lambda line: line)
        self.cursor = self._clamp(to_view(cursor))
        self.top, self.top_sub = self._clamp(to_view(top)), 0
        if anchor is not None:
            self.selection_anchor = to_view(anchor)
        self._bar_hits = self._to_view_lines(self.hit_lines)
        self._bar_notes = self._to_view_lines(sorted(self.note_lines))
        self._invalidate(wraps=True)
        self._ensure_cursor_visible()
        self._changed()

    def action_toggle_source(self) -> None:
        if not self.is_markdown:
            self.app.notify("Only Markdown has a source view: this document is shown as it is.")
            return
        self._swap_lines(lambda: setattr(self, "source_view", not self.source_view))
        self.app.notify("Markdown source" if self.source_view else "Markdown rendered", timeout=1.5)
        self.post_message(self.SettingsChanged())

    # -- source lines and the view's lines

    def source_line_of(self, index: int) -> int:
        """The source line a line of the view shows (the first, for a display line)."""
        rendered = self._rendered
        if rendered is None or not rendered.lines:
            return index
        return rendered.lines[min(max(index, 0), len(rendered.lines) - 1)].line

    def _last_source_of(self, index: int) -> int:
        rendered = self._rendered
        if rendered is None or not rendered.lines:
            return index
        return rendered.lines[min(max(index, 0), len(rendered.lines) - 1)].last

    def _to_view_lines(self, lines: list[int]) -> list[int]:
        rendered = self._rendered
        if rendered is None:
            return lines
        return sorted({rendered.display_of(line) for line in lines})

    @property
    def cursor_line(self) -> int:
        """The source line the cursor is on (the first of its display line)."""
        return self.source_line_of(self.cursor)

    @property
    def top_line(self) -> int:
        """The source line at the top of the screen."""
        return self.source_line_of(self.top)

    def restore(self, line: int, top: int) -> None:
        """Go back to a place left: the cursor on source line `line`, `top` first on screen."""
        rendered = self._rendered
        self.top = rendered.display_of(top) if rendered is not None else top
        self.top_sub = 0
        self.move_cursor(line)

    def anchor_line(self, anchor: str) -> int | None:
        """The source line of a heading's `#anchor` in rendered Markdown."""
        if self._markdown is None:
            return None
        return self._markdown.anchors.get(anchor.lower())

    @work(thread=True, exclusive=True, group="line-index", exit_on_error=False)
    def _index_lines(self, document: Document) -> None:
        """Index a large document's lines in the background, reporting progress."""
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.25:
                last = now
                self.app.call_from_thread(self._lines_indexed, document, done / max(total, 1))

        document.index_lines(progress, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._lines_indexed, document, 1.0)

    def _lines_indexed(self, document: Document, fraction: float) -> None:
        if document is not self.document:
            return
        self.indexing = None if fraction >= 1.0 else fraction
        self.lines_grew()

    def lines_grew(self) -> None:
        """The document's line index grew (a large file is still being indexed)."""
        self._layout = None
        self._wraps.clear()  # rows measured while a line was not yet read are stale
        self._strips.clear()
        self._sync()
        document = self.document
        if self._pending_end and document is not None and document.is_indexed:
            self._pending_end = False
            self.action_last_line()
            return
        pending = self._pending_line
        if pending is not None and document is not None and self._knows(pending):
            self._pending_line = None
            self._go(pending, centre=True)
            return
        self.refresh()
        self._changed()

    def _sync(self) -> None:
        """Take up a change of the tail's line numbers (estimated, then exact) with the same
        text on screen: every place in the tail moves by the same shift."""
        if self.document is None:
            return
        shift, first = self.document.sync_tail()
        if not shift:
            return
        if self.cursor >= first:
            self.cursor += shift
        if self.top >= first:
            self.top += shift
        if self.selection_anchor is not None and self.selection_anchor >= first:
            self.selection_anchor += shift
        if self._press_line is not None and self._press_line >= first:
            self._press_line += shift
        self._invalidate(wraps=True)
        self._changed()

    def _knows(self, line: int) -> bool:
        """Whether line `line` of the file (an exact number) can be found now."""
        document = self.document
        if document is None:
            return False
        return document.is_indexed or line < document.line_count or document.tail_is_exact

    @property
    def line_count(self) -> int:
        """Lines of the view: in view numbering (with a large file's end read before its index
        is done, up to that end, its numbers estimated: see `Document.read_tail`), or display
        lines of rendered Markdown."""
        if self._rendered is not None:
            return len(self._rendered.lines)
        return self.document.view_line_count if self.document is not None else 0

    @property
    def place_is_exact(self) -> bool:
        """Whether the cursor's line number is that line's number in the file (not estimated)."""
        if self._rendered is not None:
            return True
        return self.document is None or self.document.view_line_is_exact(self.cursor)

    def _has(self, line: int) -> bool:
        """Whether `line` can be shown (not in the unread gap before the tail)."""
        if self._rendered is not None:
            return 0 <= line < len(self._rendered.lines)
        return self.document is not None and self.document.view_has(line)

    def _exact(self, line: int) -> bool:
        """Whether line `line` of the view has its exact number (hits and notes go there)."""
        if self._rendered is not None or self.document is None:
            return True
        return self.document.view_line_is_exact(line)

    def display_line(self, index: int) -> tuple[str, DisplayLine | None]:
        """The sanitized text shown for a line of the view, and its display line when the
        view shows rendered Markdown."""
        assert self.document is not None
        rendered = self._rendered
        if rendered is not None:
            if 0 <= index < len(rendered.lines):
                formatted = rendered.lines[index]
                return formatted.text, formatted
            return "", None
        text = self._display_cache.get(index)
        if text is None:
            text = sanitize(self.document.view_line(index))
            first, stop = self.document.view_gap()
            if first <= index < stop or index >= self.document.view_line_count:
                return text, None  # not read yet: nothing to remember
            # Cached: a row of a 50 MB line must not sanitize the whole line again.
            self._display_cache[index] = text
            if len(self._display_cache) > 512:
                self._display_cache.popitem(last=False)
        return text, None

    # -- geometry

    @property
    def _bar_x(self) -> int:
        return self.size.width - 1

    @property
    def _gutter(self) -> int:
        """Cells left of the text: the line numbers when shown, the note marker and a space."""
        if not self.line_numbers:
            return GUTTER
        count = self.document.view_line_count if self.document is not None else 0
        return GUTTER + max(len(f"{count:,}"), 3) + 1

    @property
    def text_width(self) -> int:
        """Cells of text per row."""
        return max(min(self.size.width - 1 - self._gutter, self.reading_width), 1)

    @property
    def _margin(self) -> int:
        return max((self.size.width - 1 - self._gutter - self.text_width) // 2, 0)

    def _indent_of(self, index: int, text: str, formatted: DisplayLine | None) -> int:
        """Cells of hanging indent before the wrapped rows of a line."""
        if formatted is not None:
            lead = formatted.lead
            return usable_indent(text_cells(lead), self.text_width) if lead else 0
        return usable_indent(hanging_indent(text), self.text_width)

    def _rows_of(self, index: int) -> Sequence[tuple[int, int]]:
        text, formatted = self.display_line(index)
        if formatted is not None and formatted.kind == "rule":
            return [(0, self.text_width)]
        if formatted is not None and formatted.table is not None:
            # A table row is laid out with its whole table to fit the column.
            count = len(formatted.table.rows(formatted.row, self.text_width))
            return [(0, 0)] * count
        if not self.wrap:
            return [(0, len(text))]
        width = self.text_width
        if width != self._wrap_width:
            self._wraps.clear()
            self._wrap_width = width
        rows = self._wraps.get(index)
        if rows is None:
            rows = wrap_ranges(text, width, self._indent_of(index, text, formatted))
            self._wraps[index] = rows
            if len(self._wraps) > 4096:
                self._wraps.popitem(last=False)
        return rows

    def _clamp(self, line: int) -> int:
        line = min(max(line, 0), max(self.line_count - 1, 0))
        if self.document is not None and self._rendered is None and not self._has(line):
            # In the gap not read yet: the nearer of the indexed lines' end and the tail.
            first, stop = self.document.view_gap()
            line = first - 1 if line - first < stop - line and first > 0 else stop
        return line

    def screen_rows(self) -> list[Row]:
        """The rows on screen, top to bottom."""
        if self._layout is not None:
            return self._layout
        rows: list[Row] = []
        height = self.size.height
        line, sub = self.top, self.top_sub
        while len(rows) < height and self._has(line):
            ranges = self._rows_of(line)
            for index in range(sub, len(ranges)):
                start, end = ranges[index]
                rows.append(Row(line, index, start, end))
                if len(rows) >= height:
                    break
            line, sub = line + 1, 0
        self._layout = rows
        return rows

    def _invalidate(self, wraps: bool = False) -> None:
        self._layout = None
        self._strips.clear()
        if wraps:
            self._wraps.clear()
            self._display_cache.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._invalidate()
        self._ensure_cursor_visible()
        # What is on screen changed (a panel or the footer came or went): the figures too.
        self.post_message(self.CursorMoved(self))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._token_styles.clear()
        self._layout = None

    # -- scrolling by rows

    def _advance(self, rows: int) -> None:
        """Move the view down (or up, if negative) by a number of screen rows."""
        line, sub = self.top, self.top_sub
        while rows > 0:
            ranges = self._rows_of(line)
            if sub + 1 < len(ranges):
                sub += 1
            elif self._has(line + 1):
                line, sub = line + 1, 0
            else:
                break
            rows -= 1
        while rows < 0:
            if sub > 0:
                sub -= 1
            elif line > 0 and self._has(line - 1):
                line -= 1
                sub = len(self._rows_of(line)) - 1
            else:
                break
            rows += 1
        self.top, self.top_sub = line, sub
        self._layout = None

    def _max_top(self) -> tuple[int, int]:
        """The top position that puts the last line at the bottom of the screen."""
        count = self.line_count
        if count == 0:
            return 0, 0
        remaining = self.size.height
        line = count - 1
        while line >= 0:
            n = len(self._rows_of(line))
            if n >= remaining:
                return line, n - remaining
            remaining -= n
            if line == 0 or not self._has(line - 1):
                break  # the first line, or the first of the tail read so far
            line -= 1
        return line, 0

    def _clamp_top(self) -> None:
        max_line, max_sub = self._max_top()
        if (self.top, self.top_sub) > (max_line, max_sub):
            self.top, self.top_sub = max_line, max_sub
            self._layout = None

    def _ensure_cursor_visible(self) -> None:
        if self.document is None or self.size.height <= 0:
            return
        partly_above = self.cursor == self.top and self.top_sub > 0
        if self.cursor < self.top or (
            partly_above and len(self._rows_of(self.cursor)) <= self.size.height
        ):
            # Show the cursor line from its start (unless it is taller than the screen).
            self.top, self.top_sub = self.cursor, 0
            self._layout = None
        else:
            # Rows from the top of the view to the end of the cursor line.
            height = self.size.height
            needed = len(self._rows_of(self.top)) - self.top_sub
            line = self.top
            while line < self.cursor and needed <= height:
                line += 1
                needed += len(self._rows_of(line))
            if needed > height:
                self.top, self.top_sub = self.cursor, 0
                self._layout = None
                self._advance(-(height - min(len(self._rows_of(self.cursor)), height)))
        self._clamp_top()
        self._layout = None
        self.refresh()

    def _cursor_into_view(self) -> None:
        rows = self.screen_rows()
        if not rows:
            return
        visible = [row.line for row in rows if row.sub == 0] or [rows[0].line]
        if self.cursor < visible[0] or self.cursor > rows[-1].line:
            self.cursor = visible[0] if self.cursor < visible[0] else visible[-1]

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.CursorMoved(self))

    def move_cursor(self, line: int, centre: bool = False, at_top: bool = False) -> None:
        """Put the cursor on line `line` of the file (an exact number: a search hit, a note)
        and scroll it into view (centred if asked).

        A line past what a large file's index has reached yet is gone to once it has: its
        place among the estimated numbers of the file's end is not known before.
        """
        if self.document is None:
            return
        self._sync()
        if self._rendered is not None:
            self._pending_line = None
            self._go(self._rendered.display_of(line), centre, at_top)
            return
        if not self._knows(line):
            self._pending_end = False
            self._pending_line = line
            self.app.notify(f"Going to line {line + 1:,} once the file is indexed…", timeout=2)
            self._changed()
            return
        self._pending_line = None
        self._go(line, centre, at_top)

    def _go(self, line: int, centre: bool = False, at_top: bool = False) -> None:
        """Put the cursor on line `line` of view numbering and scroll it into view.

        Callers take up a change of numbering (`_sync`) before they work out `line`.
        """
        if self.document is None:
            return
        self.cursor = self._clamp(line)
        if centre:
            self.top, self.top_sub = self.cursor, 0
            self._advance(-(self.size.height // 3))
        elif at_top:
            self.top, self.top_sub = self.cursor, 0
            self._layout = None
        self._ensure_cursor_visible()
        self._changed()

    def scroll_rows(self, rows: int) -> None:
        """Scroll the view, keeping the cursor on screen."""
        self._sync()
        self._advance(rows)
        self._clamp_top()
        self._cursor_into_view()
        self._changed()

    # -- actions

    def action_cursor_down(self) -> None:
        self._sync()
        self._go(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._sync()
        if self.cursor > 0 and not self._has(self.cursor - 1):
            return  # the first line of the tail read, with none found above it yet
        self._go(self.cursor - 1)

    def _page(self, rows: int) -> None:
        self._sync()
        before = (self.top, self.top_sub)
        self._advance(rows)
        self._clamp_top()
        if (self.top, self.top_sub) == before:
            # Already at the end (or start): move the cursor there instead.
            self._go(self.line_count - 1 if rows > 0 else self.top)
            return
        layout = self.screen_rows()
        if layout:
            first = next((row.line for row in layout if row.sub == 0), layout[0].line)
            self.cursor = first if rows > 0 else self._clamp(max(first, self.cursor + rows))
        self._cursor_into_view()
        self._changed()

    def action_page_down(self) -> None:
        self._page(max(self.size.height - 2, 1))

    def action_page_up(self) -> None:
        self._page(-max(self.size.height - 2, 1))

    def action_half_page_down(self) -> None:
        half = max(self.size.height // 2, 1)
        self._sync()
        self._advance(half)
        self._clamp_top()
        self._go(self.cursor + half)

    def action_half_page_up(self) -> None:
        half = max(self.size.height // 2, 1)
        self._sync()
        self._advance(-half)
        self._go(self.cursor - half)

    def action_first_line(self) -> None:
        self._pending_line = None
        self._sync()
        self.top, self.top_sub = 0, 0
        self._go(0)

    def action_last_line(self) -> None:
        self._pending_line = None
        document = self.document
        # The end of a large file is read directly, its line numbers estimated until the index
        # gets there; only a last line longer than `TAIL_LIMIT` waits for the index.
        if document is not None and not document.read_tail():
            self._pending_end = True  # done when the line index is complete
            self.app.notify("Going to the end once the file is indexed…", timeout=2)
        self._sync()
        self.top, self.top_sub = self._max_top()
        self._layout = None
        self._go(self.line_count - 1)

    def action_toggle_wrap(self) -> None:
        self._sync()
        self.wrap = not self.wrap
        self.x_offset = 0
        self._wraps.clear()  # the shown text stays the same; only its rows change
        self._invalidate()
        self.top_sub = 0
        self._ensure_cursor_visible()
        self._changed()
        self.post_message(self.SettingsChanged())

    def set_reading_width(self, width: int) -> None:
        """Set the widest text column (clamped to sensible bounds)."""
        width = min(max(width, MIN_READING_WIDTH), MAX_READING_WIDTH)
        if width != self.reading_width:
            self.reading_width = width
            self._invalidate(wraps=True)
            self._ensure_cursor_visible()
            self._changed()

    def action_wider(self) -> None:
        self._change_width(+WIDTH_STEP)

    def action_narrower(self) -> None:
        self._change_width(-WIDTH_STEP)

    def _change_width(self, step: int) -> None:
        # From the width actually shown, so the first step on a narrow terminal is seen; the
        # width asked for before is kept for when the steps back get there (`-` then `+`
        # beside a panel is the column as it was, also once the panel is gone).
        shown = self.text_width
        width = min(self.reading_width, shown) + step
        if step < 0 and self.reading_width > shown and self._wider is None:
            self._wider = self.reading_width
        elif step > 0 and self._wider is not None and width >= shown:
            width, self._wider = max(width, self._wider), None
        self.set_reading_width(width)
        self.narrow_width = self.reading_width
        self.app.notify(f"Reading width {self.reading_width} columns", timeout=1.5)
        self.post_message(self.SettingsChanged())

    @property
    def full_width(self) -> bool:
        return self.reading_width >= MAX_READING_WIDTH

    def action_full_width(self) -> None:
        """Use the pane's whole width, or go back to the reading width used before."""
        if self.full_width:
            self.set_reading_width(
                self.narrow_width if self.narrow_width < MAX_READING_WIDTH else READING_WIDTH
            )
            self.app.notify(f"Reading width {self.reading_width} columns", timeout=1.5)
        else:
            self.narrow_width = self.reading_width
            self.set_reading_width(MAX_READING_WIDTH)
            self.app.notify("Full width", timeout=1.5)
        self.post_message(self.SettingsChanged())

    def action_toggle_line_numbers(self) -> None:
        self.line_numbers = not self.line_numbers
        self._invalidate(wraps=True)
        self._ensure_cursor_visible()
        self._changed()
        self.post_message(self.SettingsChanged())

    def action_scroll_left(self) -> None:
        if not self.wrap and self.x_offset > 0:
            self.x_offset = max(self.x_offset - 8, 0)
            self._invalidate()

    def action_scroll_right(self) -> None:
        if not self.wrap:
            self.x_offset += 8
            self._invalidate()

    def action_go_to_line(self) -> None:
        # Typed into the pane itself, as in less and vim: ":150" + Enter typed at once must
        # land on line 150, which a separate screen (mounted asynchronously) cannot promise.
        if self.goto_buffer is None:
            self.goto_buffer = ""
            self._changed()

    def goto_key(self, key: str, character: str | None) -> None:
        """A key typed while the go-to prompt is open: digits and Backspace edit the number,
        Enter goes, and anything else (Esc included) closes the prompt and is not acted on.

        The app calls this as each key arrives, before any widget or binding sees it, so
        `:150` + Enter typed at once lands on line 150 and `:ab` never reaches `a`.
        """
        assert self.goto_buffer is not None
        if character is not None and character.isdigit():
            self.goto_buffer += character
        elif key == "backspace":
            self.goto_buffer = self.goto_buffer[:-1]
        elif key == "enter" and self.goto_buffer:
            line = int(self.goto_buffer)
            self.goto_buffer = None
            self._go_to_number(line - 1)
            return
        else:
            self.goto_buffer = None
        self._changed()

    def _go_to_number(self, line: int) -> None:
        """`:N`: line `line` exactly; past the end at once, as less does, even before the index
        is done when it is well past the estimated end (see `move_cursor` otherwise)."""
        document = self.document
        if document is None:
            return
        self._sync()
        if not self._knows(line) and document.read_tail():
            self._sync()
            if line >= self.line_count * 1.1 + 100:
                self._pending_line = None
                self.action_last_line()
                return
        self.move_cursor(line, centre=True)

    @property
    def selection(self) -> tuple[int, int] | None:
        """First and last source line of the line selection, if one is being made."""
        if self.selection_anchor is None:
            return None
        low, high = sorted((self.selection_anchor, self.cursor))
        return self.source_line_of(low), self._last_source_of(high)

    @property
    def cursor_lines(self) -> tuple[int, int]:
        """First and last source line under the cursor (a rendered paragraph spans several)."""
        return self.cursor_line, self._last_source_of(self.cursor)

    def action_select_lines(self) -> None:
        self.selection_anchor = None if self.selection_anchor is not None else self.cursor
        self._changed()

    def clear_selection(self) -> None:
        if self.selection_anchor is not None:
            self.selection_anchor = None
            self.refresh()

    def action_clear(self) -> None:
        self.clear_selection()
        self.set_matches({}, [])
        self.set_current_match(None)
        self.post_message(self.Cleared())

    # -- mouse

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.scroll_rows(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.scroll_rows(-3)

    def _row_at(self, y: int) -> Row | None:
        rows = self.screen_rows()
        return rows[y] if 0 <= y < len(rows) else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        row = self._row_at(event.y)
        if row is not None and event.button == 1 and event.x != self._bar_x:
            self.clear_selection()
            self._press_line = row.line
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        press = self._press_line
        if press is None or not event.button:
            return
        row = self._row_at(min(max(event.y, 0), self.size.height - 1))
        if row is not None and (row.line != press or self.selection_anchor is not None):
            # Dragging over lines selects them, as `v` and j/k do.
            self.selection_anchor = press
            self.cursor = row.line
            self._changed()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._press_line = None
        self.release_mouse()

    def on_click(self, event: events.Click) -> None:
        if self.document is None:
            return
        self._sync()
        if event.x == self._bar_x and self.line_count:
            self._go(int(event.y / max(self.size.height, 1) * self.line_count), centre=True)
            return
        rows = self.screen_rows()
        if 0 <= event.y < len(rows):
            row = rows[event.y]
            target = self._link_at(row, event.x)
            if target is not None:
                self.post_message(self.LinkClicked(target))
            self._go(row.line)

    def _link_at(self, row: Row, x: int) -> str | None:
        text, formatted = self.display_line(row.line)
        if formatted is None or not formatted.links or formatted.table is not None:
            return None
        indent = self._indent_of(row.line, text, formatted) if row.sub and self.wrap else 0
        column = row.start + (x - self._margin - self._gutter - indent)
        if not self.wrap:
            column = self.x_offset + (x - self._margin - self._gutter)
        for start, end, target in formatted.links:
            if start <= column < end:
                return target
        return None

    # -- highlights

    def set_matches(self, matches: dict[int, list[tuple[int, int]]], hit_lines: list[int]) -> None:
        """Highlight search matches (source columns by line) and mark hit lines on the bar."""
        self.matches = matches
        self.hit_lines = sorted(set(hit_lines))
        self._bar_hits = self._to_view_lines(self.hit_lines)
        self._strips.clear()
        self.refresh()

    def set_current_match(self, match: tuple[int, int, int] | None) -> None:
        self.current_match = match
        self._strips.clear()
        self.refresh()

    def set_note_lines(self, lines: set[int]) -> None:
        self.note_lines = lines
        self._bar_notes = self._to_view_lines(sorted(lines))
        self._strips.clear()
        self.refresh()

    # -- rendering

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if self.document is None:
            return Strip.blank(width, base)
        if self.line_count == 0:
            if y == 0:
                style = self.get_component_rich_style("document-view--empty")
                message = "(empty document)" if self.document.is_indexed else "(reading…)"
                strip = Strip(
                    [Segment(" " * (self._margin + self._gutter), base), Segment(message, style)]
                )
                strip = strip.extend_cell_length(width - 1, base).crop(0, width - 1)
            else:
                strip = Strip.blank(width - 1, base)
            return Strip.join([strip, self._bar_cell(y)])
        rows = self.screen_rows()
        if y >= len(rows):
            return Strip.join([Strip.blank(width - 1, base), self._bar_cell(y)])
        row = rows[y]
        in_selection = self._in_selection(row.line)
        is_cursor = row.line == self.cursor
        key = (row.line, row.sub, is_cursor, in_selection)
        cached = self._strips.get(key)
        if cached is None:
            cached = self._strips[key] = self._render_row(row, is_cursor, in_selection)
            if len(self._strips) > 512:
                self._strips.popitem(last=False)
        return Strip.join([cached, self._bar_cell(y)])

    def _in_selection(self, line: int) -> bool:
        if self.selection_anchor is None:
            return False
        low, high = sorted((self.selection_anchor, self.cursor))
        return low <= line <= high

    def _role_style(self, role: str) -> Style:
        """The style of a rendering role: a component class, or a syntax token's colour."""
        if role.startswith("tok."):
            return self._token_style(role[4:])
        if role.startswith("h") and role[1:].isdigit():
            role = role if role in ("h1", "h2") else "h3"
        name = f"document-view--{role}"
        style = self.get_component_rich_style(name, partial=True)
        if role in _BLENDED:
            # A background given with transparency is blended only into a whole style; the
            # rest of the whole style (its colour) would cover the spans drawn over it.
            style += Style(bgcolor=self.get_component_rich_style(name).bgcolor)
        return style

    def _token_style(self, token: str) -> Style:
        style = self._token_styles.get(token)
        if style is None:
            from pygments.token import string_to_tokentype
            from rich.syntax import PygmentsSyntaxTheme

            dark = self.app.current_theme.dark if self.app.current_theme else True
            name = "monokai" if dark else "friendly"
            if self._syntax_theme is None or self._syntax_theme[0] != name:
                self._syntax_theme = (name, PygmentsSyntaxTheme(name))
                self._token_styles.clear()
            found = self._syntax_theme[1].get_style_for_token(string_to_tokentype(token))
            # The code block's own background stays: only colours and emphasis are taken.
            style = self._token_styles[token] = Style(
                color=found.color, bold=found.bold, italic=found.italic
            )
        return style

    def _line_spans(
        self, row: Row, text: str, formatted: DisplayLine | None, start: int, end: int
    ) -> list[tuple[int, int, Style]]:
        """Styled spans of a row showing columns start..end of a line's text: the rendering's
        roles, then search matches on top."""
        spans: list[tuple[int, int, Style]] = []
        if formatted is not None:
            for span_start, span_end, role in formatted.spans:
                a, b = max(span_start, start), min(span_end, end)
                if a < b:
                    spans.append((a - start, b - start, self._role_style(role)))
        if not self._exact(row.line):
            return spans  # hits are placed by exact line numbers: none on estimated ones
        current = self.current_match
        first, last = row.line, row.line
        if formatted is not None:
            first, last = formatted.line, formatted.last
        for line in range(first, last + 1):
            for match_start, match_end in self.matches.get(line, ()):
                is_current = current is not None and current == (line, match_start, match_end)
                a, b = match_start, match_end
                if formatted is not None:
                    shown = formatted.offset_of(line, match_start)
                    final = formatted.offset_of(line, max(match_end - 1, match_start))
                    if shown is None or final is None:
                        continue
                    a, b = shown, max(final + 1, shown)
                role = "document-view--current-match" if is_current else "document-view--match"
                self._add_span(spans, a, b, start, end, role)
        return spans

    def _table_marks(self, formatted: DisplayLine) -> list[tuple[int, int, int, str]]:
        current = self.current_match
        marks = []
        for line in range(formatted.line, formatted.last + 1):
            for match_start, match_end in self.matches.get(line, ()):
                is_current = current is not None and current == (line, match_start, match_end)
                role = "current-match" if is_current else "match"
                marks.append((line, match_start, match_end, role))
        return marks

    def _render_row(self, row: Row, is_cursor: bool, in_selection: bool) -> Strip:
        base = self.rich_style
        width = self.size.width - 1
        if in_selection:
            line_style = base + self.get_component_rich_style("document-view--selection")
        elif is_cursor:
            line_style = base + self.get_component_rich_style("document-view--cursor")
        else:
            line_style = base
        text, formatted = self.display_line(row.line)
        lead: list[Segment] = []
        if formatted is not None and formatted.table is not None:
            table_rows = formatted.table.rows(
                formatted.row, self.text_width, self._table_marks(formatted)
            )
            shown, roles = table_rows[row.sub] if row.sub < len(table_rows) else ("", ())
            spans = [(a, b, self._role_style(role)) for a, b, role in roles]
        else:
            if formatted is not None and formatted.kind == "rule":
                text = "─" * self.text_width
                row = Row(row.line, 0, 0, self.text_width)
            if self.wrap:
                start, end = row.start, row.end
                indent = self._indent_of(row.line, text, formatted) if row.sub else 0
                if indent:
                    leader = formatted.lead if formatted is not None else ""
                    leader = leader if text_cells(leader) == indent else " " * indent
                    lead = [Segment(leader, line_style + self._role_style("marker"))]
            else:
                start, end = self.x_offset, self.x_offset + self.text_width
            shown = text[start:end]
            spans = self._line_spans(row, text, formatted, start, end)
        marker = self._gutter_segments(row)
        margin = Segment(" " * self._margin, base)
        segments = [margin, *marker, *lead, *_styled_segments(shown, line_style, spans)]
        strip = Strip(segments)
        used = strip.cell_length
        if used < width:
            # The cursor line's colour runs across the text column, then the margin is plain.
            column_end = self._margin + self._gutter + self.text_width
            fill = line_style
            if formatted is not None and formatted.kind == "code" and not is_cursor:
                fill = line_style + self._role_style("codeblock")
            strip = strip.extend_cell_length(min(column_end, width), fill)
            strip = strip.extend_cell_length(width, base)
        return strip.crop(0, width)

    def _gutter_segments(self, row: Row) -> list[Segment]:
        """The line number (when shown) and the note marker left of a row."""
        gutter_style = self.get_component_rich_style("document-view--gutter")
        first, last = row.line, row.line
        _, formatted = self.display_line(row.line)
        if formatted is not None:
            first, last = formatted.line, formatted.last
        segments = []
        if self.line_numbers:
            digits = self._gutter - GUTTER - 1
            number = ""
            if row.sub == 0 and self._exact(row.line):
                number = f"{first + 1:,}"
            segments.append(
                Segment(
                    number.rjust(digits) + " ",
                    self.get_component_rich_style("document-view--line-number"),
                )
            )
        noted = self.note_lines and any(line in self.note_lines for line in range(first, last + 1))
        if row.sub == 0 and self._exact(row.line) and noted:
            segments.append(
                Segment("● ", self.get_component_rich_style("document-view--note-marker"))
            )
        else:
            segments.append(Segment("  ", gutter_style))
        return segments

    def _add_span(
        self, spans: list[tuple[int, int, Style]], a: int, b: int, start: int, end: int, role: str
    ) -> None:
        """Add a styled span, given in line columns, to a row showing columns start..end."""
        a, b = max(a, start), min(b, end)
        if a < b:
            spans.append((a - start, b - start, self.get_component_rich_style(role, partial=True)))

    def _bar_cell(self, y: int) -> Strip:
        """The overview bar cell of row `y`: thumb, hits and notes over the whole document."""
        height = max(self.size.height, 1)
        count = max(self.line_count, 1)
        first = y * count / height
        last = (y + 1) * count / height
        layout = self.screen_rows()
        view_first = self.top
        view_last = layout[-1].line + 1 if layout else self.top + 1
        char, role = "│", "document-view--bar"
        if (view_first < last and view_last > first) or (first <= view_first < last):
            char, role = "┃", "document-view--bar-thumb"
        if self._bar_hits and _any_between(self._bar_hits, first, last):
            char, role = "━", "document-view--bar-hit"
        elif self._bar_notes and _any_between(self._bar_notes, first, last):
            char, role = "●", "document-view--bar-note"
        return Strip([Segment(char, self.get_component_rich_style(role))], 1)

    # -- reading progress

    @property
    def last_visible_line(self) -> int:
        """The last line with a row on screen."""
        rows = self.screen_rows()
        return rows[-1].line if rows else self.top

    def status_parts(self) -> list[str]:
        """What the status bar says of the view: the go-to prompt, or the line, how far the
        bottom of the screen is through the document, the encoding, wrapping, indexing."""
        document = self.document
        if document is None:
            return []
        if self.goto_buffer is not None:
            return [f"Go to line: {self.goto_buffer}▏ (Enter to go, Esc to cancel)"]
        count = self.line_count
        parts = []
        if count and self._rendered is not None:
            total_lines = document.line_count
            fraction = read_fraction(self.last_read_line, total_lines)
            parts.append(f"line {self.cursor_line + 1:,}/{total_lines:,}")
            parts.append(f"{percent(fraction)}%")
        elif count:
            # Until the index is done: an estimated number has a "~", a count still growing
            # a "+", and how far the screen is through the file is counted in bytes.
            if document.is_indexed and count == document.line_count:
                total = f"{count:,}"
                fraction = read_fraction(self.last_read_line, count)
            else:
                total = f"{count:,}+" if count == document.line_count else f"~{count:,}"
                fraction = document.view_fraction(self.last_read_line)
            here = f"{self.cursor + 1:,}" if self.place_is_exact else f"~{self.cursor + 1:,}"
            parts.append(f"line {here}/{total}")
            parts.append(f"{percent(fraction)}%")
        else:
            parts.append("empty")
        parts.append(document.encoding)
        if self.source_view and self.is_markdown:
            parts.append("source")
        if not self.wrap:
            parts.append("wrap off")
        if self._pending_line is not None:
            parts.append(f"to line {self._pending_line + 1:,} when indexed")
        if self.indexing is not None:
            parts.append(f"indexing {round(self.indexing * 100)}%")
        return parts

    @property
    def last_read_line(self) -> int:
        """The last line shown whole: how far the bottom of the screen is through the text.

        -1 when not even the first line on screen is whole (a line taller than the screen).
        """
        rows = self.screen_rows()
        if not rows:
            line = self.top - 1
        else:
            last = rows[-1]
            line = last.line
            if last.sub + 1 < len(self._rows_of(last.line)):
                line -= 1  # cut off at the bottom edge
        if self._rendered is None:
            return line
        return self._last_source_of(line) if line >= 0 else self.source_line_of(self.top) - 1


_BLENDED = frozenset({"h1", "code", "codeblock"})
"""Roles whose background is translucent (`$boost`, `$primary 15%`)."""


def _any_between(sorted_lines: list[int], first: float, last: float) -> bool:
    from bisect import bisect_left

    index = bisect_left(sorted_lines, first)
    return index < len(sorted_lines) and sorted_lines[index] < last


def _styled_segments(text: str, base: Style, spans: list[tuple[int, int, Style]]) -> list[Segment]:
    """Segments of `text` in `base`, with each span's style added on top (later spans win)."""
    if not text:
        return []
    if not spans:
        return [Segment(text, base)]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    segments = []
    for a, b in pairwise(cuts):
        style = base
        for span_start, span_end, span_style in spans:
            if span_start <= a and b <= span_end:
                style = style + span_style
        segments.append(Segment(text[a:b], style))
    return segments
