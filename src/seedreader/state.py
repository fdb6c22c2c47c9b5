"""Reading state: where each document was left, how far it was read, and its marks.

A place (and a mark) is remembered as a line number plus a short quote of the text there, so
it is found again after the document is edited or the terminal has another width.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from seedreader.pathnames import db_path, path_from_db, show_path
from seedreader.paths import ensure_private_dir

QUOTE_LENGTH = 60
SEARCH_RADIUS = 2000
"""How many lines around the old place a moved quote is looked for."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS positions (
    path TEXT PRIMARY KEY,
    line INTEGER NOT NULL,
    quote TEXT NOT NULL,
    furthest INTEGER NOT NULL,
    line_count INTEGER NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_MARKS_SCHEMA = """
CREATE TABLE IF NOT EXISTS marks (
    path TEXT NOT NULL,
    letter TEXT NOT NULL,
    line INTEGER NOT NULL,
    quote TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (path, letter)
);
"""
MARK_LETTERS = frozenset(string.ascii_letters)
"""The letters a mark can have (as in vim and less); `a` and `A` are different marks."""


@dataclass(frozen=True)
class Place:
    """Where a document was left."""

    line: int
    """0-based line the cursor was on."""
    quote: str
    """The start of that line's text."""
    furthest: int
    """The furthest 0-based line that was on screen."""
    line_count: int
    """Lines the document had then."""


@dataclass(frozen=True)
class Mark:
    """A place in one document the reader named with a letter (`m` + letter), as in vim.

    All marks belong to one document, upper case as well (vim's file marks would need a
    document to open; here `'A` in another document is simply another mark).
    """

    letter: str
    """One of `MARK_LETTERS`."""
    line: int
    """0-based line when it was set."""
    quote: str
    """`make_quote` of that line's text, to find the line again after an edit."""

    def __post_init__(self) -> None:
        if self.letter not in MARK_LETTERS:
            raise ValueError(f"a mark is a letter a-z or A-Z, not {self.letter!r}")


def is_mark_letter(key: str) -> bool:
    """Whether a typed character names a mark."""
    return key in MARK_LETTERS


def _mark_order(letter: str) -> tuple[bool, str]:
    """Lower case marks first, then upper case, each alphabetical (as vim's `:marks`)."""
    return (letter.isupper(), letter)


def read_fraction(last_read: int, line_count: int) -> float:
    """How far a document is read when line `last_read` (0-based) was the last one seen whole.

    The one definition of "% read", for the status bar and the library alike: 1.0 only when
    the last line has been on screen.
    """
    if line_count <= 0:
        return 1.0
    return min(max(last_read + 1, 0) / line_count, 1.0)


def percent(fraction: float) -> int:
    """A fraction as a whole percentage, rounded down: 100 only when it is all there."""
    return int(fraction * 100 + 1e-9)


def make_quote(text: str) -> str:
    """The quote that identifies a line: its start, whitespace squeezed."""
    return " ".join(text.split())[:QUOTE_LENGTH]


def find_place(place: Place, line_count: int, line: Callable[[int], str]) -> int:
    """Find a remembered place in the document as it is now.

    Args:
        place: what was remembered.
        line_count: lines in the document now.
        line: a function returning the text of a line.

    Returns:
        The line whose text still starts with the quote, nearest the old line; the old line
        (clamped) when the quote is empty or gone.
    """
    if line_count <= 0:
        return 0
    old = min(max(place.line, 0), line_count - 1)
    if not place.quote:
        return old
    for distance in range(SEARCH_RADIUS + 1):
        for candidate in (old - distance, old + distance) if distance else (old,):
            if 0 <= candidate < line_count and make_quote(line(candidate)) == place.quote:
                return candidate
    return old


def find_mark(mark: Mark, line_count: int, line: Callable[[int], str]) -> int:
    """The line a mark is on in the document as it is now (see `find_place`)."""
    return find_place(Place(mark.line, mark.quote, mark.line, line_count), line_count, line)


def _unusable(path: Path, error: Exception) -> str:
    """The one-line notice when the store cannot be opened: reading goes on without it."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"Reading places and choices are not remembered this time: {show_path(path)}: {reason}"


class ReadingState:
    """Positions of documents in `state.sqlite3`; if the store cannot be used, reading goes on.

    Every failure to read or write is caught and remembered in `problem` (shown once by the
    app): losing a reading position must never stop anyone reading.
    """

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / "state.sqlite3"
        self._db: sqlite3.Connection | None = None
        self.problem: str | None = None
        """A one-line message when the store could not be used."""

    def _connect(self, create: bool = True) -> sqlite3.Connection | None:
        if self._db is not None or self.problem is not None:
            return self._db
        try:
            os.stat(self._path)
        except FileNotFoundError:
            if not create:
                return None  # nothing remembered yet: the file is made on the first save
        except OSError as error:  # a folder the user cannot enter, say
            self.problem = _unusable(self._path, error)
            return None
        try:
            ensure_private_dir(self._path.parent)
            db = sqlite3.connect(self._path, isolation_level=None, timeout=5.0)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            # A store from before marks gains the table; if it cannot (a read-only file), the
            # places in it are still read, and using marks reports the problem then.
            with contextlib.suppress(sqlite3.Error):
                db.executescript(_MARKS_SCHEMA)
            with contextlib.suppress(OSError):  # not ours to change (a shared folder)
                os.chmod(self._path, 0o600)
            self._db = db
        except (sqlite3.Error, OSError) as error:
            self.problem = _unusable(self._path, error)
        return self._db

    def get(self, path: Path) -> Place | None:
        """The remembered place of a document, if any."""
        db = self._connect(create=False)
        if db is None:
            return None
        try:
            row = db.execute(
                "SELECT line, quote, furthest, line_count FROM positions WHERE path = ?",
                (db_path(path),),
            ).fetchone()
        except sqlite3.Error as error:
            self.problem = f"reading positions are not available ({error})"
            return None
        return Place(*row) if row else None

    def all(self) -> dict[str, Place]:
        """Every remembered place, by path."""
        db = self._connect(create=False)
        if db is None:
            return {}
        try:
            rows = db.execute(
                "SELECT path, line, quote, furthest, line_count FROM positions"
            ).fetchall()
        except sqlite3.Error:
            return {}
        return {path_from_db(row[0]): Place(*row[1:]) for row in rows}

    def save(self, path: Path, place: Place) -> None:
        """Remember a place (one short transaction)."""
        db = self._connect()
        if db is None:
            return
        now = time.time()
        try:
            db.execute(
                "INSERT INTO positions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                "line=excluded.line, quote=excluded.quote, "
                "furthest=max(furthest, excluded.furthest), "
                "line_count=excluded.line_count, updated=excluded.updated",
                (db_path(path), place.line, place.quote, place.furthest, place.line_count, now),
            )
        except sqlite3.Error as error:
            self.problem = f"reading positions are not saved ({error})"

    def setting(self, name: str) -> str | None:
        """A remembered choice (theme, wrap, panels shown, reading width), if any."""
        db = self._connect(create=False)
        if db is None:
            return None
        try:
            row = db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error:
            return None  # a store from before settings existed: nothing remembered yet
        return str(row[0]) if row else None

    def remember(self, name: str, value: str) -> None:
        """Remember a choice for the next start."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
                "value=excluded.value",
                (name, value),
            )
        except sqlite3.Error as error:
            self.problem = f"choices are not saved ({error})"

    def marks(self, path: Path) -> dict[str, Mark]:
        """The marks of a document by letter, lower case first (nothing when none or unusable)."""
        db = self._connect(create=False)
        if db is None:
            return {}
        try:
            rows = db.execute(
                "SELECT letter, line, quote FROM marks WHERE path = ?", (db_path(path),)
            ).fetchall()
        except sqlite3.Error as error:
            self.problem = f"marks are not available ({error})"
            return {}
        found = {}
        for letter, line, quote in rows:
            # A store edited by hand or by a later version: skip what this one cannot use.
            if isinstance(letter, str) and is_mark_letter(letter) and isinstance(line, int):
                found[letter] = Mark(letter, line, quote if isinstance(quote, str) else "")
        return {letter: found[letter] for letter in sorted(found, key=_mark_order)}

    def set_mark(self, path: Path, mark: Mark) -> None:
        """Set (or move) a mark of a document (one short transaction)."""
        db = self._connect()
        if db is None:
            return
        try:
            db.execute(
                "INSERT INTO marks VALUES (?, ?, ?, ?, ?) ON CONFLICT(path, letter) DO UPDATE "
                "SET line=excluded.line, quote=excluded.quote, updated=excluded.updated",
                (db_path(path), mark.letter, mark.line, mark.quote, time.time()),
            )
        except sqlite3.Error as error:
            self.problem = f"marks are not saved ({error})"

    def delete_mark(self, path: Path, letter: str) -> None:
        """Forget a mark of a document; nothing happens when it was not set."""
        db = self._connect(create=False)
        if db is None:
            return
        try:
            db.execute("DELETE FROM marks WHERE path = ? AND letter = ?", (db_path(path), letter))
        except sqlite3.Error as error:
            self.problem = f"marks are not saved ({error})"

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
