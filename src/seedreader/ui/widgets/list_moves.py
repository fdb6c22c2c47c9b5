"""The moves of the virtual lists drawn row by row (the library, the outline)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

ARROW_BINDINGS: list[BindingType] = [
    Binding("down", "cursor_down", show=False),
    Binding("up", "cursor_up", show=False),
    Binding("home", "first", show=False),
    Binding("end", "last", show=False),
    Binding("pagedown", "page_down", show=False),
    Binding("pageup", "page_up", show=False),
]
"""The arrows and paging keys, besides the panel keys of the key map."""


class ListMoves:
    """j/k, g/G and paging over `entry_count` entries by the `highlighted` index, which the
    widget validates (clamps) and follows on screen."""

    highlighted: int | None

    @property
    def entry_count(self) -> int:
        raise NotImplementedError

    def page_size(self) -> int:
        """Entries in one screenful."""
        raise NotImplementedError

    def action_cursor_down(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted + 1

    def action_cursor_up(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted - 1

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = self.entry_count - 1

    def action_page_down(self) -> None:
        start = self.highlighted if self.highlighted is not None else -1
        self.highlighted = start + self.page_size()

    def action_page_up(self) -> None:
        start = self.highlighted if self.highlighted is not None else 0
        self.highlighted = start - self.page_size()
