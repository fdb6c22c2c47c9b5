"""Command palette providers: open each document, and the theme list with the current marked."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.theme import ThemeProvider

from seedreader.pathnames import show_path
from seedreader.ui.screens.reader import ReaderScreen

CURRENT = "  ✓ current"


class DocumentCommands(Provider):
    """ "Open NAME" for every document in the library."""

    async def search(self, query: str) -> Hits:
        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        if not isinstance(screen, ReaderScreen):
            return
        matcher = self.matcher(query)
        for index, document in enumerate(screen.library):
            title = f"Open {show_path(document.name)}"
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(screen.open_document, index),
                    help=show_path(document.path),
                )


class ThemeCommands(ThemeProvider):
    """Textual's theme list, with the theme in use marked."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        current = self.app.theme
        return [
            (name + CURRENT if name == current else name, callback)
            for name, callback in super().commands
        ]
