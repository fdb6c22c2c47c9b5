"""The title bar above the document, the status bar below it and the footer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from seedreader.documents import sanitize
from seedreader.pathnames import show_path


class _Bar(Static):
    """A one-line bar that redraws only when its text changes (it is told on every key)."""

    _shown: str | None = None

    def _show(self, text: Text) -> None:
        if text.plain != self._shown:
            self._shown = text.plain
            self.update(text)


class TitleBar(_Bar):
    """The open document's title, drawn as plain text (never markup)."""

    def show_title(self, title: str, position: str) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" seedreader ", style="bold")
        text.append("│ ")
        text.append(show_path(title), style="bold")
        if position:
            text.append(f"  ({position})")
        self._show(text)


class StatusBar(_Bar):
    """Line, percentage, encoding, search position and background work."""

    def show_status(self, parts: list[str]) -> None:
        text = Text(" " + "  │  ".join(sanitize(part) for part in parts if part), no_wrap=True)
        self._show(text)


class KeyFooter(Footer):
    """Textual's footer, empty until the reader is ready, then showing its keys at once.

    The footer's keys are the sign that every key is live: the reader's first frame holds the
    footer's row empty, and the app fills it (`show_keys`) once the reader has every part.
    Textual's footer fills itself a frame after the screen tells it its bindings, whatever the
    app's state; this one composes its keys when told to (the footer's keys are the screen's
    and the app's, known whatever has the focus). It also rebuilds them only when the keys it
    shows change: the screen tells it on every change of focus or screen (a dialog opening or
    closing), and Textual's rebuilds its keys each time.
    """

    def __init__(self) -> None:
        super().__init__()
        self._live = False
        self._shown_keys: tuple[tuple[str, str, bool], ...] | None = None

    def show_keys(self) -> None:
        """Show the keys from now on (composed in the footer's own turn: its keys bind to it)."""
        if not self._live:
            self._live = True
            self.call_later(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._live:
            return
        self._bindings_ready = True
        self._shown_keys = self._keys()
        yield from super().compose()

    def _keys(self) -> tuple[tuple[str, str, bool], ...]:
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple(
            (binding.key, binding.description, enabled)
            for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items()
            if binding.show or key == palette
        )

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self._live or (
            self.is_attached and screen is self.screen and self._keys() == self._shown_keys
        ):
            return
        super().bindings_changed(screen)
