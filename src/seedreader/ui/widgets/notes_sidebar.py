"""The notes sidebar: the current document's notes in document order."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from seedreader.documents import sanitize
from seedreader.notes import DETACHED, MOVED, PlacedNote

QUOTE_WIDTH = 60
BODY_LINES = 3

_STATE_STYLE = {DETACHED: "bold red", MOVED: "yellow"}


def shorten(text: str, width: int) -> str:
    """One line of at most `width` characters, whitespace squeezed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def note_prompt(placed: PlacedNote, name: str | None = None) -> Text:
    """How a note is listed: place and state, the quote, and the first lines of the body."""
    text = Text()
    if placed.line is None:
        where = "detached"
    elif placed.end_line is not None and placed.end_line != placed.line:
        where = f"lines {placed.line + 1}–{placed.end_line + 1}"
    else:
        where = f"line {placed.line + 1}"
    if name:
        where = f"{sanitize(name)}:{placed.line + 1 if placed.line is not None else '?'}"
    text.append(where, style="bold")
    if placed.state != "exact":
        text.append(f"  {placed.state}", style=_STATE_STYLE.get(placed.state, ""))
    quote = shorten(placed.note.anchor.quote, QUOTE_WIDTH) or "(blank line)"
    text.append("\n▌ " + sanitize(quote), style="italic dim")
    body_lines = placed.note.body.splitlines() or [""]
    for line in body_lines[:BODY_LINES]:
        text.append("\n" + sanitize(shorten(line, QUOTE_WIDTH)))
    if len(body_lines) > BODY_LINES:
        text.append(" …", style="dim")
    return text


class NotesSidebar(Vertical):
    """Lists notes; Enter or a click jumps to one."""

    @dataclass
    class NoteChosen(Message):
        """The user picked a note in the sidebar."""

        placed: PlacedNote

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notes: list[PlacedNote] = []

    def compose(self) -> ComposeResult:
        yield Static("Notes", id="notes-title")
        yield OptionList(id="notes-list")

    def show_notes(self, notes: list[PlacedNote], state: str = "") -> None:
        """Show the notes of the current document."""
        self.notes = notes
        options = self.query_one("#notes-list", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        options.add_options([Option(note_prompt(placed)) for placed in notes])
        if notes:
            options.highlighted = min(highlighted or 0, len(notes) - 1)
        count = f"{len(notes)} note{'s' if len(notes) != 1 else ''}" if notes else "No notes yet"
        title = Text(f"Notes · {count}", style="bold")
        if not notes:
            title.append("\npress a to add one", style="dim")
        if state:
            title.append(f"\n{sanitize(state)}", style="dim")
        self.query_one("#notes-title", Static).update(title)

    @property
    def selected(self) -> PlacedNote | None:
        """The highlighted note, if any."""
        options = self.query_one("#notes-list", OptionList)
        index = options.highlighted
        return self.notes[index] if index is not None and index < len(self.notes) else None

    def select_line(self, line: int) -> None:
        """Highlight the note at (or nearest before) a document line."""
        best = None
        for index, placed in enumerate(self.notes):
            if placed.line is not None and placed.line <= line:
                best = index
        if best is not None:
            self.query_one("#notes-list", OptionList).highlighted = best

    @on(OptionList.OptionSelected, "#notes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.NoteChosen(self.notes[event.option_index]))
