"""The reader app: a library of documents, the document pane, and the screens around them."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from seedreader.documents import Document, DocumentError, Library, sanitize
from seedreader.state import Place, ReadingState, find_place, make_quote
from seedreader.ui.keys import APP_KEYS, DOCUMENT_KEYS, Key, bindings
from seedreader.ui.widgets.bars import StatusBar, TitleBar
from seedreader.ui.widgets.document_view import DocumentView
from seedreader.ui.widgets.library_panel import LibraryEntry, LibraryPanel

if TYPE_CHECKING:
    from textual.command import Provider

CHANGE_CHECK_SECONDS = 2.0
"""How often the open document is checked for changes on disk."""


class ReaderScreen(Screen[None]):
    """The main screen: title, library panel, document pane, status bar and footer."""

    BINDINGS = bindings(APP_KEYS)
    AUTO_FOCUS = "DocumentView"

    def __init__(
        self,
        library: Library,
        state: ReadingState,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.library = library
        self.state = state
        self.current: int | None = None
        """Index of the document on screen."""
        self._places = state.all()
        self._index_progress: dict[Path, float] = {}
        self._messages = messages or []

    def compose(self) -> ComposeResult:
        # The library panel and the footer are mounted after the first frame: the document's
        # first lines come first.
        yield TitleBar(id="title-bar")
        with Horizontal(id="main"):
            yield DocumentView(id="document")
        yield StatusBar(id="status-bar")

    @property
    def view(self) -> DocumentView:
        return self.query_one(DocumentView)

    def on_mount(self) -> None:
        for index in range(len(self.library)):
            if self.open_index(index, quiet=True):
                break
        else:
            self.query_one(TitleBar).show_title("no document could be opened", "")
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        panel = LibraryPanel(id="library")
        panel.display = len(self.library) > 1
        await self.query_one("#main").mount(panel, before=0)
        await self.mount(Footer())
        self.refresh_bindings()  # the footer learns the keys from this signal
        self._refresh_library()
        self.set_interval(CHANGE_CHECK_SECONDS, self._check_for_changes)
        for message in self._messages:
            self.notify(sanitize(message), markup=False, timeout=6)
        if self.state.problem:
            self.notify(sanitize(self.state.problem), severity="warning", markup=False)

    # -- opening documents

    def open_index(self, index: int, quiet: bool = False) -> bool:
        """Show document `index`; returns False (with a message) if it cannot be opened."""
        document = self.library[index]
        try:
            document.load()
        except DocumentError as error:
            if not quiet or len(self.library) == 1:
                self.notify(sanitize(str(error)), severity="error", markup=False)
            return False
        self.remember_place()
        self.current = index
        place = self._places.get(str(document.path))
        line = 0
        if place is not None:
            line = find_place(place, document.line_count, document.line)
        self.view.show(document, line=line)
        if not document.is_indexed:
            self._index_document(document)
        self._update_bars()
        panels = self.query(LibraryPanel)
        if panels and panels.first().option_count == len(self.library):
            panels.first().highlighted = index
        return True

    def remember_place(self) -> None:
        """Save where the current document is being read."""
        view = self.view
        if self.current is None or view.document is None:
            return
        document = view.document
        old = self._places.get(str(document.path))
        furthest = max(view.last_visible_line, old.furthest if old else 0)
        place = Place(
            line=view.cursor,
            quote=make_quote(document.line(view.cursor)),
            furthest=furthest,
            line_count=document.line_count,
        )
        self._places[str(document.path)] = place
        self.state.save(document.path, place)

    def _refresh_library(self) -> None:
        entries = []
        for document in self.library:
            place = self._places.get(str(document.path))
            loaded = document is self.view.document or place is not None
            lines = place.line_count if place is not None else None
            if document is self.view.document:
                lines = document.line_count
            read = 0.0
            if place is not None and lines:
                read = min((place.furthest + 1) / lines, 1.0)
            entries.append(LibraryEntry(document, lines if loaded else None, read))
        for panel in self.query(LibraryPanel):
            panel.show_entries(entries, self.current or 0)

    # -- background indexing of large files

    @work(thread=True, group="index", exit_on_error=False)
    def _index_document(self, document: Document) -> None:
        worker = get_current_worker()
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.25:
                last = now
                self.app.call_from_thread(self._indexing, document, done / total)

        document.index_lines(progress, cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._indexing, document, 1.0)

    def _indexing(self, document: Document, fraction: float) -> None:
        if fraction >= 1.0:
            self._index_progress.pop(document.path, None)
        else:
            self._index_progress[document.path] = fraction
        if self.view.document is document:
            self.view.lines_grew()
            self._update_bars()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                sanitize(f"{event.worker.name}: {event.worker.error}"),
                severity="error",
                markup=False,
            )

    # -- documents changing on disk

    def _check_for_changes(self) -> None:
        document = self.view.document
        if document is None or self.current is None or not document.has_changed():
            return
        if not document.path.exists():
            return  # deleted: keep showing what was read
        fresh = document.reloaded()
        try:
            fresh.load()
        except DocumentError:
            return
        self.remember_place()
        self.library.replace(document, fresh)
        self.open_index(self.current)
        self.notify(f"{sanitize(document.name)} changed on disk and was reloaded.", markup=False)

    # -- bars

    @on(DocumentView.CursorMoved)
    def _cursor_moved(self) -> None:
        self._update_bars()

    def _update_bars(self) -> None:
        view = self.view
        document = view.document
        if document is None or self.current is None:
            return
        position = f"{self.current + 1}/{len(self.library)}" if len(self.library) > 1 else ""
        self.query_one(TitleBar).show_title(document.name, position)
        count = document.line_count
        parts = []
        if count:
            suffix = "" if document.is_indexed else "+"
            percent = round((view.last_visible_line + 1) / count * 100)
            parts.append(f"line {view.cursor + 1:,}/{count:,}{suffix}")
            parts.append(f"{percent}%")
        else:
            parts.append("empty")
        parts.append(document.encoding)
        if not view.wrap:
            parts.append("wrap off")
        progress = self._index_progress.get(document.path)
        if progress is not None:
            parts.append(f"indexing {round(progress * 100)}%")
        self.query_one(StatusBar).show_status(parts)

    # -- actions

    @on(LibraryPanel.DocumentChosen)
    def _library_choice(self, event: LibraryPanel.DocumentChosen) -> None:
        if self.open_index(event.index):
            self._refresh_library()
            self.view.focus()

    @on(DocumentView.LinkClicked)
    def _link_clicked(self, event: DocumentView.LinkClicked) -> None:
        target = event.target
        if not target.lower().startswith(("http://", "https://")):
            self.notify(
                f"Only http(s) links can be opened; this one is: {sanitize(target)}",
                markup=False,
                severity="warning",
            )
            return
        from seedreader.ui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self._open_url(target)

        self.app.push_screen(ConfirmScreen("Open this address in your web browser?", target), answer)

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        import webbrowser

        webbrowser.open(url)

    def _step_document(self, step: int) -> None:
        if not self.library or self.current is None:
            return
        index = self.current
        for _ in range(len(self.library)):
            index = (index + step) % len(self.library)
            if self.open_index(index):
                self._refresh_library()
                return

    def action_next_document(self) -> None:
        self._step_document(1)

    def action_previous_document(self) -> None:
        self._step_document(-1)

    def action_toggle_library(self) -> None:
        panel = self.query_one(LibraryPanel)
        panel.display = not panel.display
        if panel.display:
            self._refresh_library()
            panel.focus()
        else:
            self.view.focus()

    def action_pick_document(self) -> None:
        from seedreader.ui.screens.picker import PickerScreen

        names = [document.name for document in self.library]
        labels = [str(document.path) for document in self.library]
        common = _common_parent(labels)
        labels = [label[len(common) :] for label in labels]

        def chosen(index: int | None) -> None:
            if index is not None and self.open_index(index):
                self._refresh_library()

        self.app.push_screen(PickerScreen([*labels] if common else names, labels), chosen)

    def action_help(self) -> None:
        from seedreader.ui.screens.help import HelpScreen

        groups: dict[str, list[Key]] = {}
        for key in (*DOCUMENT_KEYS, *APP_KEYS):
            groups.setdefault(key.group, []).append(key)
        self.app.push_screen(HelpScreen(groups))

    def action_command_palette(self) -> None:
        self.app.action_command_palette()

    def action_quit(self) -> None:
        self.remember_place()
        self.app.exit()


def _common_parent(paths: list[str]) -> str:
    if len(paths) < 2:
        return str(Path(paths[0]).parent) + "/" if paths else ""
    import os.path

    common = os.path.commonpath(paths)
    return common.rstrip("/") + "/"


def _document_commands() -> type[Provider]:
    from seedreader.ui.commands import document_commands

    return document_commands()


class ReaderApp(App[None]):
    """seedreader's app; documents and folders come in through the constructor."""

    CSS_PATH = "app.tcss"
    TITLE = "seedreader"
    COMMANDS = App.COMMANDS | {_document_commands}

    def __init__(
        self,
        documents: list[Document],
        data_dir: Path,
        skipped_binary: int = 0,
        scan_errors: Iterable[str] = (),
    ) -> None:
        super().__init__()
        self.library = Library(documents)
        self.data_dir = data_dir
        self.reading_state = ReadingState(data_dir)
        messages = list(scan_errors)
        if skipped_binary:
            plural = "s" if skipped_binary != 1 else ""
            messages.append(f"Skipped {skipped_binary} binary file{plural}.")
        self._messages = messages

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(self.library, self.reading_state, self._messages)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            yield SystemCommand(
                "Open document…", "Pick a document by name", screen.action_pick_document
            )
            yield SystemCommand(
                "Toggle library panel", "Show or hide the list of documents",
                screen.action_toggle_library,
            )
            yield SystemCommand(
                "Toggle wrapping", "Wrap long lines or scroll sideways",
                screen.view.action_toggle_wrap,
            )
            yield SystemCommand("Help", "Show the key map", screen.action_help)

    def on_unmount(self) -> None:
        screen = self.screen_stack[0] if self.screen_stack else None
        if isinstance(screen, ReaderScreen):
            screen.remember_place()
        self.reading_state.close()
