"""All notes across documents, with a fuzzy filter over bodies and quotes."""

from __future__ import annotations

from rapidfuzz import fuzz, process, utils
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from seedreader.notes import Note, PlacedNote
from seedreader.ui.screens.typeahead import TypeaheadScreen
from seedreader.ui.widgets.notes_sidebar import note_prompt


def filter_notes(query: str, notes: list[Note], limit: int = 500) -> list[int]:
    """Indexes of notes matching `query` (fuzzy over body and quote), best first."""
    if not query.strip():
        return list(range(min(len(notes), limit)))
    choices = [f"{note.body}\n{note.anchor.quote}" for note in notes]
    found = process.extract(
        query,
        choices,
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=70,
    )
    return [index for _, _, index in found]


class AllNotesScreen(TypeaheadScreen):
    """Every note; type to filter; Enter returns the chosen note."""

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, notes: list[Note], labels: dict[str, str] | None = None) -> None:
        super().__init__()
        self._notes = notes
        self._labels = labels or {}
        self._shown: list[int] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="all-notes"):
            yield Static(f"All notes ({len(self._notes)})", id="all-notes-title")
            yield Input(placeholder="Filter notes (fuzzy over text and quotes)", id="notes-filter")
            yield OptionList(id="all-notes-list")

    FIELD = "#notes-filter"

    def on_mount(self) -> None:
        self._filter("")
        self.focus_field()

    @on(Input.Changed, "#notes-filter")
    def _changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        self._shown = filter_notes(query, self._notes)
        options = self.query_one("#all-notes-list", OptionList)
        options.clear_options()
        for index in self._shown:
            note = self._notes[index]
            placed = PlacedNote(note, "exact", note.anchor.start_line, note.anchor.end_line)
            name = self._labels.get(note.path, note.path.rsplit("/", 1)[-1])
            options.add_option(Option(note_prompt(placed, name=name)))
        if self._shown:
            options.highlighted = 0

    @on(Input.Submitted, "#notes-filter")
    def _submitted(self) -> None:
        options = self.query_one("#all-notes-list", OptionList)
        if self._shown and options.highlighted is not None:
            self.dismiss(self._notes[self._shown[options.highlighted]])

    @on(OptionList.OptionSelected, "#all-notes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._notes[self._shown[event.option_index]])

    def action_move(self, step: int) -> None:
        options = self.query_one("#all-notes-list", OptionList)
        if self._shown:
            options.highlighted = min(max((options.highlighted or 0) + step, 0), len(self._shown) - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)
