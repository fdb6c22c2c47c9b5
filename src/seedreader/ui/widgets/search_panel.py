"""The search bar: a query box, a scope toggle, a count, and ranked hits with snippets.

It owns searching: the index's life cycle, the debounce, the search workers and the scope.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from seedreader.documents import Document, sanitize
from seedreader.hit_trail import HitTrail
from seedreader.lazy_index import IndexFailed, LazyIndex
from seedreader.pathnames import show_path
from seedreader.ui.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from textual.timer import Timer

    from seedreader.search import Hit, SearchResult

SNIPPET_WIDTH = 90
"""Characters of a hit's line shown around its first match."""


def snippet(hit: Hit, width: int = SNIPPET_WIDTH) -> Text:
    """The hit's line around its matches, sanitized, with every matched term highlighted.

    Only a window of `width` characters ("…" marks included) is touched: a line may be megabytes.
    """
    window = hit.window(width)
    lead = "…" if window.cut_before else ""
    text = Text(lead + sanitize(window.text) + ("…" if window.cut_after else ""))
    for a, b in window.spans:
        text.stylize("bold reverse", a + len(lead), b + len(lead))
    return text


DEBOUNCE_SECONDS = 0.06
"""A burst of keystrokes starts one search, not one per key."""
QUERY_CHARS = 1000
"""The query box takes no more: the engine reads no more (`search.query.MAX_QUERY_CHARS`, not
imported here: the engine loads when first needed), and each key typed into a long box costs."""
RESULTS_SHOWN = 50


def count_text(result: SearchResult, scope_all: bool, library_size: int | None = None) -> str:
    """ "17 hits in 3 documents"; a trailing "+" marks a count the engine did not finish.

    A lower bound on documents that already reaches `library_size` is exact, so unmarked.
    """
    if not result.hits:
        return "No hits"
    more = "" if result.complete else "+"
    hits = "hit" if result.total == 1 else "hits"
    total = f"{result.total:,}{more} {hits}"
    if not scope_all:
        return f"{total} in this document"
    documents = "document" if result.documents == 1 else "documents"
    every = library_size is not None and result.documents >= library_size
    where = f" in {result.documents:,}{'' if every else more} {documents}"
    shown = f" (best {len(result.hits)} shown)" if result.total > len(result.hits) else ""
    return total + where + shown


class SearchPanel(ReportsWorkerErrors, Vertical):
    """Type to search; ↑/↓ preview a hit (`HitHighlighted`), Enter jumps (`HitChosen`).

    After a jump it collects every hit of the query in library order and posts
    `TrailReady`, which n/N step through. Esc posts `Closed`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", priority=True),
        Binding("down", "move(1)", "Next hit", show=False, priority=True),
        Binding("up", "move(-1)", "Previous hit", show=False, priority=True),
        Binding("pagedown", "move(10)", "Page", show=False),
        Binding("pageup", "move(-10)", "Page", show=False),
        Binding("ctrl+t", "toggle_scope", "All/this document"),
    ]

    @dataclass
    class HitHighlighted(Message):
        """The user moved onto a hit (preview it)."""

        hit: Hit

    @dataclass
    class HitChosen(Message):
        """The user picked a hit (jump there)."""

        hit: Hit

    @dataclass
    class TrailReady(Message):
        """Every hit of the chosen query, in library order, positioned on the chosen hit."""

        trail: HitTrail

    @dataclass
    class Closed(Message):
        """The panel was closed without choosing a hit."""

    def __init__(
        self,
        index: LazyIndex,
        order: Callable[[], dict[Path, int]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.index = index
        self._order = order
        """Each document's rank in the library, for the trail's order."""
        self.scope_all = True
        """Search every document (True) or only `scope_document`."""
        self.scope_document: Document | None = None
        """The document the reader was in when the panel opened."""
        self.hits: list[Hit] = []
        self.label_of: Callable[[Document], str] = lambda document: document.name
        """How a document is named in the hits (set by the screen)."""
        self._generation = 0
        """Bumped by every query change; a result of an older generation is dropped."""
        self._timer: Timer | None = None
        self._waiting: str | None = None
        """A query typed while the index is being built."""
        self.is_indexing = False
        """A build of the index is running."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="search-top"):
            yield Input(
                placeholder='Search: typos are forgiven, "quotes" match exactly',
                id="search-query",
                max_length=QUERY_CHARS,
            )
            yield Button("All documents", id="search-scope", compact=True)
        yield Static("", id="search-count")
        yield OptionList(id="search-hits")

    @property
    def query_text(self) -> str:
        return self.query_one("#search-query", Input).value

    @property
    def is_open(self) -> bool:
        return bool(self.display)

    def open(self, document: Document) -> None:
        """Show the panel over `document` with the query selected, ready to type."""
        self.scope_document = document
        self.hits = []  # a new search starts from its first hit
        self.display = True
        query = self.query_one("#search-query", Input)
        # Focus now, not on the next loop turn: the keys typed right after `/` go here.
        self.screen.set_focus(query)
        query.select_all()
        if self.query_text.strip():
            self._search_now()
        elif self.index.is_ready:
            self.show_state("Type to search.")
        else:
            self._ensure_index()

    def close(self) -> None:
        """Hide the panel; a search still running no longer shows anything."""
        self.display = False
        self._generation += 1
        if self._timer is not None:
            self._timer.stop()
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            # Now, not when the screen gets `Closed`: a key typed right after Esc (Esc q read
            # together as alt+q) must not land in the hidden query box.
            self.screen.set_focus(None)

    def show_state(self, message: str) -> None:
        """A line above the hits: progress, errors, or a hint."""
        self.query_one("#search-count", Static).update(Text(sanitize(message)))

    def reindex(self, document: Document) -> None:
        """A document changed on disk: bring the index up to date (if it is built)."""
        if self.index.is_ready:
            self._update_index(document)

    def include(self, documents: list[Document]) -> None:
        """Documents joined the library from inside the app: index them (if it is built; an
        index built later takes them from the library)."""
        if self.index.is_ready and documents:
            self._include(documents)

    @work(thread=True, group="search-update", exit_on_error=False)
    def _include(self, documents: list[Document]) -> None:
        from seedreader.search import IndexCancelled

        worker = get_current_worker()
        try:
            for document in documents:
                self.index.update(document, cancelled=lambda: worker.is_cancelled)
        except IndexCancelled:
            return

    # -- the index

    def _ensure_index(self) -> None:
        """Start building the index unless it is built or being built."""
        if not self.index.is_ready and not self.is_indexing:
            self.is_indexing = True
            self._build_index()

    def _built(self) -> None:
        self.is_indexing = False

    @work(thread=True, group="search-index", exit_on_error=False)
    def _build_index(self) -> None:
        worker = get_current_worker()
        try:
            self._build_index_now()
        except Exception as error:
            # Whatever fails says so: the count line never stays at "Indexing N%".
            if not worker.is_cancelled:
                message = f"The search index could not be built ({type(error).__name__}: {error})."
                self.app.call_from_thread(self.show_state, message)
            raise
        finally:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._built)

    def _build_index_now(self) -> None:
        from seedreader.search import IndexCancelled

        worker = get_current_worker()
        last = 0.0
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.2:
                last = now
                percent = round(done / max(total, 1) * 100)
                message = f"Indexing {percent}% ({done / 1e6:,.1f} of {total / 1e6:,.1f} MB)…"
                self.app.call_from_thread(self.show_state, message)

        if not self.index.is_ready:
            self.app.call_from_thread(self.show_state, "Indexing documents…")
        try:
            index = self.index.get(progress, cancelled=lambda: worker.is_cancelled)
        except IndexCancelled:
            return
        except IndexFailed as error:
            message = f"The search index could not be built ({error}); typing tries again."
            self.app.call_from_thread(self.show_state, message)
            return
        seconds = time.monotonic() - started
        self.app.call_from_thread(self._index_ready, index.errors, seconds)

    def _index_ready(self, errors: list[str], seconds: float) -> None:
        for problem in errors[:3]:
            self.notify(sanitize(problem), severity="warning", markup=False)
        if self._waiting is not None:
            self._waiting = None
            self._search_now()
        elif self.display:
            self.show_state(f"Ready ({seconds:.1f} s to index). Type to search.")

    @work(thread=True, group="search-update", exit_on_error=False)
    def _update_index(self, document: Document) -> None:
        from seedreader.search import IndexCancelled

        worker = get_current_worker()
        try:
            self.index.update(document, cancelled=lambda: worker.is_cancelled)
        except IndexCancelled:
            return

    # -- searching

    def _scope(self) -> list[Document] | None:
        if self.scope_all or self.scope_document is None:
            return None
        return [self.scope_document]

    def _search_soon(self) -> None:
        self._generation += 1
        generation = self._generation
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(generation))

    def _search_now(self) -> None:
        self._generation += 1
        self._search(self._generation)

    def _search(self, generation: int) -> None:
        if generation != self._generation:
            return
        query = self.query_text
        if not query.strip():
            self.show_state("Type to search.")
            self.hits = []
            self.query_one("#search-hits", OptionList).clear_options()
            return
        if not self.index.is_ready:
            self._waiting = query
            self._ensure_index()
            return
        self._run_search(generation, query, self._scope())

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, generation: int, query: str, scope: list[Document] | None) -> None:
        from seedreader.search import SearchCancelled

        index = self.index.index
        if index is None:
            return
        worker = get_current_worker()
        try:
            # A newer query (exclusive) or quitting cancels the worker: the search stops then.
            result = index.search(
                query, limit=RESULTS_SHOWN, documents=scope, cancelled=lambda: worker.is_cancelled
            )
        except SearchCancelled:
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_results, generation, result)

    def _show_results(self, generation: int, result: SearchResult) -> None:
        if generation != self._generation or not self.display:
            return  # an older query's results never replace a newer one's
        options = self.query_one("#search-hits", OptionList)
        same = [(h.document.path, h.line) for h in result.hits] == [
            (h.document.path, h.line) for h in self.hits
        ]
        self.hits = list(result.hits)
        if not same:  # the same hits again (the query retyped): the reader keeps their place
            options.clear_options()
            options.add_options([Option(self._prompt(hit)) for hit in self.hits])
        count = Text(count_text(result, self.scope_all, self.index.size), style="bold")
        fuzzy = [
            term for term in (result.hits[0].terms if result.hits else ()) if term.kind == "fuzzy"
        ]
        if fuzzy:
            count.append("   " + "; ".join(sanitize(str(term)) for term in fuzzy), style="dim")
        if result.suggestions:
            words = ", ".join(f"{sanitize(s.word)} ({s.count})" for s in result.suggestions[:5])
            count.append(f"   did you mean: {words}", style="italic")
        self.query_one("#search-count", Static).update(count)
        if self.hits and not same:
            options.highlighted = 0

    def _prompt(self, hit: Hit) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(show_path(self.label_of(hit.document)), style="bold")  # \xff, not �
        text.append(f":{hit.line + 1}", style="dim")
        text.append("  ")
        # One row per hit: the snippet gets what the name leaves of the list's width.
        width = (self.query_one("#search-hits", OptionList).size.width or 100) - 4
        text.append_text(snippet(hit, max(width - text.cell_len, 20)))
        return text

    def _choose(self, hit: Hit) -> None:
        query, scope = self.query_text, self._scope()
        self.close()
        self.post_message(self.HitChosen(hit))
        self._collect_trail(query, scope, hit)

    @work(thread=True, exclusive=True, group="search-all", exit_on_error=False)
    def _collect_trail(self, query: str, scope: list[Document] | None, chosen: Hit) -> None:
        from seedreader.search import SearchCancelled

        index = self.index.index
        if index is None:
            return
        worker = get_current_worker()
        try:
            result = index.search(
                query, limit=0, documents=scope, cancelled=lambda: worker.is_cancelled
            )
        except SearchCancelled:
            return
        trail = HitTrail.collect(query, result.hits, self._order(), chosen, result.complete)
        if not worker.is_cancelled:
            self.post_message(self.TrailReady(trail))

    def on_unmount(self) -> None:
        """Quitting: stop every search and build now rather than wait for them (the process
        ends only when their threads do). Cancelled workers stop at their next check; the
        index stops the SQL statement it is running."""
        self.workers.cancel_node(self)
        self.index.interrupt()

    # -- events and keys

    @on(Input.Changed, "#search-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._search_soon()

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#search-hits", OptionList)
        if self.hits and options.highlighted is not None:
            self._choose(self.hits[options.highlighted])

    @on(OptionList.OptionSelected, "#search-hits")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(self.hits[event.option_index])

    @on(OptionList.OptionHighlighted, "#search-hits")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.display and event.option_index < len(self.hits):
            self.post_message(self.HitHighlighted(self.hits[event.option_index]))

    @on(Button.Pressed, "#search-scope")
    def _scope_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_scope()

    def action_toggle_scope(self) -> None:
        self.scope_all = not self.scope_all
        label = "All documents" if self.scope_all else "This document"
        self.query_one("#search-scope", Button).label = label
        self._search_now()
        self.query_one("#search-query", Input).focus()

    def action_move(self, step: int) -> None:
        options = self.query_one("#search-hits", OptionList)
        if self.hits:
            current = options.highlighted if options.highlighted is not None else -1
            options.highlighted = min(max(current + step, 0), len(self.hits) - 1)

    def action_close(self) -> None:
        self.close()
        self.post_message(self.Closed())
