"""The key map: one table that makes the bindings, the help screen and the footer."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Key:
    """One entry of the key map."""

    keys: str
    """Textual key names, comma separated."""
    shown: str
    """How the keys are written in help."""
    action: str
    description: str
    footer: bool = False
    group: str = "Reading"
    label: str = ""
    """A short name for the footer (the description when empty)."""
    opens: bool = False
    """The key opens a screen or moves the focus (to a text field or a panel). Such keys are
    priority bindings, acted on as they arrive, so the keys typed right after them (`/gaddafi`
    typed at speed) reach the new field instead of acting on the document."""
    everywhere: bool = False
    """A document key that also acts while a side panel has the focus (wrap, width)."""


DOCUMENT_KEYS: tuple[Key, ...] = (
    Key("j,down", "j ↓", "cursor_down", "Next line"),
    Key("k,up", "k ↑", "cursor_up", "Previous line"),
    Key("space,pagedown,f", "space PgDn", "page_down", "Page down"),
    Key("b,pageup", "b PgUp", "page_up", "Page up"),
    Key("ctrl+d", "ctrl+d", "half_page_down", "Half page down"),
    Key("ctrl+u", "ctrl+u", "half_page_up", "Half page up"),
    Key("g,home", "g Home", "first_line", "First line"),
    Key("G,end", "G End", "last_line", "Last line"),
    Key("colon", ":", "go_to_line", "Go to line number"),
    Key("w", "w", "toggle_wrap", "Wrap long lines on/off", everywhere=True),
    Key("plus", "+", "wider", "Widen the reading column", everywhere=True),
    Key("minus", "-", "narrower", "Narrow the reading column", everywhere=True),
    Key(
        "equals_sign",
        "=",
        "full_width",
        "Full width / the reading column",
        everywhere=True,
    ),
    Key("number_sign", "#", "toggle_line_numbers", "Line numbers on/off", everywhere=True),
    Key("r", "r", "toggle_source", "Markdown: source / rendered"),
    Key("h,left", "h ←", "scroll_left", "Scroll left (wrap off)"),
    Key("l,right", "l →", "scroll_right", "Scroll right (wrap off)"),
    Key("v", "v", "select_lines", "Line selection on/off (j/k extend it)"),
    Key("escape", "Esc", "clear", "Clear the selection and search highlights"),
)

PANEL_KEYS: tuple[Key, ...] = (
    Key("j", "j ↓", "cursor_down", "In the library or notes panel: next item", group="Panels"),
    Key("k", "k ↑", "cursor_up", "Previous item", group="Panels"),
    Key("g", "g Home", "first", "First item", group="Panels"),
    Key("G", "G End", "last", "Last item", group="Panels"),
    Key("space,f", "space PgDn", "page_down", "Page down", group="Panels"),
    Key("b", "b PgUp", "page_up", "Page up", group="Panels"),
    Key("enter", "Enter", "select", "Open the document / go to the note", group="Panels"),
    Key(
        "escape,tab",
        "Esc Tab",
        "leave",
        "Back to the document (the panel stays)",
        footer=True,
        group="Panels",
        label="Back to the document",
    ),
)
"""Keys of a focused side panel (its list); the arrows, Home/End and PgUp/PgDn work too."""

SEARCH_KEYS: tuple[Key, ...] = (
    Key(
        "slash",
        "/",
        "search",
        "Search as you type (typos forgiven)",
        footer=True,
        group="Search",
        label="Search",
        opens=True,
    ),
    Key("n", "n", "next_hit", "Next hit (on into the next document)", group="Search"),
    Key("N", "N", "previous_hit", "Previous hit", group="Search"),
    Key(
        "ctrl+t",
        "ctrl+t",
        "noop",
        "Search bar: all documents / this one",
        group="Search",
    ),
)

NOTE_KEYS: tuple[Key, ...] = (
    Key(
        "a",
        "a",
        "add_note",
        "Add a note (cursor line or selection)",
        footer=True,
        group="Notes",
        label="Add note",
        opens=True,
    ),
    Key(
        "s",
        "s",
        "toggle_notes",
        "Notes sidebar: show and focus / hide",
        footer=True,
        group="Notes",
        label="Notes",
        opens=True,
    ),
    Key(
        "e",
        "e",
        "edit_note",
        "Edit the note here (or the selected one)",
        group="Notes",
        opens=True,
    ),
    Key("d", "d", "delete_note", "Delete the selected note (u undoes)", group="Notes"),
    Key("u", "u", "undo_delete", "Undo the last delete", group="Notes"),
    Key(
        "A",
        "A",
        "all_notes",
        "All notes, across documents",
        group="Notes",
        opens=True,
    ),
)

STRUCTURE_KEYS: tuple[Key, ...] = (
    Key(
        "t",
        "t",
        "toggle_outline",
        "Outline: show and filter / hide",
        footer=True,
        group="Structure",
        label="Outline",
        opens=True,
    ),
    Key("M", "M", "list_marks", "This document's marks", group="Structure", opens=True),
)
"""Keys for a document's structure that act wherever the focus is."""

PLACE_KEYS: tuple[Key, ...] = (
    Key(
        "m",
        "m a–z",
        "screen.set_mark",
        "Set a mark (m, then a letter)",
        group="Structure",
    ),
    Key(
        "apostrophe",
        "' a–z",
        "screen.go_to_mark",
        "Go to a mark ('' before the last jump)",
        group="Structure",
    ),
    Key(
        "ctrl+o,backspace",
        "ctrl+o ⌫",
        "screen.jump_back",
        "Back to before a jump (link, hit, :N…)",
        group="Structure",
    ),
    Key(
        "tab",
        "ctrl+i Tab",
        "screen.jump_forward",
        "Forward again",
        group="Structure",
    ),
)
"""Keys of the places in a document (marks and the jumps made): the document pane's, like
the reading keys (in a side panel, Tab leaves it)."""

APP_KEYS: tuple[Key, ...] = (
    Key("left_square_bracket", "[", "previous_document", "Previous document", group="Library"),
    Key("right_square_bracket", "]", "next_document", "Next document", group="Library"),
    Key(
        "o",
        "o",
        "pick_document",
        "Open a document by name",
        footer=True,
        group="Library",
        label="Open",
        opens=True,
    ),
    Key(
        "O",
        "O",
        "open_path",
        "Open a file or folder by its path",
        group="Library",
        opens=True,
    ),
    Key(
        "L",
        "L",
        "toggle_library",
        "Library panel: show and focus / hide",
        footer=True,
        group="Library",
        label="Library",
        opens=True,
    ),
    Key(
        "question_mark",
        "?",
        "help",
        "This help",
        footer=True,
        group="General",
        label="Help",
        opens=True,
    ),
    Key("ctrl+p", "ctrl+p", "command_palette", "Command palette", group="General"),
    Key("q", "q", "quit", "Quit", True, "General", label="Quit"),
)


def bindings(keys: tuple[Key, ...]) -> list[BindingType]:
    """Textual bindings for a part of the key map."""
    return [
        Binding(k.keys, k.action, k.label or k.description, show=k.footer, priority=k.opens)
        for k in keys
    ]


def everywhere(keys: tuple[Key, ...]) -> tuple[Key, ...]:
    """The keys of `keys` that act whichever side panel has the focus."""
    return tuple(key for key in keys if key.everywhere)


def opening_actions(keys: tuple[Key, ...]) -> frozenset[str]:
    """Actions of the keys that open a screen or a text field."""
    return frozenset(k.action for k in keys if k.opens)
