"""Markdown shown formatted, line for line: what each source line looks like on screen.

Each source line stays one display line, so line numbers of search hits and notes hold. Inline
markers (`**`, backticks, link targets, heading hashes) are hidden; `columns` maps every shown
character back to its column in the source line, so a match in the source can be highlighted.
Block structure comes from markdown-it-py; inline structure from a small scanner per line, since
markdown-it does not report columns of inline tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

__all__ = ["FormattedLine", "format_markdown"]


@dataclass(frozen=True)
class FormattedLine:
    """One source line as shown."""

    text: str
    """The characters shown."""
    columns: tuple[int, ...] | None
    """Source column of each shown character; None when the text is the source line itself."""
    spans: tuple[tuple[int, int, str], ...] = ()
    """(start, end, role) over `text`; roles: h1..h6, strong, em, code, codeblock, quote,
    marker, link, rule."""
    links: tuple[tuple[int, int, str], ...] = ()
    """(start, end, target) of each link over `text`."""

    def display_column(self, source_column: int) -> int:
        """The shown column of a source column (the next shown one if it is hidden)."""
        if self.columns is None:
            return source_column
        from bisect import bisect_left

        return bisect_left(self.columns, source_column)


_INLINE = re.compile(
    r"(?P<code>`+)(?P<code_body>.+?)(?P=code)"
    r"|(?P<image>!?)\[(?P<link_text>[^\]\n]+)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)"
    r"|(?P<strong>\*\*|__)(?P<strong_body>\S(?:.*?\S)?)(?P=strong)"
    r"|(?<![\w*])(?P<em>[*_])(?P<em_body>[^\s*_](?:[^*_]*?[^\s*_])?)(?P=em)(?![\w*])"
    r"|<(?P<autolink>https?://[^>\s]+)>"
)


class _Builder:
    """Collects shown characters of one line with their source columns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.text: list[str] = []
        self.columns: list[int] = []
        self.spans: list[tuple[int, int, str]] = []
        self.links: list[tuple[int, int, str]] = []
        self.changed = False

    def keep(self, start: int, end: int, role: str | None = None) -> None:
        begin = len(self.text)
        for column in range(start, end):
            self.text.append(self.source[column])
            self.columns.append(column)
        if role and end > start:
            self.spans.append((begin, len(self.text), role))

    def replace(self, column: int, char: str, role: str | None = None) -> None:
        begin = len(self.text)
        self.text.append(char)
        self.columns.append(column)
        self.changed = True
        if role:
            self.spans.append((begin, begin + 1, role))

    def hide(self) -> None:
        self.changed = True

    def build(self, line_role: str | None = None) -> FormattedLine:
        text = "".join(self.text)
        spans = list(self.spans)
        if line_role and text:
            spans.insert(0, (0, len(text), line_role))
        return FormattedLine(
            text=text,
            columns=tuple(self.columns) if self.changed else None,
            spans=tuple(spans),
            links=tuple(self.links),
        )


def _inline(builder: _Builder, start: int, end: int) -> None:
    """Format inline markup of `source[start:end]` into the builder."""
    source = builder.source
    position = start
    for match in _INLINE.finditer(source, start, end):
        builder.keep(position, match.start())
        if match.group("code"):
            builder.hide()
            builder.keep(match.start("code_body"), match.end("code_body"), "code")
        elif match.group("link_text") is not None:
            builder.hide()
            begin = len(builder.text)
            role = "link"
            builder.keep(match.start("link_text"), match.end("link_text"), role)
            builder.links.append((begin, len(builder.text), match.group("target")))
        elif match.group("strong"):
            builder.hide()
            builder.keep(match.start("strong_body"), match.end("strong_body"), "strong")
        elif match.group("em"):
            builder.hide()
            builder.keep(match.start("em_body"), match.end("em_body"), "em")
        else:  # <https://...>
            builder.hide()
            begin = len(builder.text)
            builder.keep(match.start("autolink"), match.end("autolink"), "link")
            builder.links.append((begin, len(builder.text), match.group("autolink")))
        position = match.end()
    builder.keep(position, end)


_HEADING = re.compile(r"^( {0,3})(#{1,6})(\s+|$)")
_HEADING_CLOSE = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^( {0,3})>( ?)")
_BULLET = re.compile(r"^(\s*)([-*+])(\s+)")


def format_markdown(lines: list[str]) -> list[FormattedLine]:
    """Format Markdown source lines for display, one FormattedLine per source line."""
    roles: dict[int, str] = {}  # line -> block role
    headings: dict[int, str] = {}
    setext_rules: set[int] = set()
    quotes: set[int] = set()
    bullets: set[int] = set()
    rules: set[int] = set()
    for token in MarkdownIt("commonmark").parse("\n".join(lines)):
        if token.map is None:
            continue
        first, last = token.map
        if token.type == "heading_open":
            headings[first] = token.tag
            if token.markup in ("=", "-"):
                setext_rules.add(last - 1)
        elif token.type in ("fence", "code_block"):
            for line in range(first, last):
                roles[line] = "codeblock"
            if token.type == "fence":
                roles[first] = "fence"
                if last - 1 > first:
                    roles[last - 1] = "fence"
        elif token.type == "blockquote_open":
            quotes.update(range(first, last))
        elif token.type == "list_item_open" and token.markup in ("-", "*", "+"):
            bullets.add(first)
        elif token.type == "hr":
            rules.add(first)
    result: list[FormattedLine] = []
    for number, source in enumerate(lines):
        result.append(
            _format_line(number, source, roles, headings, setext_rules, quotes, bullets, rules)
        )
    return result


def _format_line(
    number: int,
    source: str,
    roles: dict[int, str],
    headings: dict[int, str],
    setext_rules: set[int],
    quotes: set[int],
    bullets: set[int],
    rules: set[int],
) -> FormattedLine:
    role = roles.get(number)
    if role == "fence" or number in setext_rules:
        return FormattedLine(source, None, ((0, len(source), "marker"),) if source else ())
    if role == "codeblock":
        return FormattedLine(source, None, ((0, len(source), "codeblock"),) if source else ())
    if number in rules:
        return FormattedLine("─" * len(source), None, ((0, len(source), "rule"),))
    builder = _Builder(source)
    start = 0
    line_role: str | None = None
    if number in quotes:
        match = _QUOTE.match(source)
        if match:
            builder.keep(0, match.start(1) + len(match.group(1)))
            builder.replace(match.start(0) + len(match.group(1)), "▌", "marker")
            builder.keep(match.end(1) + 1, match.end(0))
            start = match.end(0)
            line_role = "quote"
    if number in headings:
        match = _HEADING.match(source, 0)
        line_role = headings[number]
        if match:
            builder.keep(0, len(match.group(1)))
            builder.hide()
            start = match.end()
            close = _HEADING_CLOSE.search(source, start)
            end = close.start() if close else len(source)
            _inline(builder, start, end)
            return builder.build(line_role)
    elif number in bullets:
        match = _BULLET.match(source, start)
        if match:
            builder.keep(start, match.start(2))
            builder.replace(match.start(2), "•", "marker")
            builder.keep(match.end(2), match.end())
            start = match.end()
    _inline(builder, start, len(source))
    return builder.build(line_role)
