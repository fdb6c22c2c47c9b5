"""Command palette entries that open each document (imported only when the palette opens)."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from seedreader.documents import sanitize


class DocumentCommands(Provider):
    """ "Open NAME" for every document in the library."""

    async def search(self, query: str) -> Hits:
        from seedreader.ui.app import ReaderScreen

        screen = self.app.screen_stack[0] if self.app.screen_stack else None
        if not isinstance(screen, ReaderScreen):
            return
        matcher = self.matcher(query)
        for index, document in enumerate(screen.library):
            title = f"Open {sanitize(document.name)}"
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(screen.open_index, index),
                    help=sanitize(str(document.path)),
                )


def document_commands() -> type[Provider]:
    return DocumentCommands
