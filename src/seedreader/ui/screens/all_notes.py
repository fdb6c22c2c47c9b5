"""All notes across documents, with a fuzzy filter over bodies and quotes."""

from __future__ import annotations

from rapidfuzz import fuzz
from rich.text import Text

from seedreader.notes import Note, PlacedNote
from seedreader.ui.screens.filter_list import FilterListScreen, fuzzy_rank
from seedreader.ui.widgets.notes_sidebar import note_prompt


def filter_notes(query: str, notes: list[Note], limit: int = 500) -> list[int]:
    """Indexes of notes matching `query` (fuzzy over body and quote), best first."""
    choices = [f"{note.body}\n{note.anchor.quote}" for note in notes]
    return fuzzy_rank(query, choices, fuzz.partial_ratio, 70, limit)


class AllNotesScreen(FilterListScreen[Note]):
    """Every note; type to filter; Enter returns the chosen note."""

    PLACEHOLDER = "Filter notes (fuzzy over text and quotes)"

    def __init__(self, notes: list[Note], labels: dict[str, str] | None = None) -> None:
        super().__init__(title=f"All notes ({len(notes)})", list_id="all-notes-list")
        self._notes = notes
        self._labels = labels or {}

    def rank(self, query: str) -> list[int]:
        return filter_notes(query, self._notes)

    def prompt(self, index: int) -> Text:
        note = self._notes[index]
        placed = PlacedNote(note, "exact", note.anchor.start_line, note.anchor.end_line)
        name = self._labels.get(note.path, note.path.rsplit("/", 1)[-1])
        return note_prompt(placed, name=name)

    def result(self, index: int) -> Note:
        return self._notes[index]
