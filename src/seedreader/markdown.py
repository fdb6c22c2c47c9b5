"""Markdown rendered for reading (as glow shows it), every shown character tied to its source.

Search hits, notes, the cursor and `:N` all speak in source lines, so the renderer turns source
lines into display lines that remember which source characters they show (`DisplayLine.runs`).
A paragraph is one display line (soft breaks become spaces); the pane soft-wraps it, drawing
`lead` at the start of each continuation row.

markdown-it-py (with mdit-py-plugins) decides all syntax, block and inline. Its inline tokens
carry no columns, so each token's text is found again in the block's source, forward from where
the previous one was found; what is not found verbatim (a decoded entity, an escaped pipe in a
table cell) is shown but maps to no source character. Code is coloured by Pygments, chosen only
by the fence's language name.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, overload

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from seedreader.documents import sanitize
from seedreader.wrap import text_cells, wrap_ranges

if TYPE_CHECKING:
    from markdown_it.token import Token
    from pygments.lexer import Lexer

__all__ = [
    "DisplayLine",
    "Heading",
    "Rendered",
    "Table",
    "render_markdown",
    "slug",
]

Span = tuple[int, int, str]
Run = tuple[int, int, int, int]

BULLETS = ("•", "◦", "▪")
"""List bullets by nesting depth (the deepest repeats the cycle)."""
QUOTE_BAR = "▌ "
RULE = "─" * 40
HIGHLIGHT_LIMIT = 200_000
"""Longer code blocks are shown without colours: a regex lexer over megabytes stalls."""


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisplayLine:
    """One line as the pane shows it (before soft wrapping), and the source characters in it."""

    line: int
    """First source line (0-based) this display line shows."""
    last: int
    """Last source line it covers (inclusive, >= line)."""
    text: str
    """What is shown, already sanitized; no tabs, no newlines."""
    spans: tuple[Span, ...] = ()
    """(start, end, role) over `text`; a later span wins over an earlier one."""
    links: tuple[Span, ...] = ()
    """(start, end, target) of each link over `text`."""
    runs: tuple[Run, ...] = ()
    """(start, length, source_line, source_column), sorted by start: text[start:start+length]
    shows that source line's characters from that column on, one for one. Characters in no run
    (bullets, "[image: ", table rules) show no source character."""
    lead: str = ""
    """Drawn at the start of every continuation row when the pane wraps this line."""
    kind: str = "text"
    """"text" | "heading" | "code" | "table" | "rule" | "blank" | "raw"."""
    table: Table | None = None
    """For kind "table": the table this is a display row of."""
    row: int = -1
    """For kind "table": which display row of `table` (0 header, 1 rule, 2... body)."""

    def offset_of(self, line: int, column: int) -> int | None:
        """Display offset showing source (line, column); the next shown one if that character
        is hidden; None if this display line does not show that source line."""
        following: tuple[int, int, int] | None = None  # (line, column, offset) next shown
        on_line = False
        end_on_line = 0
        for start, length, run_line, run_column in self.runs:
            if run_line == line:
                on_line = True
                end_on_line = max(end_on_line, start + length)
                if run_column <= column < run_column + length:
                    return start + column - run_column
            if (run_line, run_column) > (line, column) and (
                following is None or (run_line, run_column) < following[:2]
            ):
                following = (run_line, run_column, start)
        if not on_line:
            return None
        return following[2] if following is not None else end_on_line

    def source_of(self, offset: int) -> tuple[int, int]:
        """(source line, column) of display offset (nearest mapped character)."""
        runs = self.runs
        if not runs:
            return self.line, 0
        index = bisect_right(runs, (offset, 1 << 62)) - 1
        if index >= 0:
            start, length, line, column = runs[index]
            if offset < start + length:
                return line, column + offset - start
        before = runs[index] if index >= 0 else None
        after = runs[index + 1] if index + 1 < len(runs) else None
        if after is not None and (
            before is None or after[0] - offset <= offset - (before[0] + before[1] - 1)
        ):
            return after[2], after[3]
        assert before is not None
        return before[2], before[3] + before[1] - 1


@dataclass(frozen=True)
class Heading:
    """A heading of the document, for the outline and for `#anchor` links."""

    line: int
    """Source line."""
    level: int
    """1..6."""
    title: str
    """Plain text (inline markup removed), sanitized."""
    anchor: str
    """GitHub-style slug, de-duplicated ("usage", "usage-1")."""


@dataclass(frozen=True)
class _Cell:
    text: str
    spans: tuple[Span, ...]
    runs: tuple[Run, ...]


_Layout = tuple[tuple[int, ...], int]  # column widths, padding cells each side (1 or 0)
_ScreenRow = tuple[str, tuple[Span, ...]]


class Table:
    """A table laid out when drawn, to whatever width the pane has.

    Display rows: 0 is the header (drawn under the top border), 1 the `|---|` line (a rule), then
    one per body row; the bottom border is drawn as part of the last display row.
    """

    def __init__(
        self, rows: Sequence[Sequence[_Cell]], aligns: Sequence[str], lead: str = ""
    ) -> None:
        self._rows = tuple(tuple(row) for row in rows)  # header first; no rule row
        self._columns = max(len(aligns), max((len(row) for row in self._rows), default=0), 1)
        self._aligns = tuple(aligns) + ("",) * (self._columns - len(aligns))
        self._lead = lead
        self._layouts: dict[int, _Layout] = {}
        self._drawn: dict[tuple[int, int], list[_ScreenRow]] = {}
        self._natural: tuple[int, ...] | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Table):
            return NotImplemented
        return (self._rows, self._aligns, self._lead) == (other._rows, other._aligns, other._lead)

    def __hash__(self) -> int:
        return hash((self._rows, self._aligns, self._lead))

    def __repr__(self) -> str:
        return f"Table({len(self._rows)} rows, {self._columns} columns)"

    @property
    def display_rows(self) -> int:
        """How many display lines the table takes (header, rule, body rows)."""
        return len(self._rows) + 1

    def rows(
        self, row: int, width: int, marks: Sequence[tuple[int, int, int, str]] = ()
    ) -> list[_ScreenRow]:
        """The screen rows (text, spans) of display row `row` laid out to fit `width` cells.

        Columns are sized to their content, shrunk (cells wrapped) when the table is wider than
        `width`; narrower than 3 cells a column, rows are cropped. `marks` are (source_line,
        start_col, end_col, role) highlights shown inside cells.
        """
        if not marks:
            key = (row, width)
            drawn = self._drawn.get(key)
            if drawn is None:
                if len(self._drawn) > 4096:
                    self._drawn.clear()
                drawn = self._drawn[key] = self._draw(row, width, ())
            return list(drawn)
        return self._draw(row, width, marks)

    def _layout(self, width: int) -> _Layout:
        layout = self._layouts.get(width)
        if layout is None:
            layout = self._layouts[width] = self._fit(width)
        return layout

    def _fit(self, width: int) -> _Layout:
        if self._natural is None:
            natural = [1] * self._columns
            for cells in self._rows:
                for index, cell in enumerate(cells):
                    natural[index] = max(natural[index], text_cells(cell.text))
            self._natural = tuple(natural)
        natural_widths = self._natural
        count = self._columns
        room = width - text_cells(self._lead)
        for padding in (1, 0):
            budget = room - (count * (1 + 2 * padding) + 1)
            if sum(natural_widths) <= budget:
                return natural_widths, padding
            if budget >= count:
                return _shrink(list(natural_widths), budget), padding
        return (1,) * count, 0

    def _draw(
        self, row: int, width: int, marks: Sequence[tuple[int, int, int, str]]
    ) -> list[_ScreenRow]:
        widths, padding = self._layout(width)
        out: list[_ScreenRow] = []
        last = row == self.display_rows - 1
        if row == 0:
            out.append(self._border("┌", "┬", "┐", widths, padding))
            out.extend(self._cells(self._rows[0], widths, padding, marks, header=True))
        elif row == 1:
            out.append(self._border("├", "┼", "┤", widths, padding))
        elif 2 <= row < self.display_rows:
            out.extend(self._cells(self._rows[row - 1], widths, padding, marks, header=False))
        if last:
            out.append(self._border("└", "┴", "┘", widths, padding))
        return [_crop(text, spans, width) for text, spans in out]

    def _border(
        self, left: str, middle: str, right: str, widths: Sequence[int], padding: int
    ) -> _ScreenRow:
        body = left + middle.join("─" * (w + 2 * padding) for w in widths) + right
        lead = self._lead
        return lead + body, ((len(lead), len(lead) + len(body), "table-border"),)

    def _cells(
        self,
        cells: Sequence[_Cell],
        widths: Sequence[int],
        padding: int,
        marks: Sequence[tuple[int, int, int, str]],
        header: bool,
    ) -> list[_ScreenRow]:
        wrapped: list[list[tuple[str, list[Span]]]] = []
        for index, width in enumerate(widths):
            cell = cells[index] if index < len(cells) else _Cell("", (), ())
            spans = list(cell.spans) + _marked(cell, marks)
            wrapped.append(_wrap_cell(cell.text, spans, width))
        height = max(len(lines) for lines in wrapped)
        pad = " " * padding
        out: list[_ScreenRow] = []
        for y in range(height):
            parts = [self._lead]
            size = len(self._lead)
            spans_out: list[Span] = []
            for index, width in enumerate(widths):
                spans_out.append((size, size + 1, "table-border"))
                parts.append("│" + pad)
                size += 1 + padding
                text, spans = wrapped[index][y] if y < len(wrapped[index]) else ("", [])
                room = width - text_cells(text)
                align = self._aligns[index]
                before = room if align == "right" else room // 2 if align == "center" else 0
                start = size + before
                if header and text:
                    spans_out.append((start, start + len(text), "table-header"))
                spans_out.extend((start + s, start + e, role) for s, e, role in spans)
                parts.append(" " * before + text + " " * (room - before) + pad)
                size += before + len(text) + room - before + padding
            spans_out.append((size, size + 1, "table-border"))
            parts.append("│")
            out.append(("".join(parts), tuple(spans_out)))
        return out


def _shrink(widths: list[int], budget: int) -> tuple[int, ...]:
    """Narrow the widest columns first until the widths add up to `budget` (>= columns)."""
    total = sum(widths)
    while total > budget:
        top = max(widths)
        second = max((w for w in widths if w < top), default=0)
        tops = [i for i, w in enumerate(widths) if w == top]
        excess = total - budget
        if (top - second) * len(tops) >= excess:
            cut, extra = divmod(excess, len(tops))
            for n, i in enumerate(tops):
                widths[i] = top - cut - (1 if n < extra else 0)
            break
        for i in tops:
            widths[i] = second
        total -= (top - second) * len(tops)
    return tuple(max(w, 1) for w in widths)


def _marked(cell: _Cell, marks: Sequence[tuple[int, int, int, str]]) -> list[Span]:
    """Spans over a cell's text for the source highlights that fall inside it."""
    spans: list[Span] = []
    for line, start_col, end_col, role in marks:
        for start, length, run_line, column in cell.runs:
            if run_line != line:
                continue
            low, high = max(start_col, column), min(end_col, column + length)
            if low < high:
                spans.append((start + low - column, start + high - column, role))
    return spans


def _wrap_cell(text: str, spans: list[Span], width: int) -> list[tuple[str, list[Span]]]:
    if not text:
        return [("", [])]
    out: list[tuple[str, list[Span]]] = []
    for start, end in wrap_ranges(text, width):
        piece = text[start:end].rstrip(" ")
        while piece and text_cells(piece) > width:  # a wide character at the edge
            piece = piece[:-1]
        stop = start + len(piece)
        row_spans = [
            (max(s, start) - start, min(e, stop) - start, role)
            for s, e, role in spans
            if s < stop and e > start
        ]
        out.append((piece, row_spans))
    return out


def _crop(text: str, spans: tuple[Span, ...], width: int) -> _ScreenRow:
    if len(text) <= width and (text.isascii() or text_cells(text) <= width):
        return text, spans
    cells = 0
    end = 0
    for char in text:
        cells += text_cells(char)
        if cells > width:
            break
        end += 1
    kept = tuple((s, min(e, end), role) for s, e, role in spans if s < end)
    return text[:end], kept


@dataclass(frozen=True)
class Rendered:
    """A rendered document: its display lines and what links into it."""

    lines: Sequence[DisplayLine]
    """In source order: .line never decreases. A tuple, except after a render with `stop`,
    whose raw tail is made line by line when asked for."""
    headings: tuple[Heading, ...]
    anchors: Mapping[str, int]
    """Slug -> source line; footnotes as "fn1", "fn2"..."""
    source_count: int
    """Number of source lines rendered over (less than the document's after `stop`)."""
    _reach: tuple[int, ...] = field(default=(), repr=False, compare=False)
    """Running maximum of `last` over the rendered (not raw) lines."""

    def display_of(self, source_line: int) -> int:
        """Index of the first display line showing source_line (or the nearest after it; the
        last display line past the end). Every source line maps to some display line."""
        count = len(self.lines)
        if count == 0:
            return 0
        rendered = len(self._reach)
        if source_line >= self.source_count and count > rendered:
            return min(rendered + source_line - self.source_count, count - 1)
        return min(bisect_left(self._reach, source_line), count - 1)

    def source_of(self, index: int) -> int:
        """First source line of display line `index`."""
        return self.lines[index].line


class _RawTail(Sequence[DisplayLine]):
    """Rendered lines, then every later source line as it is (kind "raw"), made when asked."""

    def __init__(self, head: tuple[DisplayLine, ...], source: Sequence[str], start: int) -> None:
        self._head = head
        self._source = source
        self._start = start

    def __len__(self) -> int:
        return len(self._head) + len(self._source) - self._start

    @overload
    def __getitem__(self, index: int) -> DisplayLine: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[DisplayLine]: ...

    def __getitem__(self, index: int | slice) -> DisplayLine | Sequence[DisplayLine]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        head = len(self._head)
        if 0 <= index < head:
            return self._head[index]
        line = self._start + index - head
        if not self._start <= line < len(self._source):
            raise IndexError(index)
        return _raw_line(line, self._source[line])

    def __iter__(self) -> Iterator[DisplayLine]:
        yield from self._head
        for line in range(self._start, len(self._source)):
            yield _raw_line(line, self._source[line])


def _raw_line(line: int, source: str) -> DisplayLine:
    text = sanitize(source)
    return DisplayLine(
        line, line, text, runs=((0, len(text), line, 0),) if text else (), kind="raw"
    )


# --- slugs -----------------------------------------------------------------------------------

_SLUG_DROP = re.compile(r"[^\w\- ]")


def slug(title: str, seen: dict[str, int]) -> str:
    """GitHub's anchor for a heading title (github-slugger): lower case, punctuation dropped,
    spaces to hyphens; a repeat gets "-1", "-2"... `seen` remembers the document's slugs."""
    base = _SLUG_DROP.sub("", title.lower()).replace(" ", "-")
    result = base
    while result in seen:
        seen[base] += 1
        result = f"{base}-{seen[base]}"
    seen[result] = 0
    return result


# --- parsing ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(tasklists_plugin)
    # Escapes and entities stay tokens of their own (text_special), so every text token is a
    # verbatim piece of the source and can be found in it.
    md.disable("text_join")
    return md


_LEXERS: dict[str, Lexer | None] = {}
"""Lexers by language name, made once: making one compiles its regexes (10-20 ms)."""


def _lexer(language: str, build: bool = True) -> Lexer | None:
    """The Pygments lexer for a fence's language name; None if there is none, or if it has not
    been made yet and `build` is false."""
    if language in _LEXERS or not build:
        return _LEXERS.get(language)
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language, stripnl=False, stripall=False, ensurenl=False)
    except (ClassNotFound, ValueError, TypeError):
        lexer = None
    if len(_LEXERS) < 256:
        _LEXERS[language] = lexer
    return lexer


def _highlight(code: str, language: str, build: bool = True) -> list[list[Span]]:
    """Pygments spans per line of `code` (columns within the line)."""
    lines: list[list[Span]] = [[] for _ in range(code.count("\n") + 1)]
    if not language or len(code) > HIGHLIGHT_LIMIT:
        return lines
    lexer = _lexer(language.lower(), build)
    if lexer is None:
        return lines
    starts = [0]
    position = code.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = code.find("\n", position + 1)
    try:
        for index, token_type, value in lexer.get_tokens_unprocessed(code):
            role = str(token_type)
            if role in ("Token.Text", "Token.Text.Whitespace", "Token.Whitespace", "Token"):
                continue
            role = "tok." + role[6:]
            end = index + len(value)
            line = bisect_right(starts, index) - 1
            while index < end and line < len(lines):
                line_end = starts[line + 1] - 1 if line + 1 < len(starts) else len(code)
                stop = min(end, line_end)
                if stop > index:
                    lines[line].append((index - starts[line], stop - starts[line], role))
                index = line_end + 1
                line += 1
    except Exception:  # noqa: BLE001 - a lexer bug must not stop the document from showing
        return [[] for _ in lines]
    return lines


# --- building display lines ------------------------------------------------------------------


class _Row:
    """A display line being built."""

    __slots__ = ("done", "kind", "last", "lead", "line", "links", "parts", "runs", "size", "spans")

    def __init__(self, line: int, kind: str, lead: str) -> None:
        self.line = line
        self.last = line
        self.kind = kind
        self.lead = lead
        self.parts: list[str] = []
        self.size = 0
        self.spans: list[Span] = []
        self.links: list[Span] = []
        self.runs: list[Run] = []
        self.done = False

    def put(self, text: str, role: str | None = None) -> int:
        start = self.size
        if text:
            self.parts.append(text)
            self.size += len(text)
            if role:
                self.spans.append((start, self.size, role))
        return start

    def put_source(self, text: str, line: int, column: int) -> None:
        """Add characters shown one for one from source (line, column)."""
        if not text:
            return
        runs = self.runs
        if runs:
            start, length, run_line, run_column = runs[-1]
            if start + length == self.size and run_line == line and run_column + length == column:
                runs[-1] = (start, length + len(text), line, run_column)
                self.parts.append(text)
                self.size += len(text)
                return
        runs.append((self.size, len(text), line, column))
        self.parts.append(text)
        self.size += len(text)

    def build(self, table: Table | None = None, row: int = -1) -> DisplayLine:
        spans = sorted(self.spans, key=lambda span: (span[0], -span[1]))
        last = max(self.last, self.line)
        if self.runs:  # a `<br>` may end a row within the source line of its last characters
            last = max(last, max(run[2] for run in self.runs))
        return DisplayLine(
            self.line,
            last,
            sanitize("".join(self.parts)),
            tuple(span for span in spans if span[0] < span[1]),
            tuple(self.links),
            tuple(self.runs),
            self.lead,
            self.kind,
            table,
            row,
        )


class _Source:
    """The source of one block, and a cursor that finds its inline tokens in turn."""

    def __init__(self, lines: Sequence[str], parsed: Sequence[str], first: int, end: int) -> None:
        self.first = first
        self.flat = "\n".join(parsed[first:end])
        self.shown = self.flat if parsed is lines else "\n".join(lines[first:end])
        self.starts = [0]
        total = 0
        for index in range(first, end - 1):
            total += len(parsed[index]) + 1
            self.starts.append(total)
        self.cursor = 0

    def where(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return self.first + index, offset - self.starts[index]

    def line_end(self) -> int:
        """Where the cursor's line ends (by the line starts: a search for the newline would
        cross a megabyte line again for every token in it)."""
        index = bisect_right(self.starts, self.cursor)
        return self.starts[index] - 1 if index < len(self.starts) else len(self.flat)

    def next_line(self) -> None:
        """Move the cursor to the start of the next source line (after a line break)."""
        index = bisect_right(self.starts, self.cursor)
        if index < len(self.starts):
            self.cursor = self.starts[index]

    def find(self, text: str, anywhere: bool = True) -> int:
        """Offset of `text` from the cursor (in its line first), or -1; moves past it."""
        flat = self.flat
        found = flat.find(text, self.cursor, self.line_end())
        if found < 0 and anywhere:
            found = flat.find(text, self.cursor)
        if found >= 0:
            self.cursor = found + len(text)
        return found

    def place(self, row: _Row, text: str, approximate: bool = True) -> None:
        """Show `text` in `row`, mapped to where it stands in the source."""
        if not text:
            return
        found = self.find(text) if "\n" not in text else -1
        if found >= 0:
            self._put(row, found, len(text))
            return
        if not approximate:
            row.put(text)
            return
        # Not verbatim (a cell's `\|`, a code span over two lines): align character by
        # character, each looked for a few characters ahead at most.
        flat = self.flat
        position = self.cursor
        pending = 0  # characters of text not yet added
        for index, char in enumerate(text):
            found = flat.find(char, position, position + 4) if char != "\n" else -1
            if found >= 0:
                if index > pending:
                    row.put(text[pending:index].replace("\n", " "))
                self._put(row, found, 1)
                pending = index + 1
                position = found + 1
        if pending < len(text):
            row.put(text[pending:].replace("\n", " "))
        self.cursor = position

    def _put(self, row: _Row, offset: int, length: int) -> None:
        line, column = self.where(offset)
        row.put_source(self.shown[offset : offset + length], line, column)

    def skip_destination(self) -> None:
        """Move past a link's `](destination "title")`, `][label]` or `]` after its text."""
        flat = self.flat
        size = len(flat)
        position = self.cursor
        while position < size and flat[position] in "*_~`":
            position += 1
        if position >= size or flat[position] != "]":
            return
        position += 1
        if position < size and flat[position] == "(":
            depth = 0
            quote = ""
            while position < size:
                char = flat[position]
                if char == "\\":
                    position += 2
                    continue
                if quote:
                    if char == quote:
                        quote = ""
                elif char in "\"'" and flat[position - 1] in " \n":
                    quote = char
                elif char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                    if depth == 0:
                        position += 1
                        break
                position += 1
        elif position < size and flat[position] == "[":
            close = flat.find("]", position)
            if close >= 0:
                position = close + 1
        self.cursor = min(position, size)


_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_MARK_CHARS = " >*+-.)0123456789"
"""What container marks (quote bars, bullets, item numbers) are made of."""
_REFERENCE = re.compile(r"^[ >]*\[[^\]]+\]:")
_EMPHASIS = {
    "em_open": "em",
    "strong_open": "strong",
    "s_open": "strike",
    "em_close": "em",
    "strong_close": "strong",
    "s_close": "strike",
}


def _tag(html: str) -> tuple[str, bool, dict[str, str]]:
    """(name, closing, attributes) of an inline HTML tag; name "" when it is no tag."""
    match = _TAG.match(html)
    if match is None:
        return "", False, {}
    attributes = {}
    if "=" in html:
        for name, value in _ATTRIBUTE.findall(html, match.end()):
            if value[:1] in "\"'":
                value = value[1:-1]
            attributes[name.lower()] = unescape(value)
    return match.group(2).lower(), bool(match.group(1)), attributes


class _Container:
    """A block quote, list item or footnote the current blocks sit in."""

    __slots__ = ("cont", "done", "first", "is_quote", "line", "used")

    def __init__(
        self, first: list[tuple[str, str | None]], cont: str, line: int, is_quote: bool
    ) -> None:
        self.first = first
        self.cont = cont
        self.line = line
        self.is_quote = is_quote
        self.used = False
        self.done = False
        """A done task: its first line is shown as done."""


_BLOCK_TAGS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "center", "dd", "details", "div"),
        *("dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5"),
        *("h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary"),
        *("table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    )
)
"""HTML elements that start a new display line (the rest flow, as in a browser)."""

_HtmlEvent = tuple[str, int, int, str, bool]
"""(what, line, column, text, mapped): what is "text", "break", "open:<role>" (text is the
link target) or "close:<role>"; a "text" is mapped when it is the source's own characters."""


class _HtmlText(HTMLParser):
    """The text of an HTML block: its pieces, line breaks and links, each with where it stands
    in the block (line, column)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[_HtmlEvent] = []
        self._hidden = 0

    def _add(self, what: str, text: str = "", mapped: bool = False) -> None:
        line, column = self.getpos()
        self.events.append((what, line - 1, column, text, mapped))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
            return
        if tag in _BLOCK_TAGS:
            self._add("break")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._add("open:" + tag)
        elif tag == "a":
            href = next((value for name, value in attrs if name == "href" and value), "")
            if href:
                self._add("open:link", href)
        elif tag == "img":
            alt = next((value for name, value in attrs if name == "alt" and value), "")
            self._add("open:image")
            self._add("text", f"[image: {alt}]")
            self._add("close:image")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(self._hidden - 1, 0)
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._add("close:" + tag)
        elif tag == "a":
            self._add("close:link")
        if tag in _BLOCK_TAGS:
            self._add("break")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._add("text", data, True)

    def handle_entityref(self, name: str) -> None:
        if not self._hidden:
            self._add("text", unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        if not self._hidden:
            self._add("text", unescape(f"&#{name};"))


class _Renderer:
    def __init__(self, lines: Sequence[str], parsed: Sequence[str], build: bool) -> None:
        self.lines = lines
        self.parsed = parsed
        self.build = build
        """Whether to make lexers not made yet (a quick first-screen render does not)."""
        self.out: list[DisplayLine] = []
        self.main = self.out
        self.notes: list[DisplayLine] = []
        self.containers: list[_Container] = []
        self.lists: list[str] = []  # "bullet" | "ordered"
        self.headings: list[Heading] = []
        self.seen: dict[str, int] = {}
        self.anchors: dict[str, int] = {}
        self.quote_lines: dict[int, str] = {}
        self.in_quote = 0

    # -- containers

    def _row(self, line: int, kind: str = "text") -> tuple[_Row, int]:
        """A new display line at source `line` with the containers' marks; and where its content
        starts."""
        lead = "".join(container.cont for container in self.containers)
        row = _Row(line, kind, lead)
        for container in self.containers:
            if container.used:
                row.put(container.cont, "marker" if container.is_quote else None)
            else:
                for text, role in container.first:
                    row.put(text, role)
                container.used = True
                if container.done:
                    row.done = True
        return row, row.size

    def _emit(self, row: _Row, content: int, role: str | None = None) -> None:
        if role and row.size > content:
            row.spans.insert(0, (content, row.size, role))
        if self.in_quote and row.kind in ("text", "heading") and row.size > content:
            row.spans.insert(0, (content, row.size, "quote"))
        if row.done and row.size > content:
            row.spans.append((content, row.size, "task-done"))
        self.out.append(row.build())

    # -- blocks

    def render(self, tokens: Sequence[Token]) -> None:
        index = 0
        count = len(tokens)
        while index < count:
            token = tokens[index]
            kind = token.type
            if kind == "paragraph_open" and index + 1 < count:
                self._paragraph(tokens[index + 1], token.map)
                index += 3
                continue
            if kind == "heading_open" and index + 1 < count:
                self._heading(token, tokens[index + 1])
                index += 3
                continue
            if kind == "table_open":
                index = self._table(tokens, index)
                continue
            if kind in ("fence", "code_block"):
                self._code(token)
            elif kind == "blockquote_open":
                self._open_quote(token)
            elif kind == "blockquote_close":
                self._close(quote=True)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.lists.append(kind)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif kind == "list_item_open":
                self._open_item(token, tokens, index)
            elif kind == "list_item_close":
                self._close(quote=False)
            elif kind == "hr" and token.map:
                row, content = self._row(token.map[0], "rule")
                row.last = token.map[1] - 1
                row.put(RULE)
                self._emit(row, content, "rule")
            elif kind == "html_block" and token.map:
                self._html_block(token)
            elif kind == "front_matter" and token.map:
                self._front_matter(token)
            elif kind == "footnote_block_open":
                self.out = self.notes
            elif kind == "footnote_block_close":
                self.out = self.main
            elif kind == "footnote_open":
                number = int(token.meta.get("id", 0)) + 1
                mark = f"[{number}] "
                line = self._next_line(tokens, index)
                self.anchors.setdefault(f"fn{number}", line)
                self.containers.append(
                    _Container([(mark, "footnote")], " " * len(mark), line, False)
                )
            elif kind == "footnote_close":
                self._close(quote=False)
            index += 1

    @staticmethod
    def _next_line(tokens: Sequence[Token], index: int) -> int:
        for token in tokens[index + 1 : index + 8]:
            if token.map:
                return token.map[0]
        return 0

    def _open_quote(self, token: Token) -> None:
        line = token.map[0] if token.map else 0
        self.containers.append(_Container([(QUOTE_BAR, "marker")], QUOTE_BAR, line, True))
        self.in_quote += 1
        if token.map:
            bars = "".join(container.cont for container in self.containers).rstrip()
            for number in range(token.map[0], token.map[1]):
                text = self.parsed[number]
                if ">" in text and not text.strip(" >"):
                    self.quote_lines[number] = bars

    def _open_item(self, token: Token, tokens: Sequence[Token], index: int) -> None:
        line = token.map[0] if token.map else 0
        depth = len(self.lists)
        if self.lists and self.lists[-1] == "ordered_list_open":
            mark = f"{token.info}{token.markup} "
        else:
            mark = BULLETS[(depth - 1) % len(BULLETS)] + " "
        first: list[tuple[str, str | None]] = [(mark, "marker")]
        if "task-list-item" in str(token.attrs.get("class", "")):
            done = _task_done(tokens, index)
            box = "☑ " if done else "☐ "
            role = "task-done" if done else "marker"
            first = [(box, role)] if mark[0] in BULLETS else [(mark, "marker"), (box, role)]
            mark = "".join(text for text, _ in first)
        container = _Container(first, " " * text_cells(mark), line, False)
        container.done = first[-1][1] == "task-done"
        self.containers.append(container)

    def _close(self, quote: bool) -> None:
        if not self.containers:
            return
        container = self.containers[-1]
        if not container.used:  # an empty list item still shows its bullet
            row, content = self._row(container.line)
            # Text after the marks here was dropped by markdown-it for nesting too deep: show
            # it as it is rather than lose it.
            text = self.parsed[container.line] if container.line < len(self.parsed) else ""
            column = len(text) - len(text.lstrip(_MARK_CHARS))
            if column < len(text):
                row.put_source(self.lines[container.line][column:], container.line, column)
            self._emit(row, content)
        self.containers.pop()
        if quote and self.in_quote:
            self.in_quote -= 1

    # -- leaf blocks

    def _paragraph(self, inline: Token, block_map: list[int] | None) -> None:
        where = inline.map or block_map
        if not where:
            return
        first, end = where
        source = _Source(self.lines, self.parsed, first, end)
        self._inline(inline.children or [], source, first, end, "text", None)

    def _heading(self, token: Token, inline: Token) -> None:
        if not token.map:
            return
        first, end = token.map
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        where = inline.map or token.map
        source = _Source(self.lines, self.parsed, where[0], where[1])
        rows = self._inline(
            inline.children or [], source, first, end, "heading", f"h{level}", breaks=False
        )
        title = rows[0][0].text[rows[0][1] :].strip() if rows else ""
        anchor = slug(title, self.seen)
        self.anchors.setdefault(anchor, first)
        self.headings.append(Heading(first, level, title, anchor))

    def _inline(
        self,
        children: Sequence[Token],
        source: _Source,
        first: int,
        end: int,
        kind: str,
        role: str | None,
        breaks: bool = True,
    ) -> list[tuple[DisplayLine, int]]:
        """Render an inline block into display lines (more than one after hard breaks), each
        with where its content starts (after the containers' marks)."""
        rows: list[tuple[_Row, int]] = [self._row(first, kind)]
        builder = _InlineBuilder(source, rows[0][0])

        def new_row(line: int) -> None:
            row = rows[-1][0]
            line = min(max(line, row.line), end - 1)
            row.last = max(row.line, line - 1)
            builder.close_spans()
            next_row, next_content = self._row(line, kind)
            rows.append((next_row, next_content))
            builder.row = next_row
            builder.reopen_spans()

        builder.run(children, new_row if breaks else None)
        builder.close_spans()
        rows[-1][0].last = end - 1
        built: list[tuple[DisplayLine, int]] = []
        for row, content in rows:
            self._emit(row, content, role)
            built.append((self.out[-1], content))
        return built

    def _code(self, token: Token) -> None:
        if not token.map:
            return
        first, end = token.map
        content = token.content
        code_lines = content.split("\n")
        if code_lines and code_lines[-1] == "":
            code_lines.pop()
        fenced = token.type == "fence"
        language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
        language = language.strip("{}.")
        highlights = _highlight("\n".join(code_lines), language, self.build) if fenced else []
        line = first
        if fenced:
            row, start = self._row(first, "code")
            if language:
                column = self.parsed[first].find(language)
                if column >= 0:
                    row.put_source(
                        self.lines[first][column : column + len(language)], first, column
                    )
                    row.spans.append((start, row.size, "marker"))
                else:
                    row.put(language, "marker")
            self._emit(row, start, "codeblock")
            line += 1
        for number, code in enumerate(code_lines):
            if line >= end:
                break
            row, start = self._row(line, "code")
            source = self.parsed[line]
            if code and source.endswith(code):
                column = len(source) - len(code)
                row.put_source(self.lines[line][column:], line, column)
            else:
                row.put(code)
            if number < len(highlights):
                row.spans.extend((start + s, start + e, r) for s, e, r in highlights[number])
            self._emit(row, start, "codeblock")
            line += 1
        if fenced and line < end:  # the closing fence (with any lines markdown-it gave it)
            row, start = self._row(line, "code")
            row.last = end - 1
            self._emit(row, start, "codeblock")

    def _front_matter(self, token: Token) -> None:
        assert token.map is not None
        first, end = token.map
        body = "\n".join(self.parsed[first + 1 : end - 1])
        highlights = _highlight(body, "yaml", self.build)
        for line in range(first, end):
            row, start = self._row(line, "code")
            text = self.lines[line]
            row.put_source(text, line, 0)
            if line in (first, end - 1) and text.strip() in ("---", "..."):
                row.spans.append((start, row.size, "marker"))
            elif 0 <= line - first - 1 < len(highlights):
                row.spans.extend(
                    (start + s, start + e, r) for s, e, r in highlights[line - first - 1]
                )
            self._emit(row, start, "codeblock")

    def _html_block(self, token: Token) -> None:
        """An HTML block as its text: inline elements flow into one display line, block
        elements (p, div, br, h1...) start another; tags are not shown, images are."""
        assert token.map is not None
        first, end = token.map
        parser = _HtmlText()
        try:
            parser.feed(token.content)
            parser.close()
            events = parser.events
        except Exception:  # noqa: BLE001 - shown as it is rather than not at all
            events = [("text", 0, 0, token.content, True)]
        content_lines = token.content.split("\n")
        shifts: dict[int, int | None] = {}  # block line -> column of its text in the source

        def shift(offset: int) -> int | None:
            if offset not in shifts:
                line = first + offset
                content = content_lines[offset] if offset < len(content_lines) else ""
                source = self.parsed[line] if line < end else ""
                shifts[offset] = len(source) - len(content) if source.endswith(content) else None
            return shifts[offset]

        rows: list[tuple[_Row, int]] = []
        row: _Row | None = None
        content_start = 0
        need_space = False
        opened: list[list[Any]] = []  # [role, start in the current row or None, target]

        def close_row() -> None:
            nonlocal row
            if row is not None:
                for span in opened:
                    if span[1] is not None and row.size > span[1]:
                        row.spans.append((span[1], row.size, span[0]))
                        if span[2]:
                            row.links.append((span[1], row.size, span[2]))
                    span[1] = None
                rows.append((row, content_start))
            row = None

        for what, offset, column, text, mapped in events:
            if what == "break":
                close_row()
                need_space = False
            elif what.startswith("open:"):
                opened.append([what[5:], None, text])  # starts at its first character
            elif what.startswith("close:"):
                role = what[6:]
                for index in range(len(opened) - 1, -1, -1):
                    if opened[index][0] == role:
                        _, start, target = opened.pop(index)
                        if row is not None and start is not None and row.size > start:
                            row.spans.append((start, row.size, role))
                            if target:
                                row.links.append((start, row.size, target))
                        break
            else:
                for number, part in enumerate(text.split("\n")):
                    at = column if number == 0 else 0
                    if number:
                        need_space = True
                    stripped = part.lstrip()
                    if len(stripped) < len(part):
                        need_space = True
                    if not stripped:
                        continue
                    at += len(part) - len(stripped)
                    shown = stripped.rstrip()
                    line = first + offset + number
                    if row is None:
                        row, content_start = self._row(line)
                        if not rows:
                            row.line = first  # the lines before the first text show nothing
                        need_space = False
                    elif need_space and row.size > content_start:
                        row.put(" ")
                    for span in opened:
                        if span[1] is None:
                            span[1] = row.size
                    delta = shift(offset + number) if mapped else None
                    if delta is not None and line < end:
                        column_in_source = at + delta
                        real = self.lines[line][column_in_source : column_in_source + len(shown)]
                        row.put_source(real, line, column_in_source)
                    else:
                        row.put(shown)
                    need_space = len(shown) < len(stripped)
        close_row()
        if not rows:
            empty, start = self._row(first)
            empty.last = end - 1
            self._emit(empty, start)
            return
        for number, (built, start) in enumerate(rows):
            following = rows[number + 1][0].line if number + 1 < len(rows) else end
            built.last = max(built.line, following - 1)
            self._emit(built, start, "html")

    def _table(self, tokens: Sequence[Token], index: int) -> int:
        """Render the table starting at tokens[index]; return the index after it."""
        table_token = tokens[index]
        rows: list[tuple[int, list[_Cell]]] = []
        aligns: list[str] = []
        cells: list[_Cell] = []
        source: _Source | None = None
        row_line = 0
        count = len(tokens)
        index += 1
        while index < count and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open":
                row_line = token.map[0] if token.map else row_line + 1
                source = _Source(self.lines, self.parsed, row_line, row_line + 1)
                cells = []
            elif token.type in ("th_open", "td_open"):
                if token.type == "th_open":
                    style = str(token.attrs.get("style", ""))
                    aligns.append(style.partition("text-align:")[2].strip())
            elif token.type == "inline" and source is not None:
                row = _Row(row_line, "table", "")
                builder = _InlineBuilder(source, row)
                builder.run(token.children or [], None)
                builder.close_spans()
                built = row.build()
                cells.append(_Cell(built.text.strip(), built.spans, built.runs))
                if built.text != built.text.strip():  # keep offsets right after stripping
                    cut = len(built.text) - len(built.text.lstrip())
                    cells[-1] = _shift_cell(built, cut)
            elif token.type == "tr_close":
                rows.append((row_line, cells))
            index += 1
        lead = "".join(container.cont for container in self.containers)
        table = Table([cells for _, cells in rows], aligns, lead)
        header_line = table_token.map[0] if table_token.map else (rows[0][0] if rows else 0)
        display: list[tuple[int, list[_Cell] | None]] = []
        if rows:
            display.append((rows[0][0], rows[0][1]))
        display.append((header_line + 1, None))
        display.extend(rows[1:])
        for number, (line, row_cells) in enumerate(display):
            row, start = self._row(line, "table")
            if row_cells is None:
                row.put("─" * 3, "table-border")
            else:
                for cell_number, cell in enumerate(row_cells):
                    if cell_number:
                        row.put(" │ ", "table-border")
                    at = row.size
                    row.parts.append(cell.text)
                    row.size += len(cell.text)
                    row.spans.extend((at + s, at + e, r) for s, e, r in cell.spans)
                    row.runs.extend((at + s, n, ln, col) for s, n, ln, col in cell.runs)
                if number == 0:
                    row.spans.insert(0, (start, row.size, "table-header"))
            if number == len(display) - 1 and table_token.map:
                row.last = max(line, table_token.map[1] - 1)
            self.out.append(row.build(table, number))
        return index + 1

    # -- finishing

    def finish(self, count: int) -> tuple[DisplayLine, ...]:
        """All display lines in source order, with blank and unrendered lines filled in."""
        shown = self.main
        if self.notes:
            shown = sorted(self.main + self.notes, key=lambda line: line.line)
        out: list[DisplayLine] = []
        position = 0
        for display in shown:
            if display.line > position:
                self._fill(out, position, display.line)
            out.append(display)
            position = max(position, display.last + 1)
        if position < count:
            self._fill(out, position, count)
        if not out and count:  # nothing shown (only link definitions): still one line
            out.append(DisplayLine(0, count - 1, "", kind="blank"))
        return tuple(out)

    def _fill(self, out: list[DisplayLine], start: int, end: int) -> None:
        """Source lines no block showed: blanks (one display line per run of them), a quote's
        empty `>` lines, hidden link definitions; anything else shown as it is."""
        parsed = self.parsed
        line = start
        while line < end:
            text = parsed[line]
            if not text.strip():
                last = line
                while last + 1 < end and not parsed[last + 1].strip():
                    last += 1
                out.append(DisplayLine(line, last, "", kind="blank"))
                line = last + 1
                continue
            bars = self.quote_lines.get(line)
            if bars is not None:
                out.append(DisplayLine(line, line, bars, ((0, len(bars), "marker"),), kind="blank"))
            elif not _REFERENCE.match(text):
                out.append(_raw_line(line, self.lines[line]))
            line += 1


class _InlineBuilder:
    """Walks one block's inline tokens into display lines."""

    def __init__(self, source: _Source, row: _Row) -> None:
        self.source = source
        self.row = row
        self.open: list[tuple[str, int, str]] = []  # (role, start, link target)
        self.pending_break = False
        self.strip_next = False

    def close_spans(self) -> None:
        row = self.row
        for role, start, target in self.open:
            if row.size > start:
                row.spans.append((start, row.size, role))
                if target:
                    row.links.append((start, row.size, target))

    def reopen_spans(self) -> None:
        self.open = [(role, self.row.size, target) for role, _, target in self.open]

    def _push(self, role: str, target: str = "") -> None:
        self.open.append((role, self.row.size, target))

    def _pop(self, role: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            open_role, start, target = self.open[index]
            if open_role == role:
                del self.open[index]
                row = self.row
                if row.size > start:
                    row.spans.append((start, row.size, role))
                    if target:
                        row.links.append((start, row.size, target))
                return

    def run(self, children: Sequence[Token], new_row: Callable[[int], None] | None) -> None:
        source = self.source
        for index, token in enumerate(children):
            kind = token.type
            if kind == "text":
                text = token.content
                if self.strip_next:
                    self.strip_next = False
                    text = text.lstrip(" ")
                source.place(self.row, text)
            elif kind == "softbreak":
                source.next_line()
                if self.pending_break and new_row is not None:
                    self.pending_break = False
                    new_row(source.where(source.cursor)[0])
                else:
                    self.pending_break = False
                    self.row.put(" ")
            elif kind == "hardbreak":
                source.next_line()
                if new_row is not None:
                    new_row(source.where(source.cursor)[0])
                else:
                    self.row.put(" ")
            elif kind in _EMPHASIS:
                if kind.endswith("_open"):
                    self._push(_EMPHASIS[kind])
                else:
                    self._pop(_EMPHASIS[kind])
            elif kind == "code_inline":
                start = self.row.size
                source.place(self.row, token.content)
                self.row.spans.append((start, self.row.size, "code"))
            elif kind == "text_special":
                found = source.find(token.markup, anywhere=False) if token.markup else -1
                inside = token.markup.find(token.content) if found >= 0 else -1
                if inside >= 0 and token.content:
                    source._put(self.row, found + inside, len(token.content))
                else:
                    self.row.put(token.content)
            elif kind == "link_open":
                self._push("link", str(token.attrs.get("href", "")))
            elif kind == "link_close":
                self._pop("link")
                source.skip_destination()
                if source.cursor < len(source.flat) and source.flat[source.cursor] == ">":
                    source.cursor += 1  # an autolink's closing bracket
            elif kind == "image":
                self._image(token)
            elif kind == "html_inline":
                self._html(token, children, index, new_row)
            elif kind == "footnote_ref":
                number = int(token.meta.get("id", 0)) + 1
                label = f"[{number}]"
                start = self.row.put(label, "footnote")
                self.row.links.append((start, self.row.size, f"#fn{number}"))
                close = source.flat.find("]", source.cursor, source.line_end())
                if close >= 0:
                    source.cursor = close + 1

    def _image(self, token: Token) -> None:
        source = self.source
        row = self.row
        start = row.put("[image: ")
        opening = source.flat.find("![", source.cursor, source.line_end())
        if opening >= 0:
            source.cursor = opening + 2
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                source.place(row, child.content)
            elif child.type == "text_special":
                row.put(child.content)
            elif child.type == "softbreak":
                row.put(" ")
        row.put("]")
        row.spans.append((start, row.size, "image"))
        source.skip_destination()

    def _html(
        self,
        token: Token,
        children: Sequence[Token],
        index: int,
        new_row: Callable[[int], None] | None,
    ) -> None:
        source = self.source
        name, closing, attributes = _tag(token.content)
        if name == "input" and "task-list-item-checkbox" in attributes.get("class", ""):
            # Made by the task list plugin, not in the source: step over the "[x]".
            close = source.flat.find("]", source.cursor, source.line_end())
            if close >= 0:
                source.cursor = close + 1
            self.strip_next = True
            return
        source.find(token.content)
        if name == "br":
            following = children[index + 1].type if index + 1 < len(children) else ""
            if new_row is None:
                self.row.put(" ")
            elif following in ("softbreak", "hardbreak"):
                self.pending_break = following == "softbreak"
            elif following:
                new_row(source.where(source.cursor)[0])
        elif name == "img" and not closing:
            self.row.put(f"[image: {attributes.get('alt', '')}]", "image")
        elif name == "a":
            if closing:
                self._pop("link")
            elif "href" in attributes:
                self._push("link", attributes["href"])


def _task_done(tokens: Sequence[Token], index: int) -> bool:
    for token in tokens[index + 1 : index + 4]:
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline" and "task-list-item-checkbox" in child.content:
                    return "checked" in child.content
            return False
    return False


def _shift_cell(built: DisplayLine, cut: int) -> _Cell:
    text = built.text.strip()
    size = len(text)
    spans = tuple(
        (max(s - cut, 0), min(e - cut, size), r) for s, e, r in built.spans if e - cut > 0
    )
    runs: list[Run] = []
    for start, length, line, column in built.runs:
        lo, hi = max(start - cut, 0), min(start + length - cut, size)
        if lo < hi:
            runs.append((lo, hi - lo, line, column + lo - (start - cut)))
    return _Cell(text, tuple(s for s in spans if s[0] < s[1]), tuple(runs))


# --- the entry point -------------------------------------------------------------------------

_FENCE = re.compile(r" *(`{3,}|~{3,})(.*)")
_HTML_OPEN = re.compile(
    r" {0,3}<(?:!--|\?|!\[CDATA\[|(pre|script|style|textarea)(?=[\s>]|$))", re.I
)
_CONTINUES = re.compile(r"[ >|*+-]|\d{1,9}[.)]")


def _boundary(lines: Sequence[str], stop: int) -> int:
    """The first line after a blank run at or after `stop` that starts a new top-level block,
    found by a cheap scan (fences and multi-line HTML tracked); len(lines) if none."""
    fence = ""
    html_end = ""
    count = len(lines)
    index = _front_matter_end(lines)
    while index < count:
        text = lines[index]
        if fence:
            stripped = text.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = ""
        elif html_end:
            if html_end in text.lower():
                html_end = ""
        else:
            match = _FENCE.match(text)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                fence = match.group(1)
            else:
                html = _HTML_OPEN.match(text)
                if html:
                    tail = text[html.end() :].lower()
                    opened = html.group(0).lower()
                    if "<!--" in opened:
                        html_end = "-->" if "-->" not in tail else ""
                    elif "<?" in opened:
                        html_end = "?>" if "?>" not in tail else ""
                    elif "cdata" in opened:
                        html_end = "]]>" if "]]>" not in tail else ""
                    else:
                        name = html.group(1).lower() if html.group(1) else ""
                        html_end = f"</{name}>" if name and f"</{name}>" not in tail else ""
                elif index >= stop and not text.strip() and index > 0:
                    after = index + 1
                    while after < count and not lines[after].strip():
                        after += 1
                    if after >= count:
                        return count
                    if not _CONTINUES.match(lines[after]):
                        return after
                    index = after
                    continue
        index += 1
    return count


def _front_matter_end(lines: Sequence[str]) -> int:
    """The line after YAML front matter (as mdit-py-plugins finds it), or 0."""
    if not lines or not lines[0].startswith("---"):
        return 0
    dashes = len(lines[0]) - len(lines[0].lstrip("-"))
    for index in range(1, len(lines)):
        text = lines[index]
        if text.startswith("...") and not text[3:].strip():
            return index + 1
        stripped = text.strip()
        if (
            len(text) - len(text.lstrip(" ")) < 4
            and len(stripped) >= dashes
            and not stripped.strip("-")
        ):
            return index + 1
    return 0


def render_markdown(lines: Sequence[str], *, stop: int | None = None) -> Rendered:
    """Render Markdown source lines (already split, tabs expanded, no newlines).

    Args:
        lines: the document's lines.
        stop: render only up to a block boundary at or after this line (a blank line outside
            any fence, list, table or quote) and show every later line as it is (kind "raw"):
            the first screen of a huge file is up at once while the full render runs elsewhere.

    Returns:
        The display lines, headings and anchors.
    """
    count = len(lines)
    end = count if stop is None or stop >= count else _boundary(lines, max(stop, 0))
    source = lines[:end] if end < count else lines
    # markdown-it reads "\r" as a line break and NUL as U+FFFD; give it one-character stand-ins
    # so that its lines stay ours (shown text is taken from the real source).
    text = "\n".join(source)
    parsed: Sequence[str] = source
    if "\r" in text or "\0" in text:
        parsed = [line.replace("\r", "\ufffd").replace("\0", "\ufffd") for line in source]
        text = "\n".join(parsed)
    # The quick render for the first screen colours code only with lexers already made; the
    # full render, which replaces it, makes the rest.
    renderer = _Renderer(source, parsed, build=end == count)
    try:
        tokens = _parser().parse(text)
    except RecursionError:
        tokens = []
    renderer.render(tokens)
    head = renderer.finish(end)
    reach: list[int] = []
    high = -1
    for display in head:
        high = max(high, display.last)
        reach.append(high)
    shown: Sequence[DisplayLine] = head if end == count else _RawTail(head, lines, end)
    return Rendered(shown, tuple(renderer.headings), renderer.anchors, end, tuple(reach))
