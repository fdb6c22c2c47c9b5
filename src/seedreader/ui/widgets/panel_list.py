"""A list in a side panel that reads keys like the document does (j/k/g/G, Esc back)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import OptionList

from seedreader.ui.keys import PANEL_KEYS, bindings


class PanelList(OptionList):
    """An OptionList that takes less/vim keys and gives the focus back on Esc or Tab.

    Every key it binds is acted on here; keys it does not bind (q, /, ?, [ ] …) keep their
    meaning for the whole screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings(PANEL_KEYS)

    HINT = "j/k move · Enter open · Esc back"
    """What the status bar says while this list has the focus."""

    class Left(Message):
        """The user asked to go back to the document (Esc or Tab)."""

    def action_leave(self) -> None:
        self.post_message(self.Left())
