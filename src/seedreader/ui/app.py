"""The reader app: builds the core objects and hands them to the reader screen."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

from seedreader.documents import Document, Library, Scanner, Skipped
from seedreader.lazy_index import LazyIndex
from seedreader.pathnames import show_path
from seedreader.state import ReadingState
from seedreader.ui.screens.reader import ReaderScreen
from seedreader.ui.widgets.bars import KeyFooter

if TYPE_CHECKING:
    from rich.console import RenderableType
    from textual.command import Provider
    from textual.driver import Driver

    from seedreader.notes import NotesStore
    from seedreader.search import SearchIndex

__all__ = ["ReaderApp", "ReaderScreen"]


def _document_commands() -> type[Provider]:
    from seedreader.ui.commands import DocumentCommands

    return DocumentCommands


def _open_notes(data_dir: Path) -> tuple[NotesStore | None, list[str]]:
    """The notes store and what to tell the user about it (moved aside, read-only, failed)."""
    from seedreader.notes import NotesStore, NotesStoreError

    try:
        store = NotesStore(data_dir)
    except NotesStoreError as error:
        return None, [str(error)]
    return store, list(store.warnings)


def _build_after(scanner: Scanner) -> Callable[..., SearchIndex]:
    """Builds the search index once the scan is over, of every document it found: a search
    while the library still grows waits for it (the scan takes a moment, the index longer)."""

    def build(
        _documents: Sequence[Document],
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchIndex:
        from seedreader.search import IndexCancelled, SearchIndex

        while scanner.result is None:
            if cancelled is not None and cancelled():
                raise IndexCancelled
            scanner.join(0.05)
        return SearchIndex.build(scanner.result.documents, progress=progress, cancelled=cancelled)

    return build


def _escape_then_key(key: str) -> tuple[events.Key, events.Key] | None:
    """`alt+s` (or `alt+shift+s`) as the two keys Esc and `s` (`S`); None for other keys."""
    name = key.removeprefix("alt+")
    if name == key:
        return None
    if name.startswith("shift+") and len(name) == len("shift+") + 1:
        name = name.removeprefix("shift+").upper()
    if len(name) != 1 or not name.isalnum():
        return None
    return events.Key("escape", "\x1b"), events.Key(name, name)


class ReaderApp(App[None]):
    """seedreader's app; documents and folders come in through the constructor."""

    CSS_PATH = "app.tcss"
    TITLE = "seedreader"
    COMMANDS = App.COMMANDS | {_document_commands}

    def __init__(
        self,
        documents: list[Document],
        data_dir: Path,
        skipped: Sequence[Skipped] = (),
        notices: Iterable[str] = (),
        scanner: Scanner | None = None,
    ) -> None:
        """`scanner`, when given, is a scan still running: its documents join `documents`
        as it finds them, and what it passes over and its notices are told at its end."""
        super().__init__()
        self.library = Library(documents, scanner=scanner, skipped=skipped)
        self.data_dir = data_dir
        self.reading_state = ReadingState(data_dir)
        self.notes_store: NotesStore | None = None
        """Opened once the first frame is on screen (see `on_reader_screen_ready`)."""
        self.search_index = LazyIndex(
            self.library.documents, None if scanner is None else _build_after(scanner)
        )
        self.is_quitting = False
        """Set once quitting has begun: keys that arrive after it are ignored."""
        self._early_keys: list[events.Key] = []
        """Keys typed before the reader had mounted every part, acted on once it has."""
        self.skipped = self.library.skipped
        """What the folder scan passed over, with reasons (listed by `show_skipped`); a scan
        still running fills it at its end."""
        messages = list(notices)
        if self.skipped:
            from seedreader.ui.screens.skipped import skipped_notice

            messages.append(skipped_notice(self.skipped))
        self._messages = messages
        theme = self.reading_state.setting("theme")
        if theme and theme in self.available_themes:
            self.theme = theme

    def get_driver_class(self) -> type[Driver]:
        from textual.drivers.linux_driver import LinuxDriver

        driver = super().get_driver_class()
        if driver is LinuxDriver:
            from seedreader.ui.driver import ReaderDriver

            return ReaderDriver  # takes over the first screen drawn before the app started
        return driver

    def get_default_screen(self) -> Screen[None]:
        return ReaderScreen(self.library, self.reading_state, self.search_index, self._messages)

    def watch_theme(self, theme: str) -> None:
        if theme != self.reading_state.setting("theme"):
            self.reading_state.remember("theme", theme)

    def search_themes(self) -> None:
        """The theme list, with the current theme marked."""
        from textual.command import CommandPalette

        from seedreader.ui.commands import ThemeCommands

        self.push_screen(
            CommandPalette(providers=[ThemeCommands], placeholder="Search for themes…")
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            split = _escape_then_key(event.key)
            if split is not None:
                # ESC and a letter read together (typed quickly, or over a slow link) is alt+
                # letter to a terminal; the reader binds no alt keys, so it was meant as Esc
                # and then the letter.
                for key in split:
                    await self.on_event(key)
                return
        await self._on_key_event(event)

    async def _on_key_event(self, event: events.Event) -> None:
        # The one place keys are seen in the order they were typed: a key handled by a
        # widget is queued behind the ones before it, so the go-to prompt decides here, and
        # keys typed while the reader is still mounting its parts wait for them.
        if isinstance(event, events.Key) and not event.is_forwarded and not self.is_quitting:
            screen = self.screen_stack[-1] if self.screen_stack else None
            if isinstance(screen, ReaderScreen):
                if not screen.is_ready or self._early_keys:
                    self._early_keys.append(event)
                    return
                if screen.take_key(event.key, event.character):
                    return
                if await screen.run_key(event.key):
                    return
        await super().on_event(event)

    async def on_reader_screen_ready(self, event: ReaderScreen.Ready) -> None:
        """The reader has every part: hand it the notes, show the footer's keys (the sign
        that every key is live), then act on the keys typed meanwhile, in order. The notes
        store (and the anchoring code it imports) is opened only now, so the first frame
        does not wait for it."""
        screen = event.screen
        self.notes_store, problems = _open_notes(self.data_dir)
        screen.attach_notes(self.notes_store)
        for problem in problems:
            self.notify(show_path(problem), severity="warning", markup=False, timeout=10)
        screen.is_ready = True
        screen.query_one(KeyFooter).show_keys()
        early, self._early_keys = self._early_keys, []
        for key in early:
            await self.on_event(key)

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        self.is_quitting = True
        super().exit(result, return_code, message)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, ReaderScreen):
            yield SystemCommand(
                "Open document…", "Pick a document by name", screen.action_pick_document
            )
            yield SystemCommand(
                "Toggle library panel",
                "Show or hide the list of documents",
                screen.action_toggle_library,
            )
            yield SystemCommand(
                "Toggle wrapping",
                "Wrap long lines or scroll sideways",
                screen.view.action_toggle_wrap,
            )
            yield SystemCommand(
                "Toggle notes sidebar",
                "Show or hide the notes of this document",
                screen.action_toggle_notes,
            )
            yield SystemCommand(
                "Open file or folder by path…",
                "Type a path, Tab completes; it joins the library (O)",
                screen.action_open_path,
            )
            yield SystemCommand(
                "Outline",
                "The document's headings, filtered as you type (t)",
                screen.action_toggle_outline,
            )
            yield SystemCommand("Marks", "This document's marks (M)", screen.action_list_marks)
            yield SystemCommand(
                "Toggle line numbers",
                "A column of line numbers (#)",
                screen.view.action_toggle_line_numbers,
            )
            yield SystemCommand(
                "Toggle full width",
                "The whole width of the pane, or the reading column (=)",
                screen.view.action_full_width,
            )
            yield SystemCommand(
                "Toggle Markdown source",
                "The source of a Markdown file, or its rendered text (r)",
                screen.view.action_toggle_source,
            )
            yield SystemCommand("Search", "Search all documents (/)", screen.action_search)
            yield SystemCommand(
                "All notes", "Every note, with a filter (A)", screen.action_all_notes
            )
            yield SystemCommand("Help", "Show the key map", screen.action_help)
            if self.skipped:
                yield SystemCommand(
                    "Skipped files",
                    "What the folder scan did not open, and why",
                    self.show_skipped,
                )

    def show_skipped(self) -> None:
        """The list of entries the scan passed over, with their reasons."""
        from seedreader.ui.screens.skipped import SkippedScreen

        self.clear_notifications()  # the notice that led here would cover the list
        self.push_screen(SkippedScreen(self.skipped))

    def on_unmount(self) -> None:
        screen = self.screen_stack[0] if self.screen_stack else None
        if isinstance(screen, ReaderScreen):
            screen.remember_place()
        if self.notes_store is not None:
            self.notes_store.close()
        self.reading_state.close()
