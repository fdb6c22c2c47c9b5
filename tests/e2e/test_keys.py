"""The key matrix of issue 9: every key of the key map, in every mode, through a real terminal
at 120x40 and 80x24, has its expected effect and no other; and the issue's regression tests.

The input model tested is the one the issue sets: reading, the go-to prompt, the search bar, a
focused panel (library, notes) and modal screens. Each mode keeps one app session per size
where its state can be reset (a failed test discards the session, so one failure does not
spread); the keys are read from `seedreader.ui.keys`, so a new key is tried in every mode.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

import pytest

from seedreader.documents import scan_paths
from seedreader.notes import NotesStore
from seedreader.ui import keys as key_map_module
from seedreader.ui.screens.help import PANEL_MOVES
from tests.e2e.conftest import SessionMaker, Spawn
from tests.e2e.terminal import (
    HELP_TITLE,
    RESPONSE_SECONDS,
    Terminal,
    background,
    key_bytes,
    send_when_shown,
    status_row,
    type_keys,
    wait_for_value,
)

SIZES = {"120x40": (40, 120), "80x24": (24, 80)}
WAIT = 5 * RESPONSE_SECONDS
"""How long an effect may take to show (generous: the suite shares two cores)."""
AT_ONCE = 0.05
"""Keys "typed at once" are written within this many seconds of the first line showing."""

WORDS = ("alpha", "bravo", "charlie", "delta", "echo")
LONG, SHORT, MID = "doc01-long.txt", "doc02-short.txt", "doc03-mid.txt"
FILLERS = 21
DOCUMENTS = [LONG, SHORT, MID] + [f"doc{n:02}-filler.txt" for n in range(4, 4 + FILLERS)]
LAST = DOCUMENTS[-1]
LENGTHS = {LONG: 300, SHORT: 30, MID: 60}
ZEBRA = {LONG: [50, 150, 250], SHORT: [10], MID: [20]}
"""Where the word "zebra" is: 5 hits in 3 documents."""
WRAPPED = 3
"""A line of doc01 longer than any screen (line 295 is another)."""
NOTE_LINE, NOTE_BODY = 20, "matrix note twenty"
"""The note the reading sessions start with."""
SIDEBAR_NOTES = list(range(10, 301, 10))
"""The notes of the notes-panel sessions, one every ten lines of doc01."""

MODALS = frozenset({"help", "editor", "picker", "all notes", "palette", "marks", "open path"})


# -- documents


def line_text(name: str, number: int) -> str:
    if number in ZEBRA.get(name, ()):
        return f"line {number:04} zebra"
    if name not in LENGTHS:
        return f"line {number:04} filler"
    text = f"line {number:04} {WORDS[number % 5]}"
    if name == LONG and number in (WRAPPED, 295):
        text += " " + "lorem ipsum dolor sit amet " * 20
    return text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three numbered documents (one of 300 lines) and short fillers, so that the library is
    longer than a screen."""
    folder = tmp_path_factory.mktemp("key-matrix-docs")
    for name in DOCUMENTS:
        count = LENGTHS.get(name, 3)
        lines = (line_text(name, number) for number in range(1, count + 1))
        (folder / name).write_text("".join(line + "\n" for line in lines))
    return folder


def add_notes(data_dir: Path, document_path: Path, lines: list[int]) -> None:
    """Notes made before the app starts (`lines` are 1-based)."""
    document = scan_paths([document_path]).documents[0]
    document.load()
    with NotesStore(data_dir) as store:
        for line in lines:
            body = NOTE_BODY if line == NOTE_LINE else f"note at line {line}"
            store.add(document, line - 1, line - 1, body)


# -- the key map


def key_map() -> list[key_map_module.Key]:
    """Every entry of the key map, whatever tables it is split into."""
    found: dict[tuple[str, str], key_map_module.Key] = {}
    for value in vars(key_map_module).values():
        if isinstance(value, tuple):
            for entry in value:
                if isinstance(entry, key_map_module.Key):
                    found.setdefault((entry.keys, entry.action), entry)
    return list(found.values())


KEY_NAMES = [
    (name.strip(), entry.action, entry.group)
    for entry in key_map()
    for name in entry.keys.split(",")
]
"""(Textual key name, action, help group) of every key."""

PANELS = "Panels"
"""The help group of the keys of a focused panel's list."""
READING_KEYS = [(name, action) for name, action, group in KEY_NAMES if group != PANELS]
PANEL_KEYS = list(
    dict.fromkeys(
        [(name, action) for name, action, group in KEY_NAMES if group == PANELS]
        + [("down", "cursor_down"), ("up", "cursor_up"), ("home", "first"), ("end", "last")]
        + [("pagedown", "page_down"), ("pageup", "page_up")]
    )
)
"""The keys of a focused panel: the key map's, and the arrows and paging keys the issue names."""


def printable(name: str) -> str | None:
    text = key_bytes(name).decode()
    return text if len(text) == 1 and text.isprintable() else None


# -- what is on the screen


ANY = object()


class Such:
    """An expected value given by a test (`description` says what is expected)."""

    def __init__(self, description: str, test: Callable[[object], bool]) -> None:
        self.description = description
        self.test = test

    def __repr__(self) -> str:
        return self.description


def includes(*names: str) -> Such:
    return Such(f"shows {names} and no other screen", lambda shown: _modals(shown, names))


def _modals(shown: object, names: tuple[str, ...]) -> bool:
    assert isinstance(shown, frozenset)
    return set(names) <= shown and not (shown & MODALS) - set(names)


@dataclass(frozen=True)
class View:
    """What a person sees of the app's state."""

    title: str | None
    """The document named in the title bar."""
    line: int | None
    total: int | None
    percent: int | None
    hit: str | None
    """ "i/N" of "hit i/N" in the status bar."""
    prompt: str | None
    """The digits of the go-to prompt, if it is open."""
    focus: str
    """Which part has the keys, as the status bar tells: document, library, notes, prompt."""
    wrap_off: bool
    top: int | None
    """First document line on screen."""
    bottom: int | None
    """Last document line starting on screen."""
    wrap_rows: int | None
    """How many rows the long line 3 takes (None when it is not on screen)."""
    shown: frozenset[str]
    library_pick: str | None
    """The highlighted entry of the library panel."""
    note_pick: str | None
    """The highlighted note of the notes sidebar ("line 20")."""
    notes_count: int | None
    query: str | None
    """The text in the search box, if the search bar is open."""


DOC_LINE = re.compile(r"line (\d{4})\b")
LIBRARY_ENTRY = re.compile(r"(doc\d\d-[a-z]+\.txt)")
NOTE_ENTRY = re.compile(r"[▏▌│] ?(lines? [1-9]\d*)\b")
SCOPE = re.compile(r"(All documents|This document)\s*$")


def _picked(terminal: Terminal, entries: list[tuple[int, int, str]]) -> str | None:
    """The entry drawn on another background than the others (the highlighted one)."""
    colours = [(background(terminal, y, x), label) for y, x, label in entries]
    if len(colours) < 2:
        return None
    common, _ = Counter(colour for colour, _ in colours).most_common(1)[0]
    odd = [label for colour, label in colours if colour != common]
    return odd[0] if odd else None


def view_of(terminal: Terminal) -> View:
    lines = terminal.screen_lines()
    text = "\n".join(lines)
    status = status_row(terminal)
    where = re.search(r"line ([\d,]+)/([\d,]+)", status)
    percent = re.search(r"(\d+)%", status)
    hit = re.search(r"hit (\d+/[\d,]+\+?)", status)
    prompt = re.search(r"Go to line: (\d*)", status)
    focus = "document"
    for prefix, name in (("Library:", "library"), ("Notes:", "notes"), ("Go to line:", "prompt")):
        if status.startswith(prefix):
            focus = name
    rows: list[tuple[int, int, int]] = []
    libraries: list[tuple[int, int, str]] = []
    notes: list[tuple[int, int, str]] = []
    query = None
    for y, row in enumerate(lines[1:-2], start=1):
        flat = row.strip()
        if len(flat) > len(row) // 2 and set(flat) <= set("─━▔"):
            break  # the search bar's top border: no document below
        if match := DOC_LINE.search(row):
            rows.append((y, match.start(), int(match.group(1))))
        if (match := LIBRARY_ENTRY.match(row.lstrip())) and "%" not in row[: match.start()]:
            libraries.append((y, len(row) - len(row.lstrip()), match.group(1)))
        if match := NOTE_ENTRY.search(row):
            notes.append((y, match.start(1), match.group(1)))
    for row in lines:
        if scope := SCOPE.search(row):
            typed = row[: scope.start()].strip()
            query = "" if typed.startswith("Search:") else typed
    column = min((x for _, x, _ in rows), default=-1)
    numbered = [(y, n) for y, x, n in rows if x == column]
    wrap_rows = None
    for i, (y, n) in enumerate(numbered[:-1]):
        if n == WRAPPED:
            wrap_rows = numbered[i + 1][0] - y
    count = re.search(r"Notes · (\d+) notes?|Notes · No notes", text)
    tests = {
        "library": re.search(r"% read|not opened yet", text),
        "notes": "Notes · " in text,
        "search": query is not None,
        "help": HELP_TITLE in text,
        "editor": re.search(r"New note on lines? \d|Edit note", text),
        "picker": "Open document:" in text,
        "all notes": re.search(r"All notes \(\d+\)", text),
        "palette": re.search(r"Search for (commands|themes)", text),
        "marks": re.search(r"Marks \(\d+\)|No marks in this document", text),
        "open path": "Tab complete · ↓ list" in text,
        "outline": "Filter headings" in text,
        "too small": re.search(r"(?i)terminal (is )?too small", text),
    }
    title = re.search(r"│ (\S+\.txt)", lines[0])
    return View(
        title=title.group(1) if title else None,
        line=int(where.group(1).replace(",", "")) if where else None,
        total=int(where.group(2).replace(",", "")) if where else None,
        percent=int(percent.group(1)) if percent and where else None,
        hit=hit.group(1) if hit else None,
        prompt=prompt.group(1) if prompt else None,
        focus=focus,
        wrap_off="wrap off" in status,
        top=numbered[0][1] if numbered else None,
        bottom=numbered[-1][1] if numbered else None,
        wrap_rows=wrap_rows,
        shown=frozenset(name for name, found in tests.items() if found),
        library_pick=_picked(terminal, libraries),
        note_pick=_picked(terminal, notes),
        notes_count=(int(count.group(1) or 0) if count else None),
        query=query,
    )


def _matches(wanted: object, got: object) -> bool:
    if wanted is ANY:
        return True
    if isinstance(wanted, Such):
        return got is not None and wanted.test(got)
    return wanted == got


def crashed(terminal: Terminal) -> bool:
    return b"Traceback" in terminal.raw_bytes()


# -- one key in one mode


@dataclass
class Case:
    """One key tried in one mode at one size, from the mode's starting view `base`."""

    terminal: Terminal
    base: View
    mode: str
    key: str
    size: str
    refocus: str | None = None
    """The key that gives the mode's panel the focus back, when the effect took it away."""
    documents: int = len(DOCUMENTS)
    loose: frozenset[str] = frozenset()
    """Fields that are not compared unless a test names them (the document's last row
    beside a panel whose width settles as its list loads)."""

    def say(self, what: str) -> str:
        return f"{self.mode} mode, key {self.key!r}, {self.size}: {what}"

    def check(self, condition: bool, what: str) -> None:
        assert condition, self.say(what) + "\nscreen:\n" + self.terminal.screen_text()

    def press(self) -> None:
        type_keys(self.terminal, self.key)

    def type(self, *keys: str) -> None:
        type_keys(self.terminal, *keys)

    def expect(self, what: str, ref: View | None = None, **changes: object) -> View:
        """Wait until the view is `ref` (the base) with `changes`; fail naming what differs."""
        ref = ref or self.base
        wanted = {
            f.name: changes.get(f.name, ANY if f.name in self.loose else getattr(ref, f.name))
            for f in fields(View)
        }
        unknown = set(changes) - set(wanted)
        assert not unknown, f"no such field of View: {unknown}"

        def wrong(view: View) -> list[str]:
            return [
                f"{name}: expected {want!r}, got {getattr(view, name)!r}"
                for name, want in wanted.items()
                if not _matches(want, getattr(view, name))
            ]

        ok, view = wait_for_value(
            self.terminal,
            lambda: view_of(self.terminal),
            lambda view: not wrong(view) or crashed(self.terminal),
            WAIT,
        )
        self.check(not crashed(self.terminal), f"{what}: the app crashed")
        self.check(ok and not wrong(view), f"{what} — " + "; ".join(wrong(view)))
        return view

    def setup(self, *keys: str, ref: View | None = None, **changes: object) -> View:
        self.type(*keys)
        return self.expect(f"after {keys} (getting ready)", ref, **changes)

    def back(self, *keys: str, ref: View | None = None) -> View:
        """Type `keys` and wait to be back at `ref` (the base)."""
        self.type(*keys)
        return self.expect(f"back where it was after {keys}", ref)

    def refocus_panel(self) -> None:
        """Give the mode's panel the focus again if an effect left it in the document."""
        if self.refocus and view_of(self.terminal).focus == "document":
            self.type(self.refocus)

    def answers(self) -> None:
        """Open and close the help: every key typed before has been handled."""
        self.type("?")
        self.terminal.wait_until(
            lambda text: HELP_TITLE in text,
            WAIT,
            self.say("afterwards ? does not open the help (something else has the keys)"),
        )
        self.type("escape")
        self.terminal.wait_until(lambda text: HELP_TITLE not in text, WAIT, "help closed")

    def quiet(self, what: str, ref: View | None = None, **changes: object) -> View:
        """The key has no visible effect (checked after the app handled a later key)."""
        self.expect(what, ref, **changes)
        self.answers()
        return self.expect(what, ref, **changes)

    def modal(self, name: str, pattern: str = "", ref: View | None = None) -> None:
        """The key opens the modal screen `name` (and no other) over the title and status
        bars; Esc closes it and leaves everything as it was (`ref`, the base)."""
        self.press()
        self.expect(f"opens {name}", ref, shown=includes(name), **BEHIND_A_DIALOG)
        if pattern:
            self.terminal.wait_for_pattern(pattern, WAIT)
        self.back("escape", ref=ref)


BEHIND_A_DIALOG = dict.fromkeys(
    ("line", "total", "percent", "top", "bottom", "wrap_rows", "library_pick", "note_pick"),
    ANY,
) | dict.fromkeys(("notes_count", "focus", "wrap_off", "hit"), ANY)
"""What a dialog may hide."""

ANYWHERE = dict.fromkeys(("top", "bottom", "percent", "wrap_rows"), ANY)
"""The fields a move of the cursor may change besides the line."""


# -- sessions kept across the tests of a mode


class Sessions:
    """One app per kind of session and size; restarted when it ended, failed or drifted."""

    def __init__(self, make: SessionMaker, corpus: Path) -> None:
        self._make = make
        self._corpus = corpus
        self._open: dict[tuple[str, str], tuple[Terminal, View]] = {}

    def start(self, kind: str, size: str) -> tuple[Terminal, View]:
        spawn, dirs = self._make()
        return start_session(spawn, dirs / "data", self._corpus, kind, size)

    @contextmanager
    def use(self, kind: str, size: str) -> Iterator[tuple[Terminal, View]]:
        key = (kind, size)
        if key in self._open:
            terminal, base = self._open[key]
            if not terminal.process.isalive() or view_of(terminal) != base:
                terminal.close()
                del self._open[key]
        if key not in self._open:
            self._open[key] = self.start(kind, size)
        terminal, base = self._open[key]
        ok = False
        try:
            yield terminal, base
            ok = True
        finally:
            if not ok or not terminal.process.isalive():
                terminal.close()
                del self._open[key]


def start_session(
    spawn: Spawn, data_dir: Path, corpus: Path, kind: str, size: str
) -> tuple[Terminal, View]:
    """A "reading" session on all the documents (one note, on line 20 of doc01), or a "notes"
    session on doc01 alone with a note every ten lines; returns it with its first view."""
    rows, cols = SIZES[size]
    if kind == "reading":
        add_notes(data_dir, corpus / LONG, [NOTE_LINE])
        terminal = spawn(corpus, rows=rows, cols=cols)
    else:
        add_notes(data_dir, corpus / LONG, SIDEBAR_NOTES)
        terminal = spawn(corpus / LONG, rows=rows, cols=cols)

    def ready(view: View) -> bool:
        return (
            view.line == 1
            and view.top == 1
            and (kind != "reading" or view.library_pick == LONG)
            and terminal.screen_lines()[-1].strip() != ""  # the footer
        )

    ok, view = wait_for_value(terminal, lambda: view_of(terminal), ready, WAIT * 2)
    assert ok, f"{kind} session at {size} did not start as expected:\n{terminal.screen_text()}"
    return terminal, view


@pytest.fixture(scope="module")
def sessions(session_maker: SessionMaker, corpus: Path) -> Sessions:
    return Sessions(session_maker, corpus)


@pytest.fixture(params=list(SIZES), scope="module")
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def start(spawn: Spawn, corpus: Path, data_dir: Path, size: str) -> Callable[..., Terminal]:
    """A fresh session on the corpus at this size (for tests that leave it somewhere else)."""

    def begin(*args: str | Path) -> Terminal:
        rows, cols = SIZES[size]
        return spawn(*(args or (corpus,)), rows=rows, cols=cols)

    return begin


def settle(terminal: Terminal) -> None:
    """Wait until the app shows doc01 and answers a key (everything is mounted)."""
    terminal.wait_for("line 1/300", WAIT)
    terminal.answers_a_key(WAIT)


# -- the effects of the keys


def go_to(c: Case, line: int) -> View:
    return c.setup(":", str(line), "enter", line=line, **ANYWHERE)


def cursor_down(c: Case) -> None:
    c.press()
    c.expect("moves the cursor one line down", line=c.base.line + 1)  # type: ignore[operator]
    c.back("g")


def cursor_up(c: Case) -> None:
    ref = c.setup("j", "j", "j", line=4)
    c.press()
    c.expect("moves the cursor one line up", ref, line=3)
    c.back("g")


def page(c: Case, step: int) -> None:
    ref = c.base if step > 0 else go_to(c, 150)
    assert ref.top is not None and ref.bottom is not None
    c.press()
    view = c.expect(
        "moves a page",
        ref,
        **ANYWHERE
        | {
            "line": ANY,
            "top": Such("moved the right way", lambda top: (top - ref.top) * step > 0),  # type: ignore[operator]
        },
    )
    assert view.top is not None and view.bottom is not None and view.line is not None
    half = (ref.bottom - ref.top + 1) // 2
    c.check(abs(view.top - ref.top) >= half, f"moves at least half a screen ({half} lines)")
    if step > 0:
        c.check(view.top <= ref.bottom + 1, f"no line skipped: the page starts at {view.top}")
    else:
        c.check(view.bottom >= ref.top - 1, f"no line skipped: the page ends at {view.bottom}")
    c.check(cursor_settles_on_screen(c), "the cursor stays on screen")
    c.back("g")


def cursor_settles_on_screen(c: Case) -> bool:
    """The status bar is drawn a frame after the text it describes: wait for both."""
    ok, _ = wait_for_value(
        c.terminal,
        lambda: view_of(c.terminal),
        lambda v: None not in (v.top, v.line, v.bottom) and v.top <= v.line <= v.bottom,  # type: ignore[operator]
        WAIT,
    )
    return ok


def half_page(c: Case, step: int) -> None:
    ref = go_to(c, 150)
    rows = len(c.terminal.screen_lines()) - 3
    c.press()
    view = c.expect(
        f"moves the cursor about half a screen ({rows // 2} lines)",
        ref,
        line=Such(
            f"about {rows // 2} lines from 150",
            lambda line: abs((line - 150) * step - rows / 2) <= rows / 4,  # type: ignore[operator]
        ),
        **ANYWHERE,
    )
    assert view.top is not None and view.line is not None and view.bottom is not None
    c.check(cursor_settles_on_screen(c), "the cursor stays on screen")
    c.back("g")


def first_line(c: Case) -> None:
    go_to(c, 150)
    c.press()
    c.expect("goes to the first line")


def last_line(c: Case) -> None:
    c.press()
    total = c.base.total
    c.expect("goes to the last line", line=total, bottom=total, percent=100, top=ANY, wrap_rows=ANY)
    c.back("g")


def go_to_line(c: Case) -> None:
    c.press()
    prompt = {"focus": "prompt", "line": ANY, "total": ANY, "percent": ANY}
    c.expect("opens the go-to prompt", prompt="", **prompt)
    c.type("2", "5")
    c.expect("takes digits", prompt="25", **prompt)
    c.type("enter")
    c.expect("goes to line 25 and closes the prompt", line=25, **ANYWHERE)
    c.back("g")


def toggle_wrap(c: Case) -> None:
    c.press()
    in_document = c.base.focus == "document"
    c.expect(
        "turns wrapping off",
        wrap_rows=1,
        wrap_off=True if in_document else ANY,
        bottom=ANY,
        percent=ANY,
    )
    c.back(c.key)


def scroll_sideways(c: Case, right: bool) -> None:
    c.press()
    c.quiet("does nothing while lines wrap")
    off = c.setup("w", wrap_rows=1, wrap_off=True, bottom=ANY, percent=ANY)
    scrolled: dict[str, object] = {"top": None, "bottom": None, "wrap_rows": None}
    if right:
        c.press()
        c.expect("scrolls the text sideways (line starts out of view)", off, **scrolled)
        c.type("h")
    else:
        c.setup("l", ref=off, **scrolled)
        c.press()
    c.expect("scrolls back to the starts of the lines", off)
    c.back("w")


def select_lines(c: Case) -> None:
    c.press()
    c.setup("j", "j", line=3)
    c.type("a")
    c.terminal.wait_for_pattern(r"New note on lines 1.3\b", WAIT)
    c.type("escape")
    c.expect("the editor closes", line=3)
    c.back("escape", "g")


def clear(c: Case) -> None:
    c.setup("v", "j", "j", line=3)
    c.press()
    c.type("a")
    c.terminal.wait_for_pattern(r"New note on line 3\b", WAIT)
    c.type("escape")
    c.expect("the editor closes", line=3)
    c.type("g")
    search_jump(c)
    c.press()
    c.expect("clears the search hits", hit=None, line=ANY, **ANYWHERE)
    c.back("g")


def search_jump(c: Case, query: str = "zebra") -> View:
    """Search `query` in this document (doc01) and jump to the first hit shown."""
    open_bar(c, "This document")
    c.type(query)
    c.terminal.wait_for(f"{LONG}:", WAIT)
    c.type("enter")
    count = len(ZEBRA[LONG])
    hit = Such(f"hit i/{count}", lambda hit: str(hit).endswith(f"/{count}"))
    return c.expect("jumps to a hit", hit=hit, line=ANY, **ANYWHERE)


def step_hit(c: Case, step: int) -> None:
    view = search_jump(c)
    lines = ZEBRA[LONG]
    c.check(view.line in lines, f"the jump lands on a hit ({lines}), not {view.line}")
    i = lines.index(view.line)  # type: ignore[arg-type]
    c.check(view.hit == f"{i + 1}/{len(lines)}", f"the status says hit {i + 1}/{len(lines)}")
    c.press()
    j = (i + step) % len(lines)
    c.expect("goes to the next hit", view, line=lines[j], hit=f"{j + 1}/{len(lines)}", **ANYWHERE)
    c.back("escape", "g")
    # Last: the message it shows may cover the right end of the status bar for a while.
    c.press()
    c.quiet("does nothing when there is no search")


def add_note(c: Case) -> None:
    c.modal("editor", rf"New note on line {c.base.line or 1}\b")


def toggle_panel(c: Case, panel: str) -> None:
    """L and s: hidden → shown with the focus; shown → focus; focused → hidden, focus back."""

    def after(view: View) -> dict[str, object]:
        widths = {"line": ANY, "total": ANY, "percent": ANY, "bottom": ANY, "wrap_rows": ANY}
        widths |= {"library_pick": ANY, "note_pick": ANY, "notes_count": ANY}
        if panel not in view.shown:
            return {**widths, "shown": view.shown | {panel}, "focus": panel}
        if view.focus != panel:
            return {**widths, "focus": panel}
        return {**widths, "shown": view.shown - {panel}, "focus": "document"}

    view = c.base
    for step in range(2):
        c.press()
        view = c.expect(f"press {step + 1} toggles the {panel} panel", view, **after(view))
    if view.focus != c.base.focus or view.shown != c.base.shown:
        if c.refocus:
            c.refocus_panel()  # the other panel's key was pressed: focus the mode's panel again
        else:
            c.press()  # reading, L: hidden → shown with the focus; Esc gives it back
            c.expect(f"press 3 toggles the {panel} panel", view, **after(view))
            c.type("escape")
    c.back()


def document_step(c: Case, step: int) -> None:
    if c.documents == 1:
        c.press()
        c.quiet("does nothing with one document")
        return
    target = DOCUMENTS[step % len(DOCUMENTS)]
    c.press()
    c.expect(
        f"opens {target}",
        title=target,
        library_pick=target if "library" in c.base.shown else None,
        line=ANY,
        total=ANY,
        **ANYWHERE,
    )
    c.back("left_square_bracket" if step > 0 else "right_square_bracket")


def search(c: Case) -> None:
    c.press()
    c.expect(
        "opens the search bar",
        shown=c.base.shown | {"search"},
        query=ANY,
        **BEHIND_A_DIALOG,
    )
    c.type("escape")
    c.expect("Esc closes the search bar", focus=ANY, line=ANY, total=ANY, percent=ANY)
    c.refocus_panel()
    c.back()


def edit_note(c: Case) -> None:
    c.press()
    c.quiet("does nothing where there is no note")
    at_note = go_to(c, NOTE_LINE)
    c.modal("editor", f"Edit note(.|\n)*{NOTE_BODY}", ref=at_note)
    c.back("g")


def delete_and_undo(c: Case) -> None:
    """d deletes the note at the cursor, u brings it back (the sidebar counts them)."""
    deleting = c.key == "d"
    if not deleting:
        c.press()
        c.quiet("does nothing when nothing was deleted")
    ref = go_to(c, NOTE_LINE)
    sidebar = {"shown": ref.shown | {"notes"}, "focus": "notes", **PANEL_CHANGES}
    del sidebar["notes_count"]
    c.press() if deleting else c.type("d")
    c.type("s")
    c.expect("the note is deleted", ref, notes_count=0, **sidebar)
    c.type("s")
    c.expect("the sidebar closes", ref)
    c.type("u") if deleting else c.press()
    c.type("s")
    c.expect("the note is back", ref, notes_count=1, **sidebar)
    c.type("s")
    c.back("g")


def quit_app(c: Case) -> None:
    c.press()
    status = c.terminal.wait_exit(WAIT)
    c.check(not crashed(c.terminal), "quits without a traceback")
    c.check(status == 0, f"quits with status 0, not {status}")


def opens(name: str) -> Callable[[Case], None]:
    return lambda c: c.modal(name)


def quiet(c: Case) -> None:
    c.press()
    c.quiet("has no effect here")


def unknown_effect(c: Case) -> None:
    """A key the matrix has no expectation for yet: at least no crash, and the app answers."""
    c.press()
    c.answers()
    c.check(not crashed(c.terminal), "no traceback")
    raise AssertionError(c.say("the key matrix has no expectation for this action yet"))


def full_width(c: Case) -> None:
    """= widens the column to the pane (the long line 3 takes no more rows), = again goes back."""
    c.answers()  # beside a panel its width settles as its list loads: measure once it has
    rows = view_of(c.terminal).wrap_rows or 0
    c.press()
    c.answers()  # beside a panel the column may already fill the pane: nothing to wait for
    c.expect(
        "widens the reading column to the pane",
        bottom=ANY,
        percent=ANY,
        wrap_rows=Such(f"at most {rows} rows", lambda n: n <= rows),  # type: ignore[operator]
    )
    c.type(c.key)
    c.answers()
    c.refocus_panel()
    c.back()


NUMBERED = re.compile(r"\b1\s{2,5}line 0001\b")


def line_numbers(c: Case) -> None:
    """# shows the line numbers beside the text, # again hides them."""
    c.press()
    c.terminal.wait_until(lambda text: NUMBERED.search(text) is not None, WAIT, c.say("numbers"))
    c.expect("shows line numbers", bottom=ANY, percent=ANY, wrap_rows=ANY)
    c.type(c.key)
    c.terminal.wait_until(lambda text: NUMBERED.search(text) is None, WAIT, c.say("no numbers"))
    c.back()


def toggle_outline(c: Case) -> None:
    """t shows the outline with its filter focused (typed letters filter); Esc gives the keys
    back; t hides it again."""
    beside = {"line": ANY, "total": ANY, "percent": ANY, "bottom": ANY, "wrap_rows": ANY}
    beside |= {"library_pick": ANY, "note_pick": ANY, "focus": ANY}
    c.press()
    c.expect("shows the outline", shown=c.base.shown | {"outline"}, **beside)
    c.terminal.wait_for("No headings found", WAIT)
    c.type("q")  # a letter in the filter, not quit
    c.expect("the filter takes letters", shown=c.base.shown | {"outline"}, **beside)
    c.type("escape", "escape")
    c.refocus_panel()
    c.type("t")
    c.back()


def set_mark(c: Case) -> None:
    """m + letter marks the line; ' + letter comes back to it."""
    go_to(c, 30)
    c.press()
    c.terminal.wait_for("Set mark: type a letter", WAIT)
    c.type("k")
    go_to(c, 150)
    c.type("apostrophe", "k")
    c.expect("goes back to the mark", line=30, **ANYWHERE)
    c.back("g")


def go_to_mark(c: Case) -> None:
    """' + Esc cancels; '' goes back to where the last jump started."""
    c.press()
    c.terminal.wait_for("Go to mark: type a letter", WAIT)
    c.type("escape")
    c.quiet("cancelled")
    go_to(c, 150)
    c.press()
    c.type("apostrophe")
    c.expect("goes back to where the jump started")


def jump_back(c: Case) -> None:
    go_to(c, 150)
    c.press()
    c.expect("goes back to where the jump started")


def jump_forward(c: Case) -> None:
    go_to(c, 150)
    c.type("ctrl+o")
    c.expect("goes back")
    c.press()
    c.expect("goes forward again", line=150, **ANYWHERE)
    c.back("g")


def width(c: Case, step: int) -> None:
    """- narrows the reading column (the long line 3 takes more rows) and + widens it back."""
    rows = c.base.wrap_rows or 0
    narrower = {"wrap_rows": Such(f"more than {rows} rows", lambda n: n > rows)}  # type: ignore[operator]
    if step < 0:
        c.press()
        c.expect("narrows the reading column", bottom=ANY, percent=ANY, **narrower)
        c.back("plus")
    else:
        c.setup("minus", bottom=ANY, percent=ANY, **narrower)
        c.press()
        c.expect("widens the reading column back")


COMMON: dict[str, Callable[[Case], None]] = {
    "help": opens("help"),
    "command_palette": opens("palette"),
    "pick_document": opens("picker"),
    "all_notes": opens("all notes"),
    "add_note": add_note,
    "search": search,
    "toggle_notes": lambda c: toggle_panel(c, "notes"),
    "toggle_library": lambda c: toggle_panel(c, "library"),
    "previous_document": lambda c: document_step(c, -1),
    "next_document": lambda c: document_step(c, 1),
    "toggle_wrap": toggle_wrap,
    "quit": quit_app,
    "toggle_outline": toggle_outline,
    "toggle_line_numbers": line_numbers,
    "full_width": full_width,
    "wider": lambda c: width(c, 1),
    "narrower": lambda c: width(c, -1),
    "list_marks": opens("marks"),
    "open_path": opens("open path"),
}
"""Effects that are the same in reading mode and in a focused panel."""

READING: dict[str, Callable[[Case], None]] = {
    **COMMON,
    "cursor_down": cursor_down,
    "cursor_up": cursor_up,
    "page_down": lambda c: page(c, 1),
    "page_up": lambda c: page(c, -1),
    "half_page_down": lambda c: half_page(c, 1),
    "half_page_up": lambda c: half_page(c, -1),
    "first_line": first_line,
    "last_line": last_line,
    "go_to_line": go_to_line,
    "scroll_left": lambda c: scroll_sideways(c, right=False),
    "scroll_right": lambda c: scroll_sideways(c, right=True),
    "select_lines": select_lines,
    "clear": clear,
    "next_hit": lambda c: step_hit(c, 1),
    "previous_hit": lambda c: step_hit(c, -1),
    "noop": quiet,
    "edit_note": edit_note,
    "delete_note": delete_and_undo,
    "undo_delete": delete_and_undo,
    "toggle_source": quiet,
    "screen.set_mark": set_mark,
    "screen.go_to_mark": go_to_mark,
    "screen.jump_back": jump_back,
    "screen.jump_forward": jump_forward,
}

LIST_KEYS = {name for name, _ in PANEL_KEYS}
PANE_ACTIONS = {
    key.action
    for key in key_map_module.DOCUMENT_KEYS + key_map_module.PLACE_KEYS
    if not key.everywhere
}
"""Actions of keys bound on the document pane alone."""
SCREEN_WIDE = [
    (name, action)
    for name, action, group in KEY_NAMES
    if name not in LIST_KEYS and group != PANELS and action not in PANE_ACTIONS
]
"""Keys that keep their meaning when a panel has the focus."""


# -- the matrix: reading mode


@pytest.mark.parametrize(("key", "action"), READING_KEYS)
def test_reading_mode(sessions: Sessions, size: str, key: str, action: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        READING.get(action, unknown_effect)(Case(terminal, base, "reading", key, size))


def test_every_key_has_an_expected_effect() -> None:
    missing = sorted({action for _, action in READING_KEYS} - set(READING))
    assert not missing, f"the key matrix has no expectation for the actions {missing}"
    panel = {action for _, action in PANEL_KEYS} - set(LIBRARY_MOVES) - {"select", "leave"}
    assert not panel, f"the key matrix has no expectation for the panel actions {panel}"


# -- the matrix: the go-to prompt


@pytest.mark.parametrize(
    "key", [n for n, _ in READING_KEYS if not n.isdigit() and n not in ("enter", "backspace")]
)
def test_go_to_prompt_swallows_other_keys(sessions: Sessions, size: str, key: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "go-to prompt", key, size)
        c.type(":", "5")
        c.expect("the prompt opens", focus="prompt", prompt="5", line=ANY, total=ANY, percent=ANY)
        c.press()
        c.expect("cancels the prompt and is not acted on")
        c.quiet("the key was not acted on later either")


def test_go_to_prompt_digits_backspace_enter(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "go-to prompt", "digits, backspace, enter", size)
        prompt = {"focus": "prompt", "line": ANY, "total": ANY, "percent": ANY}
        c.type(":", "1", "2", "3")
        c.expect("digits append", prompt="123", **prompt)
        c.type("backspace")
        c.expect("backspace deletes one", prompt="12", **prompt)
        c.type("enter")
        c.expect("enter goes to line 12 and closes the prompt", line=12, **ANYWHERE)
        c.type(":", "4", "0", "escape")
        c.expect("escape cancels", line=12, **ANYWHERE)
        c.back("g")


# -- the matrix: the search bar


PRINTABLE = sorted({(n, ch) for n, _, _ in KEY_NAMES if (ch := printable(n))})


@pytest.mark.parametrize(("key", "char"), PRINTABLE)
def test_search_bar_takes_printable_keys_as_text(
    sessions: Sessions, size: str, key: str, char: str
) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "search bar", key, size)
        c.setup("/", shown=base.shown | {"search"}, query=ANY, **ANYWHERE)
        # The box may hold (selected) the last query: empty it, one Backspace at a time. A
        # Backspace is acted on once it has bubbled up to the app, so a spare one sent to an
        # empty box could still delete a letter typed after it.
        while query := view_of(terminal).query:
            c.type("backspace")
            wait_for_value(
                terminal, lambda: view_of(terminal).query, lambda now, was=query: now != was, WAIT
            )
        bar = c.expect(
            "the query box is empty", shown=base.shown | {"search"}, query="", **ANYWHERE
        )
        c.type("x")
        c.press()
        c.type("y")
        c.expect(
            "goes into the query box and is not acted on",
            bar,
            query=f"x{char}y",
            title=ANY,
            line=ANY,
            hit=ANY,
            library_pick=ANY,
            **ANYWHERE,
        )
        c.back("escape")


def listed_hits(terminal: Terminal) -> list[tuple[str, int]]:
    return [
        (name, int(line))
        for name, line in re.findall(r"(doc\d\d-[a-z]+\.txt):(\d+)", terminal.screen_text())
    ]


def library_order(name: str, line: int) -> int:
    hits = [(doc, n) for doc in DOCUMENTS for n in ZEBRA.get(doc, [])]
    return hits.index((name, line)) + 1


def open_bar(c: Case, scope: str) -> None:
    """Open the search bar with the scope `scope` (it may keep the last one chosen)."""
    c.type("/")
    c.terminal.wait_until(lambda _: view_of(c.terminal).query is not None, WAIT, "search bar")
    if scope not in c.terminal.screen_text():
        c.type("ctrl+t")
    c.terminal.wait_for(scope, WAIT)


def open_search(c: Case, query: str) -> list[tuple[str, int]]:
    open_bar(c, "All documents")
    c.type(query)
    c.terminal.wait_until(lambda _: len(listed_hits(c.terminal)) == 5, WAIT, "5 hits listed")
    return listed_hits(c.terminal)


def walk_to(c: Case, hits: list[tuple[str, int]], index: int) -> None:
    """↓ from the first hit listed to hit `index`, each previewed in the document."""
    for i in range(1, index + 1):
        c.type("down")
        name, line = hits[i]
        c.terminal.wait_until(
            lambda _, name=name, line=line: (
                (view_of(c.terminal).title, view_of(c.terminal).line) == (name, line)
            ),
            WAIT,
            c.say(f"↓ previews hit {i + 1} ({name}:{line})"),
        )


def test_search_bar_arrows_preview_hits(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "search bar", "↑ ↓ PgUp PgDn", size)
        base = go_to(c, 100)
        hits = open_search(c, "zebra")
        for key, index in [("down", 1), ("down", 2), ("up", 1), ("pagedown", 4), ("pageup", 0)]:
            c.key = key
            c.press()
            name, line = hits[index]
            c.expect(
                f"previews hit {index + 1} of the list",
                base,
                title=name,
                line=line,
                shown=base.shown | {"search"},
                query="zebra",
                library_pick=ANY,
                total=ANY,
                **ANYWHERE,
            )
        c.key = "escape"
        c.back("escape", ref=base)
        c.back("g", ref=c.base)


def test_search_bar_escape_returns_to_where_the_reader_was(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "search bar", "escape", size)
        here = go_to(c, 100)
        hits = open_search(c, "zebra")
        away = next(i for i, (name, _) in enumerate(hits) if name != LONG)
        walk_to(c, hits, away)
        c.back("escape", ref=here)
        c.back("g")


def test_search_bar_ctrl_t_scope_is_the_document_read_when_slash_was_pressed(
    sessions: Sessions, size: str
) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "search bar", "ctrl+t", size)
        hits = open_search(c, "zebra")
        c.check(
            sorted(hits) == sorted((d, n) for d, ns in ZEBRA.items() for n in ns),
            f"all documents: the 5 hits are listed, not {hits}",
        )
        away = next(i for i, (name, _) in enumerate(hits) if name != LONG)
        walk_to(c, hits, away)
        c.press()
        c.terminal.wait_for("This document", WAIT)
        c.terminal.wait_until(
            lambda _: sorted(listed_hits(terminal)) == [(LONG, n) for n in ZEBRA[LONG]],
            WAIT,
            f"{c.say('this document')}: only the hits of {LONG}, where / was pressed",
        )
        c.press()
        c.terminal.wait_for("All documents", WAIT)
        c.back("escape")


def test_search_enter_then_n_and_status_count_agree(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "search bar", "enter", size)
        open_search(c, "zebra")
        count = terminal.wait_for_pattern(r"([\d,]+)(\+?) hits? in", WAIT)
        c.check(count.group(1) == "5" and not count.group(2), "the panel counts 5 hits exactly")
        c.type("down", "enter")
        view = c.expect(
            "jumps to the hit and closes the bar",
            hit=Such("hit i/5", lambda hit: str(hit).endswith("/5")),
            line=ANY,
            title=ANY,
            total=ANY,
            library_pick=ANY,
            **ANYWHERE,
        )
        assert view.title is not None and view.line is not None
        i = library_order(view.title, view.line)
        c.check(view.hit == f"{i}/5", f"the status says hit {i}/5 (library order), not {view.hit}")
        for key, step in (("n", 1), ("n", 1), ("N", -1)):
            c.key = key
            i = (i - 1 + step) % 5 + 1
            c.type(key)
            c.terminal.wait_until(
                lambda _, i=i: view_of(terminal).hit == f"{i}/5", WAIT, c.say(f"hit {i}/5")
            )
        terminal.close()  # it is left in another document: the next test starts afresh


def test_hit_count_agrees_for_many_hits(start: Callable[..., Terminal], size: str) -> None:
    terminal = start()
    settle(terminal)
    truth = sum(
        1
        for name, count in LENGTHS.items()
        for number in range(1, count + 1)
        if line_text(name, number).split()[2] == "alpha"
    )
    type_keys(terminal, "/")
    terminal.wait_for("All documents", WAIT)
    type_keys(terminal, "alpha")
    count = terminal.wait_for_pattern(r"([\d,]+)(\+?) hits?", WAIT)
    shown = int(count.group(1).replace(",", ""))
    exact = not count.group(2)
    where = f"search bar, {size}"
    assert (shown == truth) if exact else (shown <= truth), (
        f"{where}: {truth} lines hold 'alpha'; the panel says {count.group(0)}"
    )
    type_keys(terminal, "enter")
    terminal.wait_until(lambda _: "hit " in status_row(terminal), WAIT, "hit i/N")
    hit = re.search(r"hit (\d+)/([\d,]+)(\+?)", status_row(terminal))
    assert hit is not None
    if exact:
        assert hit.group(2) == count.group(1) and not hit.group(3), (
            f"{where}: the status says {hit.group(0)}, the panel {count.group(0)}"
        )
    first = int(hit.group(1))
    type_keys(terminal, "n")
    terminal.wait_until(
        lambda _: f"hit {first + 1}/" in status_row(terminal),
        WAIT,
        f"{where}: n steps to hit {first + 1}",
    )


# -- the matrix: focused panels


@contextmanager
def in_panel(sessions: Sessions, panel: str, size: str, key: str) -> Iterator[Case]:
    """A case in the library panel (reading session, L) or the notes panel (notes session, s);
    afterwards the session is brought back to its reading view."""
    kind, toggle = ("reading", "L") if panel == "library" else ("notes", "s")
    with sessions.use(kind, size) as (terminal, base):
        reading = Case(terminal, base, "reading", toggle, size)
        ref = reading.setup(toggle, shown=base.shown | {panel}, focus=panel, **PANEL_CHANGES)
        documents = len(DOCUMENTS) if kind == "reading" else 1
        yield Case(terminal, ref, f"{panel} panel", key, size, toggle, documents, PANEL_LOOSE)
        if terminal.process.isalive():
            leave_panel(reading, panel)


def leave_panel(reading: Case, panel: str) -> None:
    """Back to the session's reading view, one key at a time: Esc, hide the notes, g."""
    anything = {f.name: ANY for f in fields(View)}
    reading.type("escape")
    view = reading.expect("Esc gives the document the focus", **anything | {"focus": "document"})
    if panel == "notes" and "notes" in view.shown:
        reading.type("s")
        reading.expect("s focuses the notes", **anything | {"focus": "notes"})
        reading.type("s")
        reading.expect("s hides the notes", **anything | {"focus": "document", "notes_count": None})
    reading.back("g")


PANEL_CHANGES: dict[str, object] = {
    "line": ANY,
    "total": ANY,
    "percent": ANY,
    "bottom": ANY,
    "wrap_rows": ANY,
    "note_pick": ANY,
    "notes_count": ANY,
}
"""What showing or focusing a panel may change: the status bar shows the panel's hint, the
document is narrower."""

PANEL_LOOSE = frozenset({"bottom", "wrap_rows", "percent"})
"""Beside a panel, the document's last row is not compared (the panel's width settles as its
list loads); tests that are about it name it."""

PANEL_OWN = {"edit_note", "delete_note", "undo_delete"}
"""Notes actions the notes panel gives its own meaning (tested with its list keys)."""


@pytest.mark.parametrize("panel", ["library", "notes"])
@pytest.mark.parametrize(("key", "action"), SCREEN_WIDE)
def test_panel_screen_wide_keys(
    sessions: Sessions, size: str, panel: str, key: str, action: str
) -> None:
    if panel == "notes" and action in PANEL_OWN:
        pytest.skip("the notes panel's own key: see test_notes_panel_edits_and_deletes")
    with in_panel(sessions, panel, size, key) as c:
        COMMON.get(action, quiet)(c)


def library_keys_to(name: str) -> list[str]:
    """[ or ] presses from doc01 to `name` (and the reverse of them goes back)."""
    i = DOCUMENTS.index(name)
    if i <= len(DOCUMENTS) // 2:
        return ["right_square_bracket"] * i
    return ["left_square_bracket"] * (len(DOCUMENTS) - i)


def library_keys_back(name: str) -> list[str]:
    flip = {
        "right_square_bracket": "left_square_bracket",
        "left_square_bracket": "right_square_bracket",
    }
    return [flip[key] for key in library_keys_to(name)]


def paged(start: int, step: int, entries: int) -> Such:
    """A highlight moved a page from entry `start`: more than one entry, not to the far end."""
    return Such(
        f"a page {'down' if step > 0 else 'up'} from entry {start}",
        lambda pick: 1 < (entries_index(pick) - start) * step < entries - 2,
    )


def entries_index(pick: object) -> int:
    text = str(pick)
    if text in DOCUMENTS:
        return DOCUMENTS.index(text)
    return SIDEBAR_NOTES.index(int(text.split()[-1]))


LIBRARY_MOVES: dict[str, tuple[str, object]] = {
    "cursor_down": (LONG, SHORT),
    "cursor_up": (SHORT, LONG),
    "first": (MID, LONG),
    "last": (LONG, LAST),
    "page_down": (LONG, paged(0, 1, len(DOCUMENTS))),
    "page_up": (LAST, paged(len(DOCUMENTS) - 1, -1, len(DOCUMENTS))),
}
"""Library list action: (document open when the panel is focused, expected highlight)."""


MOVE_KEYS = [(name, action) for name, action in PANEL_KEYS if action in LIBRARY_MOVES]
LEAVE_KEYS = [name for name, action in PANEL_KEYS if action == "leave"]


@pytest.mark.parametrize(("key", "action"), MOVE_KEYS)
def test_library_panel_list_keys(sessions: Sessions, size: str, key: str, action: str) -> None:
    before, target = LIBRARY_MOVES[action]
    with sessions.use("reading", size) as (terminal, base):
        reading = Case(terminal, base, "library panel", key, size)
        opened = reading.setup(
            *library_keys_to(before),
            title=before,
            library_pick=before,
            line=ANY,
            total=ANY,
            **ANYWHERE,
        )
        focused = reading.setup("L", ref=opened, focus="library", **PANEL_CHANGES)
        c = Case(terminal, focused, "library panel", key, size, "L", loose=PANEL_LOOSE)
        c.press()
        moved = c.expect("moves the highlight, and only that", library_pick=target)
        assert moved.library_pick is not None
        c.type("enter")
        c.expect(
            "Enter opens the highlighted document and gives the focus back",
            opened,
            title=moved.library_pick,
            library_pick=moved.library_pick,
            line=ANY,
            total=ANY,
            **ANYWHERE,
        )
        reading.back(*library_keys_back(moved.library_pick))


@pytest.mark.parametrize("key", LEAVE_KEYS)
@pytest.mark.parametrize("panel", ["library", "notes"])
def test_panel_escape_and_tab_give_the_focus_back(
    sessions: Sessions, size: str, panel: str, key: str
) -> None:
    with in_panel(sessions, panel, size, key) as c:
        c.press()
        c.expect(
            "gives the focus back to the document; the panel stays",
            focus="document",
            line=1,
            total=ANY,
            percent=ANY,
        )
        c.type(c.refocus or "")
        c.expect("the panel key gives the shown panel the focus again")


NOTE_MOVES: dict[str, tuple[str, object]] = {
    "cursor_down": ("home", "line 20"),
    "cursor_up": ("end", "line 290"),
    "first": ("end", "line 10"),
    "last": ("home", "line 300"),
    "page_down": ("home", paged(0, 1, len(SIDEBAR_NOTES))),
    "page_up": ("end", paged(len(SIDEBAR_NOTES) - 1, -1, len(SIDEBAR_NOTES))),
}
"""Notes list action: (key putting the highlight on the first/last note first, expected)."""


@pytest.mark.parametrize(("key", "action"), MOVE_KEYS)
def test_notes_panel_list_keys(sessions: Sessions, size: str, key: str, action: str) -> None:
    setup, target = NOTE_MOVES[action]
    with in_panel(sessions, "notes", size, key) as c:
        end = SIDEBAR_NOTES[0] if setup == "home" else SIDEBAR_NOTES[-1]
        ref = c.setup(setup, note_pick=f"line {end}")
        c.press()
        moved = c.expect("moves the highlighted note, and only that", ref, note_pick=target)
        line = entries_index(moved.note_pick)
        c.type("enter")
        c.expect(
            "Enter jumps to the note and gives the focus back",
            ref,
            focus="document",
            line=SIDEBAR_NOTES[line],
            note_pick=moved.note_pick,
            total=ANY,
            **ANYWHERE,
        )


@pytest.mark.parametrize("key", ["e", "d"])
def test_notes_panel_edits_and_deletes_the_highlighted_note(
    sessions: Sessions, size: str, key: str
) -> None:
    with in_panel(sessions, "notes", size, key) as c:
        ref = c.setup("home", "j", note_pick="line 20")
        if key == "e":
            c.base = ref
            c.modal("editor", f"Edit note(.|\n)*{NOTE_BODY}")
        else:
            c.press()
            c.expect("deletes the highlighted note", ref, notes_count=29, note_pick=ANY)
            c.type("u")
            c.expect("u brings it back", ref, notes_count=30, note_pick=ANY)


# -- modal screens


def dialog_is_whole(terminal: Terminal, what: str) -> None:
    """A box with all four corners on screen, and no row of it running off the right edge."""
    lines = terminal.screen_lines()
    tops = [(y, row) for y, row in enumerate(lines) if re.search(r"[╭┌┏╔][─━═]+[╮┐┓╗]", row)]
    assert tops, f"{what}: the dialog's top border is not whole on screen:\n" + "\n".join(lines)
    y, row = tops[0]
    left = re.search(r"[╭┌┏╔]", row).start()  # type: ignore[union-attr]
    right = re.search(r"[╮┐┓╗]", row).start()  # type: ignore[union-attr]
    bottom = next(
        (b for b in range(y + 1, len(lines)) if lines[b][left : left + 1] in "╰└┗╚"), None
    )
    assert bottom is not None and lines[bottom][right : right + 1] in "╯┘┛╝", (
        f"{what}: the dialog's bottom border is not on screen:\n" + "\n".join(lines)
    )
    assert all(lines[r][right] in "│┃║▕▏" for r in range(y + 1, bottom)), (
        f"{what}: the dialog's right border is broken:\n" + "\n".join(lines)
    )


def test_help_screen_keys(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        for key in ("escape", "q", "question_mark"):
            c = Case(terminal, base, "help", key, size)
            c.type("?")
            c.terminal.wait_for(HELP_TITLE, WAIT)
            c.press()
            c.expect("closes the help (and does nothing else)")
        c = Case(terminal, base, "help", "j", size)
        c.type("?")
        terminal.wait_for(HELP_TITLE, WAIT)
        terminal.wait_until(lambda _: whole(terminal), WAIT, c.say("the help drawn whole"))
        # A side panel's moves are one row of the help (`help.compact`).
        starts = [
            " ".join(entry.description.split()[:3])
            for entry in key_map()
            if not (entry.group == PANELS and entry.action in PANEL_MOVES)
        ] + ["Move in the list"]
        terminal.wait_until(  # drawn: a screenful of entries (it may be drawn in steps)
            lambda _: sum(start in help_text(terminal) for start in starts) >= 8, WAIT, "help body"
        )
        seen = [help_text(terminal)]
        for _ in range(80):
            if all(any(start in screen for screen in seen) for start in starts):
                break
            scroll_help(c, "j")
            seen.append(help_text(terminal))
        for start in starts:
            # Whole rows are checked by dialog_is_whole; a description may wrap in its column.
            c.check(any(start in screen for screen in seen), f"the help lists {start!r}…")
        if len(seen) > 1:  # it scrolls: the other keys scroll it too
            for key in ("k", "up", "down", "k", "space"):
                scroll_help(c, key)
        c.back("escape")


def whole(terminal: Terminal) -> bool:
    try:
        dialog_is_whole(terminal, "")
    except AssertionError:
        return False
    return True


def help_text(terminal: Terminal) -> str:
    """The help's text with borders and runs of spaces squeezed (a wrapped entry reads on)."""
    return " ".join(re.sub(r"[│┃▕▏╭╮╰╯─]", " ", terminal.screen_text()).split())


def scroll_help(c: Case, key: str) -> None:
    c.key = key
    before = help_text(c.terminal)
    c.press()
    c.terminal.wait_until(
        lambda _: help_text(c.terminal) != before, WAIT, c.say("scrolls the help")
    )
    c.check(
        HELP_TITLE in c.terminal.screen_text() or "keys" in help_text(c.terminal),
        "the help stays open",
    )


def test_note_editor_keys(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "note editor", "a", size)
        c.type("a")
        terminal.wait_for("New note on line 1", WAIT)
        lines = terminal.screen_lines()
        c.check("seedreader" in lines[0], "the editor leaves the title bar (row 0) visible")
        c.check("line 1/300" in status_row(terminal), "the editor leaves the status bar visible")
        dialog_is_whole(terminal, c.say("the note editor"))
        c.key = "text"
        c.type("jkq?s/:G")
        terminal.wait_for("jkq?s/:G", WAIT)
        c.key = "escape"
        c.type("escape")
        terminal.wait_for("Discard", WAIT)
        c.check("New note on line 1" in terminal.screen_text(), "one Esc keeps changed text")
        c.type("escape")
        c.expect("a second Esc discards the text and closes the editor")
        c.key = "ctrl+s"
        c.type("a", "saved by ctrl+s")
        terminal.wait_for("saved by ctrl+s", WAIT)
        c.type("ctrl+s")
        c.expect("saves and closes")
        c.type("s")
        c.expect(
            "the note is saved",
            shown=base.shown | {"notes"},
            focus="notes",
            **PANEL_CHANGES | {"notes_count": 2},
        )
        terminal.close()  # it now has two notes: the next test starts afresh


def open_whole(c: Case, text: str) -> None:
    """Press the case's key: a dialog showing `text` opens, whole on the screen."""
    c.press()
    c.terminal.wait_for(text, WAIT)
    dialog_is_whole(c.terminal, c.say(f"the dialog ({text!r})"))


def test_picker_keys(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "picker", "o", size)
        open_whole(c, "Open document:")
        c.key = "escape"
        c.back("escape")
        opened = {"line": ANY, "total": ANY, **ANYWHERE}
        for keys, name in ((["mid"], MID), (["down"], SHORT), (["down", "down", "up"], SHORT)):
            c.key = " ".join(keys) + " enter"
            c.type("o")
            terminal.wait_for("Open document:", WAIT)
            c.type(*keys, "enter")
            c.expect("opens the document chosen", title=name, library_pick=name, **opened)
            c.back(*library_keys_back(name))


def test_all_notes_keys(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "all notes", "A", size)
        open_whole(c, "All notes (1)")
        c.key = "enter"
        c.type("enter")
        c.expect("jumps to the note", line=NOTE_LINE, **ANYWHERE)
        c.back("g")


@pytest.mark.parametrize("dialog", ["help", "editor", "picker", "all notes"])
def test_dialogs_are_whole_at_60x20(spawn: Spawn, corpus: Path, dialog: str) -> None:
    terminal = spawn(corpus, rows=20, cols=60)
    terminal.wait_for("line 0001", WAIT)
    key, text = {
        "help": ("?", HELP_TITLE),
        "editor": ("a", "New note on line 1"),
        "picker": ("o", "Open document:"),
        "all notes": ("A", "All notes"),
    }[dialog]
    type_keys(terminal, key)
    terminal.wait_for(text, WAIT)
    dialog_is_whole(terminal, f"{dialog} at 60x20")
    if dialog == "editor":
        assert "seedreader" in terminal.screen_lines()[0], "the editor covers the title bar"


def test_below_60x20_says_the_terminal_is_too_small(spawn: Spawn, corpus: Path) -> None:
    terminal = spawn(corpus, rows=19, cols=59)
    terminal.wait_until(
        lambda text: re.search(r"(?i)terminal (is )?too small", text),
        WAIT,
        "a 'Terminal too small' message at 59x19",
    )
    terminal.resize(24, 80)
    terminal.wait_for("line 0001", WAIT)


# -- regressions of issue 9


def test_go_to_prompt_letters_do_not_open_the_editor(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "go-to prompt", ":ab enter", size)
        c.type(":", "a", "b", "enter")
        c.expect(
            "no note editor, no prompt",
            shown=base.shown,
            focus="document",
            prompt=None,
            line=ANY,
            **ANYWHERE,
        )
        c.quiet("the a did nothing", line=ANY, **ANYWHERE)
        c.back("g")


def test_go_to_prompt_slash_escape_then_zero(sessions: Sessions, size: str) -> None:
    with sessions.use("reading", size) as (terminal, base):
        c = Case(terminal, base, "go-to prompt", ":5 / escape", size)
        c.type(":", "5", "slash", "escape")
        c.expect("no search bar, no prompt")
        c.key = "0 enter"
        c.type("0", "enter")
        c.quiet("0 is not a key in reading mode: no move to line 50")


AT_ONCE_KEYS = {
    "s": lambda v: "notes" in v.shown,
    "L": lambda v: v.focus == "library",
    "?": lambda v: "help" in v.shown,
    "/": lambda v: "search" in v.shown,
    "o": lambda v: "picker" in v.shown,
    "A": lambda v: "all notes" in v.shown,
    "a": lambda v: "editor" in v.shown,
    "G": lambda v: v.line == LENGTHS[LONG],
    "j": lambda v: v.line == 2,
    ":12\r": lambda v: v.line == 12,
    "wLLs": lambda v: v.wrap_rows == 1 and v.shown == {"notes"} and v.focus == "notes",
}
"""Keys typed at once, and what shows they were all acted on ("wLLs": wrap off, library
shown → focused → hidden, notes shown with the focus)."""


@pytest.mark.parametrize("keys", list(AT_ONCE_KEYS))
def test_keys_typed_as_the_first_line_shows(
    start: Callable[..., Terminal], size: str, keys: str
) -> None:
    for _ in range(3):  # a busy machine may delay the test itself: try again then
        terminal = start()
        delay = send_when_shown(terminal, line_text(LONG, 1), keys.encode())
        if delay <= AT_ONCE:
            break
        terminal.close()
    assert delay <= AT_ONCE, f"harness: keys sent {delay * 1000:.0f} ms after the first line"
    ok, view = wait_for_value(terminal, lambda: view_of(terminal), AT_ONCE_KEYS[keys], WAIT)
    assert ok and not crashed(terminal), (
        f"reading mode, key {keys!r} typed {delay * 1000:.0f} ms after the first line, {size}: "
        f"lost (view {view})\n{terminal.screen_text()}"
    )


@pytest.mark.parametrize(
    "burst",
    [b"qe", b"qeeee", b"?\x1be", b"a\x1be", b"o\x1be", b"A\x1bs", b"?\x1bq"],
    ids=[
        "q-e",
        "q-eeee",
        "help-esc-e",
        "editor-esc-e",
        "picker-esc-e",
        "allnotes-esc-s",
        "help-esc-q",
    ],
)
def test_keys_while_quitting_or_changing_screens_never_crash(
    start: Callable[..., Terminal], size: str, burst: bytes
) -> None:
    """Sent as the first line shows (start-up) and again once the app is settled."""
    for settled in (False, True):
        terminal = start()
        if settled:
            settle(terminal)
            terminal.send(burst)
        else:
            send_when_shown(terminal, line_text(LONG, 1), burst)
        # ESC and a letter in one read is alt+letter to any terminal program, so only a
        # burst that starts with q quits by itself.
        if not burst.startswith(b"q"):
            terminal.wait_for("line 1/300", WAIT)
            type_keys(terminal, "escape", "escape", "q")
        status = terminal.wait_exit(WAIT)
        when = "once settled" if settled else "at start-up"
        assert not crashed(terminal), (
            f"{burst!r} {when} at {size}: traceback\n{terminal.raw_bytes()[-3000:]!r}"
        )
        assert status == 0, f"{burst!r} {when} at {size}: exit status {status}"


def test_percentages_agree(start: Callable[..., Terminal], size: str) -> None:
    terminal = start()
    # The app's very first frame is painted before the pane has learnt its size, so its
    # figures can read 0% for a moment; they are judged once the app answers keys.
    settle(terminal)
    c = Case(terminal, view_of(terminal), "reading", "figures", size)
    c.base = c.expect(
        "started",
        line=1,
        top=1,
        library_pick=LONG,
        title=LONG,
        total=300,
        percent=ANY,
        bottom=ANY,
        wrap_rows=ANY,
        shown=ANY,
    )

    def figures(what: str) -> View:
        view = view_of(terminal)
        assert view.bottom is not None and view.percent is not None
        end_visible = view.bottom == view.total
        c.check(
            abs(view.percent - 100 * view.bottom / 300) < 1
            or (end_visible and view.percent == 100),
            f"{what}: {view.percent}% is not how far the bottom (line {view.bottom}) is",
        )
        c.check(
            (view.percent == 100) == end_visible,
            f"{what}: 100% only with the last line visible ({view.percent}%, bottom {view.bottom})",
        )
        percent = view.percent
        ok, read = wait_for_value(
            terminal, lambda: library_read(terminal), lambda read: read == percent, WAIT
        )
        c.check(ok, f"{what}: the library says {read}% read, the status {view.percent}%")
        return view

    first = figures("at the start")
    c.type("j", "k")
    c.expect("j k", line=1)
    c.check(figures("after j k").percent == first.percent, "j k on the same screen keep the figure")
    for line in (240, 280, 290):
        go_to(c, line)
        figures(f"at line {line}")
    c.type("G")
    c.expect("the end", line=300, **ANYWHERE)
    figures("at the end")


def library_read(terminal: Terminal) -> int | None:
    """The "% read" the library shows for doc01."""
    lines = terminal.screen_lines()
    for row, below in itertools.pairwise(lines):
        if row.startswith(LONG) and (read := re.match(r"[\d,]+ lines · (\d+)% read", below)):
            return int(read.group(1))
    return None


def test_theme_is_remembered_and_marked(spawn: Spawn, corpus: Path, size: str) -> None:
    rows, cols = SIZES[size]
    first = spawn(corpus, rows=rows, cols=cols)
    settle(first)
    before = background(first, 0, 1)
    first.send(b"\x10")
    first.wait_for("Search for commands", WAIT)
    type_keys(first, "theme")
    first.wait_for("Change", WAIT)
    type_keys(first, "enter")
    first.wait_for("Search for themes", WAIT)
    type_keys(first, "dracula")
    first.wait_until(lambda text: re.search(r"(?m)^\W*dracula", text), WAIT, "dracula listed")
    type_keys(first, "enter")
    # Measured once the palette is gone: while it is open it dims the screen behind it.
    first.wait_gone("Search for themes", WAIT)
    first.wait_until(lambda _: background(first, 0, 1) != before, WAIT, "the theme applied")
    # The dimming fades out over a few frames: the theme's colour is the one that stays.
    chosen = background(first, 0, 1)
    for _ in range(20):
        time.sleep(0.25)
        if (now := background(first, 0, 1)) == chosen:
            break
        chosen = now
    first.send(b"\x10")
    first.wait_for("Search for commands", WAIT)
    type_keys(first, "theme", "enter")
    first.wait_for("Search for themes", WAIT)
    marked = [row for row in first.screen_lines() if "dracula" in row]
    others = [row for row in first.screen_lines() if "nord" in row or "monokai" in row]
    assert (
        marked
        and others
        and any(re.search(r"[✓✔●•*]|current", row) for row in marked)
        and not any(re.search(r"[✓✔●•*]|current", row) for row in others)
    ), f"theme list at {size}: the current theme is not marked\n{first.screen_text()}"
    type_keys(first, "escape", "escape", "q")
    assert first.wait_exit(WAIT) == 0
    again = spawn(corpus, rows=rows, cols=cols)
    again.wait_for("line 1/300", WAIT)
    again.wait_until(
        lambda _: background(again, 0, 1) == chosen,
        WAIT,
        f"the chosen theme at the next start ({size})",
    )


UNSETTLED = dict.fromkeys(("line", "total", "percent", "bottom", "wrap_off", "note_pick"), ANY)
"""What a focused notes panel hides or moves (the status shows its hint)."""


def test_wrap_and_panels_are_remembered(spawn: Spawn, corpus: Path, size: str) -> None:
    rows, cols = SIZES[size]
    first = spawn(corpus, rows=rows, cols=cols)
    c = Case(first, view_of(first), "restart", "w L L s", size)
    c.base = c.expect(
        "started",
        line=1,
        top=1,
        library_pick=LONG,
        **{f.name: ANY for f in fields(View) if f.name not in ("line", "top", "library_pick")},
    )
    steps = [
        ("w", {"wrap_rows": 1, "wrap_off": True, "bottom": ANY, "percent": ANY}),
        ("L", {"focus": "library"}),
        ("L", {"focus": "document", "shown": c.base.shown - {"library"}, "library_pick": None}),
    ]
    view = c.base
    for key, changes in steps:  # one at a time: this test is about remembering them
        c.type(key)
        view = c.expect(f"{key} acts", view, **UNSETTLED | {"wrap_rows": ANY} | changes)
    c.type("s")
    chosen = c.expect(
        "wrap off, library hidden, notes shown",
        wrap_rows=1,
        shown=(c.base.shown - {"library"}) | {"notes"},
        focus="notes",
        library_pick=None,
        notes_count=ANY,
        **UNSETTLED,
    )
    c.type("q")
    assert first.wait_exit(WAIT) == 0
    again = spawn(corpus, rows=rows, cols=cols)
    c = Case(again, chosen, "restart", "(none)", size)
    c.expect(
        "wrap, library and notes as they were at quitting",
        focus=ANY,
        **UNSETTLED,
    )
