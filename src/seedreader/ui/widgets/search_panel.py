"""The search bar: a query box, a scope toggle, a count, and ranked hits with snippets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from seedreader.documents import Document, sanitize
from seedreader.search import Hit, SearchResult

SNIPPET_WIDTH = 90
"""Characters of a hit's line shown around its first match."""


def snippet(hit: Hit, width: int = SNIPPET_WIDTH) -> Text:
    """The hit's line around its matches, sanitized, with every matched term highlighted."""
    line = hit.text
    first = hit.spans[0][0] if hit.spans else hit.column
    start = 0
    if len(line) > width:
        start = max(0, min(first - width // 4, len(line) - width))
    end = min(len(line), start + width)
    lead = "…" if start > 0 else ""
    text = Text(lead + sanitize(line[start:end]) + ("…" if end < len(line) else ""))
    for a, b in hit.spans:
        a, b = max(a, start) - start + len(lead), min(b, end) - start + len(lead)
        if a < b:
            text.stylize("bold reverse", a, b)
    return text


def count_text(result: SearchResult, scope_all: bool) -> str:
    """ "17 hits in 3 documents" and friends."""
    if not result.hits:
        return "No hits"
    documents = len({hit.document.path for hit in result.hits})
    total = f"{result.total:,}" + ("" if result.complete else "+")
    hits = "hit" if result.total == 1 else "hits"
    if not scope_all:
        return f"{total} {hits} in this document"
    if result.total > len(result.hits):
        # Only the best hits are here, so their documents are a lower bound.
        where = f" in {documents}+ documents" if documents > 1 else ""
        return f"{total} {hits}{where} (best {len(result.hits)} shown)"
    plural = "document" if documents == 1 else "documents"
    return f"{total} {hits} in {documents} {plural}"


class SearchPanel(Vertical):
    """Typing posts `QueryChanged`; moving through hits posts `HitHighlighted`; Enter `HitChosen`.

    The panel only shows what the screen gives it (`show_results`, `show_state`): searching
    happens in the screen's workers.
    """

    BINDINGS = [
        Binding("escape", "close", "Back", priority=True),
        Binding("down", "move(1)", "Next hit", show=False, priority=True),
        Binding("up", "move(-1)", "Previous hit", show=False, priority=True),
        Binding("pagedown", "move(10)", "Page", show=False),
        Binding("pageup", "move(-10)", "Page", show=False),
        Binding("ctrl+t", "toggle_scope", "All/this document"),
    ]

    @dataclass
    class QueryChanged(Message):
        """The query or the scope changed."""

        query: str
        scope_all: bool

    @dataclass
    class HitHighlighted(Message):
        """The user moved onto a hit (preview it)."""

        hit: Hit

    @dataclass
    class HitChosen(Message):
        """The user picked a hit (jump there)."""

        hit: Hit

    @dataclass
    class Closed(Message):
        """The panel was closed without choosing a hit."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scope_all = True
        """Search every document (True) or only the one on screen."""
        self.hits: list[Hit] = []
        self.label_of: Callable[[Document], str] = lambda document: document.name
        """How a document is named in the hits (set by the screen)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-top"):
            yield Input(
                placeholder='Search: typos are forgiven, "quotes" match exactly',
                id="search-query",
            )
            yield Button("All documents", id="search-scope", compact=True)
        yield Static("", id="search-count")
        yield OptionList(id="search-hits")

    @property
    def query_text(self) -> str:
        return self.query_one("#search-query", Input).value

    def open(self) -> None:
        """Show the panel with the query selected, ready to type."""
        self.display = True
        query = self.query_one("#search-query", Input)
        # Focus now, not on the next loop turn: the keys typed right after `/` go here.
        self.screen.set_focus(query)
        query.select_all()

    def show_state(self, message: str) -> None:
        """A line above the hits: progress, errors, or a hint."""
        self.query_one("#search-count", Static).update(Text(sanitize(message)))

    def show_results(self, result: SearchResult) -> None:
        """Show ranked hits, the count and any 'did you mean' suggestions."""
        self.hits = list(result.hits)
        options = self.query_one("#search-hits", OptionList)
        options.clear_options()
        options.add_options([Option(self._prompt(hit)) for hit in self.hits])
        count = Text(count_text(result, self.scope_all), style="bold")
        fuzzy = [
            term for term in (result.hits[0].terms if result.hits else ()) if term.kind == "fuzzy"
        ]
        if fuzzy:
            count.append("   " + "; ".join(sanitize(str(term)) for term in fuzzy), style="dim")
        if result.suggestions:
            words = ", ".join(f"{sanitize(s.word)} ({s.count})" for s in result.suggestions[:5])
            count.append(f"   did you mean: {words}", style="italic")
        self.query_one("#search-count", Static).update(count)
        if self.hits:
            options.highlighted = 0

    def _prompt(self, hit: Hit) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(sanitize(self.label_of(hit.document)), style="bold")
        text.append(f":{hit.line + 1}", style="dim")
        text.append("  ")
        # One row per hit: the snippet gets what the name leaves of the list's width.
        width = (self.query_one("#search-hits", OptionList).size.width or 100) - 4
        text.append_text(snippet(hit, max(width - text.cell_len, 20)))
        return text

    def _changed(self) -> None:
        self.post_message(self.QueryChanged(self.query_text, self.scope_all))

    @on(Input.Changed, "#search-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#search-hits", OptionList)
        if self.hits and options.highlighted is not None:
            self.post_message(self.HitChosen(self.hits[options.highlighted]))

    @on(OptionList.OptionSelected, "#search-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.HitChosen(self.hits[event.option_index]))

    @on(OptionList.OptionHighlighted, "#search-hits")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.post_message(self.HitHighlighted(self.hits[event.option_index]))

    @on(Button.Pressed, "#search-scope")
    def _scope_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_scope()

    def action_toggle_scope(self) -> None:
        self.scope_all = not self.scope_all
        label = "All documents" if self.scope_all else "This document"
        self.query_one("#search-scope", Button).label = label
        self._changed()
        self.query_one("#search-query", Input).focus()

    def action_move(self, step: int) -> None:
        options = self.query_one("#search-hits", OptionList)
        if self.hits:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = min(max(current + step, 0), len(self.hits) - 1)

    def action_close(self) -> None:
        self.post_message(self.Closed())
