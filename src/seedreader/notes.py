"""The notes store: notes anchored to lines of a document, kept durably in SQLite, re-anchored."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import threading
import time
import uuid
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import Self

from rapidfuzz import fuzz, process

from seedreader.documents import Document
from seedreader.pathnames import db_path, path_from_db, show_path

__all__ = [
    "DB_NAME",
    "DETACHED",
    "EXACT",
    "MOVED",
    "Anchor",
    "Note",
    "NotesStore",
    "NotesStoreError",
    "PlacedNote",
    "make_anchor",
    "place_note",
    "place_notes",
]

DB_NAME = "notes.sqlite3"
CONTEXT = 120
"""Characters of text kept before and after a quote, to find it again after edits."""
BUSY_TIMEOUT = 10.0
"""Seconds a writer waits for another instance's transaction before giving up."""
FUZZY_WINDOW = 3000
"""Lines either side of a note's old place searched by the fuzzy re-anchoring."""
LARGE_WINDOW = 20000
"""Lines either side of a note's old place searched in a large (chunked) document."""
SEARCH_RADII = (4096, 256 * 1024, 1 << 62)
"""Characters either side of a note's old place searched for an exact copy, in turn."""
SHORT_QUOTE = 8
"""Quotes with fewer non-blank characters than this need matching context to be re-found."""

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_NOTADB = 26
LOW_SPACE = 1 << 20
"""Bytes free in the data folder below which an SQLite I/O error is taken for a full disk."""

EXACT = "exact"
MOVED = "moved"
DETACHED = "detached"


class NotesStoreError(Exception):
    """A notes operation failed; the message is one line for the user."""


@dataclass(frozen=True)
class Anchor:
    """Where a note points: whole lines of the document as they were when the note was written."""

    start_line: int
    """First line of the passage (0-based)."""
    end_line: int
    """Last line of the passage (0-based, inclusive)."""
    start: int
    """Character offset of the passage in the text (lines joined by "\\n")."""
    end: int
    """Character offset just past the passage."""
    quote: str
    """The exact text of the passage."""
    before: str
    """Up to CONTEXT characters of text just before the passage."""
    after: str
    """Up to CONTEXT characters of text just after the passage."""


@dataclass(frozen=True)
class Note:
    """One note as stored."""

    id: str
    path: str
    """The document's absolute path when the note was last attached to it (a name that is not
    valid UTF-8 holds surrogate escapes, as `os.fsdecode` gives it; see `pathnames`)."""
    fingerprint: str
    """`Document.fingerprint` of the content the anchor was taken from."""
    anchor: Anchor
    body: str
    """The note's text (plain, Markdown welcome)."""
    created: float
    """Seconds since the epoch."""
    updated: float


@dataclass(frozen=True)
class PlacedNote:
    """A note placed in the current content of its document."""

    note: Note
    state: str
    """"exact" (same text at the same lines), "moved" (found elsewhere, exactly or nearly) or
    "detached" (its text is gone; the note is kept and shows its quote)."""
    line: int | None
    """First line of the passage now (0-based), None if detached."""
    end_line: int | None
    """Last line of the passage now (0-based, inclusive), None if detached."""


# --- positions in a document -------------------------------------------------------------------


class _Offsets:
    """Character offset of each line of a document (lines joined by "\\n"), computed once."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._starts: list[int] | None = None  # small documents: offset of every line
        self._chunk_lines: list[int] = []  # large documents: first line of each chunk
        self._chunk_offsets: list[int] = []  # ... and its character offset

    def _build(self) -> None:
        if self._starts is not None or self._chunk_lines:
            return
        document = self.document
        if not document.is_large:
            self._starts = [0, *accumulate(len(line) + 1 for line in document.lines())]
            return
        offset = 0
        for first, lines in document.iter_text_chunks():
            self._chunk_lines.append(first)
            self._chunk_offsets.append(offset)
            offset += sum(len(line) for line in lines) + len(lines)
        if not self._chunk_lines:
            self._chunk_lines, self._chunk_offsets = [0], [0]

    def offset(self, line: int) -> int:
        """Offset of the start of `line`."""
        self._build()
        if self._starts is not None:
            return self._starts[max(0, min(line, len(self._starts) - 1))]
        k = max(bisect_right(self._chunk_lines, line) - 1, 0)
        first = self._chunk_lines[k]
        between = self.document.lines(first, line)
        return self._chunk_offsets[k] + sum(len(text) for text in between) + len(between)


_OFFSETS: weakref.WeakKeyDictionary[Document, _Offsets] = weakref.WeakKeyDictionary()
_OFFSETS_LOCK = threading.Lock()


def _offsets(document: Document) -> _Offsets:
    with _OFFSETS_LOCK:
        found = _OFFSETS.get(document)
        if found is None:
            found = _OFFSETS[document] = _Offsets(document)
        return found


def _context_before(document: Document, line: int) -> str:
    """Up to CONTEXT characters of text ending just before `line`."""
    parts: list[str] = []
    size = 0
    i = line - 1
    while i >= 0 and size < CONTEXT:
        text = document.line(i) + "\n"
        parts.append(text)
        size += len(text)
        i -= 1
    return "".join(reversed(parts))[-CONTEXT:]


def _context_after(document: Document, line: int) -> str:
    """Up to CONTEXT characters of text starting just after `line` (with its line break)."""
    parts: list[str] = []
    size = 0
    i = line + 1
    count = _line_count(document)
    while i < count and size < CONTEXT:
        text = "\n" + document.line(i)
        parts.append(text)
        size += len(text)
        i += 1
    return "".join(parts)[:CONTEXT]


def _line_count(document: Document) -> int:
    """Every line of the document, indexing a large one first (its count is partial till then)."""
    if not document.is_indexed:
        document.index_lines()
    return document.line_count


def make_anchor(document: Document, start_line: int, end_line: int) -> Anchor:
    """The anchor of lines `start_line`..`end_line` (0-based, inclusive) of `document`.

    Raises:
        NotesStoreError: the lines are not in the document.
    """
    count = _line_count(document)
    if count == 0:
        raise NotesStoreError(
            f"{show_path(document.path)}: the document is empty; there is nothing to annotate"
        )
    if end_line < start_line:
        start_line, end_line = end_line, start_line
    if start_line < 0 or end_line >= count:
        raise NotesStoreError(
            f"{show_path(document.path)}: line {start_line + 1}"
            + (f"-{end_line + 1}" if end_line != start_line else "")
            + f" is outside the document (it has {count} lines)"
        )
    quote = "\n".join(document.lines(start_line, end_line + 1))
    start = _offsets(document).offset(start_line)
    return Anchor(
        start_line=start_line,
        end_line=end_line,
        start=start,
        end=start + len(quote),
        quote=quote,
        before=_context_before(document, start_line),
        after=_context_after(document, end_line),
    )


# --- re-anchoring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    """A stretch of a document's text: whole lines `first_line`.. starting at offset `base`."""

    text: str
    first_line: int
    base: int
    starts: list[int]  # offset of each line in `text`

    @classmethod
    def of(cls, document: Document, first_line: int, stop_line: int) -> _Window:
        lines = document.lines(first_line, stop_line)
        base = _offsets(document).offset(first_line) if first_line else 0
        return cls.of_lines(lines, first_line, base)

    @classmethod
    def of_lines(cls, lines: list[str], first_line: int, base: int = 0) -> _Window:
        starts = [0, *accumulate(len(line) + 1 for line in lines)][:-1] if lines else [0]
        return cls("\n".join(lines), first_line, base, starts)

    def line_at(self, position: int) -> int:
        """The document line holding window position `position`."""
        return self.first_line + max(bisect_right(self.starts, position) - 1, 0)


def _context_score(window: _Window, start: int, end: int, anchor: Anchor) -> float:
    """How well the text around window[start:end] matches the note's context (0-100)."""
    before = window.text[max(0, start - len(anchor.before)) : start]
    after = window.text[end : end + len(anchor.after)]
    return max(fuzz.ratio(before, anchor.before), fuzz.ratio(after, anchor.after))


def _aligned(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is whole lines (an anchor always is)."""
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")


def _exact_candidates(
    window: _Window, quote: str, low: int = 0, high: int | None = None, limit: int = 2000
) -> list[int]:
    """Where the quote stands as whole lines in window.text[low:high] (part of a line is not it)."""
    found: list[int] = []
    text = window.text
    high = len(text) if high is None else min(high, len(text))
    i = text.find(quote, low, high)
    while i >= 0 and len(found) < limit:
        if _aligned(text, i, i + len(quote)):
            found.append(i)
        i = text.find(quote, i + 1, high)
    return found


def _placed(note: Note, window: _Window, start: int) -> PlacedNote:
    """The note placed at an exact copy of its quote starting at window position `start`."""
    line = window.line_at(start)
    end_line = line + note.anchor.quote.count("\n")
    if line == note.anchor.start_line and end_line == note.anchor.end_line:
        return PlacedNote(note, EXACT, line, end_line)
    return PlacedNote(note, MOVED, line, end_line)


def _fuzzy_cutoff(length: int) -> float:
    """Minimum similarity of a near match: stricter for short quotes so they do not jump."""
    if length < 16:
        return 90.0
    if length < 40:
        return 85.0
    return 75.0


def place_note(note: Note, document: Document) -> PlacedNote:
    """Find where `note` is in the current content of `document` (see `place_notes`)."""
    return place_notes([note], document)[0]


def place_notes(notes: Sequence[Note], document: Document) -> list[PlacedNote]:
    """Find where each note is in the current content of `document`, in the order given.

    The same content means the same place. Otherwise a quote is looked for exactly (as whole
    lines), near the old place first, and a short quote only where the text around it still
    matches; in a large document the whole file is then read once for all the notes not found
    near their old place; last comes a near match over the lines around the old place. A note
    whose text is gone is detached, never moved to a wrong place.
    """
    count = _line_count(document)
    whole: list[_Window] = []  # a small document's text, joined once for all its notes if needed
    placed: list[PlacedNote | None] = []
    far: list[tuple[int, Note, _Window]] = []
    for note in notes:
        near, window = _place_near(note, document, count, whole)
        if near is None:
            assert window is not None
            far.append((len(placed), note, window))
        placed.append(near)
    if far:
        scanned = _scan_large([n for _, n, _ in far], document) if document.is_large else {}
        for i, note, window in far:
            found = scanned.get(note.id) or _fuzzy(note, window, document)
            placed[i] = found or PlacedNote(note, DETACHED, None, None)
    return [p for p in placed if p is not None]


def _place_near(
    note: Note, document: Document, count: int, whole: list[_Window]
) -> tuple[PlacedNote | None, _Window | None]:
    """The note placed by content or by an exact copy near its old place.

    Args:
        whole: a cache, shared by the notes of one document, for its whole text.

    Returns:
        The placed note, or None and the window searched when it must be looked for further.
    """
    anchor = note.anchor
    if document.fingerprint == note.fingerprint and anchor.end_line < max(count, 1):
        return PlacedNote(note, EXACT, anchor.start_line, anchor.end_line), None
    if count == 0:
        return PlacedNote(note, DETACHED, None, None), None
    if document.is_large:
        low = max(0, anchor.start_line - LARGE_WINDOW)
        window = _Window.of(document, low, min(count, anchor.end_line + LARGE_WINDOW + 1))
    else:
        if not whole:
            whole.append(_Window.of(document, 0, count))
        window = whole[0]
    old = anchor.start - window.base
    quote = anchor.quote
    meaningful = len(quote.strip())
    if (
        old >= 0
        and window.text[old : old + len(quote)] == quote
        and _aligned(window.text, old, old + len(quote))
        and (
            meaningful >= SHORT_QUOTE or _context_score(window, old, old + len(quote), anchor) >= 60
        )
    ):
        return _placed(note, window, old), None
    size = len(window.text)
    for radius in SEARCH_RADII:
        # Nearest first: most edits shift a passage a little, and a small stretch is quick to
        # search; the whole text only when the nearer stretches hold no copy.
        low, high = max(0, old - radius), old + len(quote) + radius
        candidates = _exact_candidates(window, quote, low, high)
        scored = [
            (_context_score(window, c, c + len(quote), anchor), abs(c - old), c) for c in candidates
        ]
        if meaningful < SHORT_QUOTE:
            scored = [s for s in scored if s[0] >= 60]
        if scored:
            # Context first (in coarse steps, so small edits nearby do not outweigh distance),
            # then nearest to the old place.
            best = min(scored, key=lambda s: (-(s[0] // 10), s[1]))
            return _placed(note, window, best[2]), None
        if low == 0 and high >= size:
            break
    if meaningful < SHORT_QUOTE:
        # Too little text to recognise anywhere else, or as a near match: detached.
        return PlacedNote(note, DETACHED, None, None), None
    return None, window


def _scan_large(notes: list[Note], document: Document) -> dict[str, PlacedNote]:
    """Exact copies of the notes' quotes anywhere in a large document, nearest the old places.

    One pass over the file, a chunk at a time, carrying lines over so no copy is cut in two.
    """
    carry = max(note.anchor.quote.count("\n") for note in notes)
    tail: list[str] = []
    best: dict[str, tuple[int, int]] = {}  # id -> (distance, line)
    for first, lines in document.iter_text_chunks():
        window = _Window.of_lines(tail + lines, first - len(tail))
        for note in notes:
            for position in _exact_candidates(window, note.anchor.quote):
                line = window.line_at(position)
                distance = abs(line - note.anchor.start_line)
                if note.id not in best or distance < best[note.id][0]:
                    best[note.id] = (distance, line)
        tail = (tail + lines)[-carry:] if carry else []
    found: dict[str, PlacedNote] = {}
    for note in notes:
        if note.id in best:
            line = best[note.id][1]
            found[note.id] = PlacedNote(note, MOVED, line, line + note.anchor.quote.count("\n"))
    return found


def _fuzzy(note: Note, window: _Window, document: Document) -> PlacedNote | None:
    """A near match of the quote among same-height stretches of lines near the old place."""
    anchor = note.anchor
    height = anchor.end_line - anchor.start_line + 1
    last = window.first_line + len(window.starts)  # one past the window's last line
    low = max(window.first_line, anchor.start_line - FUZZY_WINDOW)
    high = min(last - height + 1, anchor.start_line + FUZZY_WINDOW)
    if high <= low:
        return None
    lines = document.lines(low, high + height - 1)
    choices = ["\n".join(lines[i : i + height]) for i in range(high - low)]
    cutoff = _fuzzy_cutoff(len(anchor.quote))
    matches = process.extract(
        anchor.quote, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=20
    )
    if not matches:
        return None
    best: tuple[float, float, int, int] | None = None
    for _, score, i in matches:
        start_line = low + i
        start = window.starts[start_line - window.first_line]
        end = start + len(choices[i])
        context = _context_score(window, start, end, anchor)
        if len(anchor.quote) < 40 and context < 50:
            continue  # a short near match with different surroundings is another passage
        key = (score + context / 4, -abs(start_line - anchor.start_line), start_line, end)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    start_line = best[2]
    return PlacedNote(note, MOVED, start_line, start_line + height - 1)


# --- the store -----------------------------------------------------------------------------------


def _v1(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE notes (
            id TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            start_line INTEGER NOT NULL,
            end_line INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            body TEXT NOT NULL,
            created REAL NOT NULL,
            updated REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX notes_by_path ON notes (path, start_line)")
    db.execute("CREATE INDEX notes_by_fingerprint ON notes (fingerprint)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]
"""MIGRATIONS[i] takes the schema from version i to i + 1 (`PRAGMA user_version`)."""
SCHEMA_VERSION = len(MIGRATIONS)

_COLUMNS = (
    'id, path, fingerprint, start_line, end_line, start, "end", quote, before, after, body, '
    "created, updated"
)


def _row(note: Note) -> tuple[object, ...]:
    a = note.anchor
    return (
        note.id,
        db_path(note.path),  # TEXT, or a BLOB of the name's bytes when it is not UTF-8
        note.fingerprint,
        a.start_line,
        a.end_line,
        a.start,
        a.end,
        a.quote,
        a.before,
        a.after,
        note.body,
        note.created,
        note.updated,
    )


def _note(row: Sequence[object]) -> Note:
    (id_, path, fingerprint, start_line, end_line, start, end, quote, before, after, body) = row[
        :11
    ]
    anchor = Anchor(
        int(start_line),  # type: ignore[call-overload]
        int(end_line),  # type: ignore[call-overload]
        int(start),  # type: ignore[call-overload]
        int(end),  # type: ignore[call-overload]
        str(quote),
        str(before),
        str(after),
    )
    return Note(
        str(id_),
        path_from_db(path) if isinstance(path, bytes) else str(path),
        str(fingerprint),
        anchor,
        str(body),
        float(row[11]),  # type: ignore[arg-type]
        float(row[12]),  # type: ignore[arg-type]
    )


class _Corrupt(Exception):
    """The notes file is not a healthy SQLite database."""


class _Busy(Exception):
    """Another instance holds the notes file for a moment."""


class _TooNew(Exception):
    """The notes file was written by a newer seedreader."""


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so two instances queue on the busy timeout
    # instead of failing halfway through with a lock upgrade error.
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        # A COMMIT that fails (disk full) may leave the transaction open: it is rolled back
        # below, so the next save on this connection starts afresh.
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _check_text(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise NotesStoreError(f"the {what} holds characters that are not valid Unicode") from None


def new_id() -> str:
    """A fresh note id: 16 hex digits, unique enough across machines for import."""
    return uuid.uuid4().hex[:16]


class NotesStore:
    """Notes in one SQLite file in the data folder; every change is one committed transaction.

    The connection may be used from several threads (the app saves from workers): a lock keeps
    one statement sequence at a time.
    """

    def __init__(self, data_dir: Path, read_only: bool = False) -> None:
        """Open the notes file in `data_dir`, creating both when they do not exist.

        A damaged notes file is moved aside and a fresh one started; one from a newer seedreader
        and an unwritable folder give a store that reads but does not save. `warnings` says so.

        Args:
            read_only: open only to read (`notes list`, `notes export`): nothing in the data
                folder is created, moved or changed, and a missing folder or file holds no
                notes. A damaged notes file, or one from a newer seedreader, raises instead.

        Raises:
            NotesStoreError: the notes file cannot be opened (with `read_only`, or is damaged).
        """
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_NAME
        """The notes file."""
        self.warnings: list[str] = []
        """One-line messages for the user on how the store was opened (moved aside, read-only)."""
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._read_only = read_only
        if read_only:
            self._open_for_reading()
        else:
            self._open()

    # -- opening

    def _open(self) -> None:
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            self._read_only = True
            self.warnings.append(
                f"cannot create the notes folder {show_path(self.data_dir)}: {error.strerror}; "
                "notes cannot be saved"
            )
            return
        writable = os.access(self.data_dir, os.W_OK | os.X_OK) and (
            not self.path.exists() or os.access(self.path, os.W_OK)
        )
        if not writable:
            self._open_read_only()
            return
        # An empty file is a valid empty database to SQLite; the user should still know. (Ours
        # is never seen empty: `_create` links it into place whole.)
        with suppress(OSError):
            if self.path.is_file() and self.path.stat().st_size == 0:
                self.warnings.append(
                    f"the notes file {show_path(self.path)} was empty (0 bytes) and was started "
                    "afresh"
                )
        try:
            self._db = self._connect()
        except _Corrupt as reason:
            aside = self._move_aside()
            self.warnings.append(
                f"the notes file {show_path(self.path)} is damaged ({reason}); it was moved "
                f"aside to {aside.name} and a fresh notes file was started"
            )
            self._db = self._connect()
        except _TooNew:
            self._open_read_only()
            self.warnings.append(
                f"the notes file {show_path(self.path)} was written by a newer seedreader; "
                "notes can be read but not saved"
            )

    def _connect(self) -> sqlite3.Connection:
        # Another instance starting at the same moment (creating the file, switching it to WAL,
        # recovering its log) can make SQLite report "locked" at once, without waiting on the
        # busy timeout: retry until the timeout has passed.
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                return self._connect_once()
            except _Busy as busy:
                if time.monotonic() > deadline:
                    raise NotesStoreError(
                        f"the notes file {show_path(self.path)} is busy "
                        f"(another seedreader holds it): {busy}"
                    ) from None
                time.sleep(0.01 + random.random() * 0.04)

    def _create(self) -> None:
        """Put a new notes file, with its tables, at `self.path` all at once.

        It is made under a temporary name with mode 0600 (SQLite gives the -wal and -shm files
        the same mode) and hard-linked into place: never a file another instance just made
        replaced, never an empty or half-made file seen by one starting at the same moment.
        """
        temporary = self.path.with_name(f".{self.path.name}.new-{uuid.uuid4().hex[:12]}")
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            try:
                db = sqlite3.connect(temporary, isolation_level=None)
                try:
                    db.execute("PRAGMA journal_mode = WAL")
                    self._migrate(db)
                finally:
                    db.close()
            except sqlite3.Error as error:
                raise NotesStoreError(
                    f"cannot create the notes file {show_path(self.path)}: {self._explain(error)}"
                ) from None
            try:
                os.link(temporary, self.path)
            except FileExistsError:
                pass  # another instance made it first: that one is used
            except OSError:
                # No hard links on this file system: an empty file, made by SQLite as it opens.
                with suppress(FileExistsError):
                    os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        finally:
            for suffix in ("", "-wal", "-shm"):
                with suppress(OSError):
                    os.unlink(f"{temporary}{suffix}")

    def _connect_once(self) -> sqlite3.Connection:
        if not self.path.exists():
            self._create()
        try:
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise NotesStoreError(
                f"cannot open the notes file {show_path(self.path)}: {error}"
            ) from None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise _Busy("cannot switch to WAL mode yet")
            # FULL: the WAL is synced on every commit, so a saved note survives power loss.
            db.execute("PRAGMA synchronous = FULL")
            check = db.execute("PRAGMA quick_check").fetchall()
            if [tuple(r) for r in check] != [("ok",)]:
                raise _Corrupt(str(check[0][0]) if check else "integrity check failed")
            self._migrate(db)
        except sqlite3.Error as error:
            db.close()
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code in (SQLITE_BUSY, SQLITE_LOCKED):
                raise _Busy(str(error)) from None
            if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
                raise _Corrupt(str(error)) from None
            # Anything else (I/O error, disk full, permissions) is not the file's fault: it is
            # reported and the file is left where it is.
            raise NotesStoreError(
                f"cannot open the notes file {show_path(self.path)}: {self._explain(error)}"
            ) from None
        except (_Corrupt, _TooNew, _Busy):
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise _TooNew()
        with _transaction(db):
            # Read again inside the write lock: another instance may have migrated meanwhile.
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            for migration in MIGRATIONS[version:]:
                migration(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _open_for_reading(self) -> None:
        """Open for `read_only`: create, move or change nothing; a damaged file raises."""
        shown = show_path(self.path)
        try:
            info = self.path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return  # no data folder, or no notes file in it: no notes
        except OSError as error:
            raise NotesStoreError(f"cannot read the notes file {shown}: {error.strerror}") from None
        if stat.S_ISDIR(info.st_mode):
            raise NotesStoreError(f"the notes file {shown} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotesStoreError(f"the notes file {shown} is not a regular file")
        if info.st_size == 0:
            self.warnings.append(f"the notes file {shown} is empty (0 bytes): it holds no notes")
            return
        # Notes saved last may still be in the -wal file (another seedreader is running, or one
        # was killed): `mode=ro` reads them, but needs the -shm file and makes it when missing.
        # With no log, `immutable` reads the file alone and makes nothing next to it.
        try:
            logged = os.stat(f"{self.path}-wal").st_size > 0
        except OSError:
            logged = False
        uri = self.path.absolute().as_uri()
        choices = ["mode=ro", "mode=ro&immutable=1"] if logged else ["mode=ro&immutable=1"]
        failure: sqlite3.Error | None = None
        for options in choices:
            try:
                db = sqlite3.connect(
                    f"{uri}?{options}", uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False
                )
            except sqlite3.Error as error:
                failure = error
                continue
            try:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                check = db.execute("PRAGMA quick_check").fetchall()
            except sqlite3.Error as error:
                db.close()
                code = getattr(error, "sqlite_errorcode", 0) & 0xFF
                if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
                    raise NotesStoreError(self._damaged(str(error))) from None
                failure = error
                continue
            if [tuple(r) for r in check] != [("ok",)]:
                db.close()
                raise NotesStoreError(
                    self._damaged(str(check[0][0]) if check else "integrity check failed")
                )
            if version > SCHEMA_VERSION:
                db.close()
                raise NotesStoreError(
                    f"the notes file {shown} was written by a newer seedreader (schema "
                    f"{version}; this one reads {SCHEMA_VERSION}); it was left as it is"
                )
            if version == 0:
                db.close()  # an empty database: no notes yet
                return
            if options != choices[0]:
                self.warnings.append(
                    f"the notes saved last (in {show_path(self.path)}-wal) cannot be read here"
                )
            self._db = db
            return
        raise NotesStoreError(
            f"cannot read the notes file {shown}: "
            + (self._explain(failure) if failure is not None else "unknown error")
        )

    def _damaged(self, reason: str) -> str:
        return f"the notes file {show_path(self.path)} is damaged ({reason}); it was left as it is"

    def _explain(self, error: sqlite3.Error) -> str:
        """What went wrong, for the user: "the disk is full" rather than "disk I/O error"."""
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_FULL or (code == SQLITE_IOERR and self._low_on_space()):
            return f"the disk is full (no space left in {show_path(self.data_dir)})"
        message = str(error)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            return "the notes file is busy (another seedreader is writing); try again"
        if "readonly" in message:
            return f"the notes file {show_path(self.path)} is read-only"
        if isinstance(error, sqlite3.OperationalError):
            return message
        return f"{show_path(self.path)}: {message}"

    def _low_on_space(self) -> bool:
        try:
            return shutil.disk_usage(self.data_dir).free < LOW_SPACE
        except OSError:
            return False

    def _open_read_only(self) -> None:
        self._read_only = True
        self.warnings.append(
            f"the notes folder {show_path(self.data_dir)} is not writable: "
            "notes can be read but not saved"
        )
        if not self.path.exists():
            return
        uri = self.path.resolve().as_uri()
        for options in ("mode=ro", "mode=ro&immutable=1"):
            # A WAL database needs its -shm file; in a read-only folder it cannot be created,
            # and then `immutable` (no locking) is safe: nobody can write there either.
            try:
                db = sqlite3.connect(
                    f"{uri}?{options}", uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False
                )
                db.execute("SELECT count(*) FROM notes").fetchone()
            except sqlite3.DatabaseError:
                continue
            self._db = db
            return
        self.warnings.append(f"the notes file {show_path(self.path)} cannot be read")

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 0
        while True:
            aside = self.path.with_name(
                f"{self.path.name}.corrupt-{stamp}" + (f"-{n}" if n else "")
            )
            if not aside.exists():
                break
            n += 1
        # Renamed, never opened or deleted: the user may want it back. Its WAL goes with it, or
        # SQLite would replay a stale log into the fresh file.
        os.rename(self.path, aside)
        for suffix in ("-wal", "-shm"):
            extra = self.path.with_name(self.path.name + suffix)
            if extra.exists():
                os.rename(extra, aside.with_name(aside.name + suffix))
        return aside

    # -- state

    @property
    def read_only(self) -> bool:
        """Whether notes can only be read (the data folder is not writable)."""
        return self._read_only

    def close(self) -> None:
        """Close the notes file (the last instance to close folds the WAL back into it)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing

    @contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        if self._read_only or self._db is None:
            raise NotesStoreError(
                f"cannot {what}: the notes folder {show_path(self.data_dir)} is not writable"
            )
        with self._lock:
            try:
                with _transaction(self._db):
                    yield self._db
            except sqlite3.DatabaseError as error:
                raise NotesStoreError(f"cannot {what}: {self._explain(error)}") from None

    def add(self, document: Document, start_line: int, end_line: int, body: str) -> Note:
        """Add a note on lines `start_line`..`end_line` (0-based, inclusive) of `document`.

        Returns only once the note is committed to disk.

        Raises:
            NotesStoreError: the lines are not in the document, or the note cannot be saved.
        """
        _check_text(body, "note")
        anchor = make_anchor(document, start_line, end_line)
        now = time.time()
        note = Note(new_id(), str(document.path), document.fingerprint, anchor, body, now, now)
        with self._writing("save the note") as db:
            db.execute(f"INSERT INTO notes ({_COLUMNS}) VALUES ({', '.join('?' * 13)})", _row(note))
        return note

    def update(self, note_id: str, body: str) -> Note:
        """Replace a note's body; returns the note as saved.

        Raises:
            NotesStoreError: no such note, or it cannot be saved.
        """
        _check_text(body, "note")
        with self._writing("save the note") as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                raise NotesStoreError(f"no note with id {note_id}")
            note = replace(_note(row), body=body, updated=time.time())
            db.execute(
                "UPDATE notes SET body = ?, updated = ? WHERE id = ?",
                (note.body, note.updated, note.id),
            )
        return note

    def delete(self, note_id: str) -> Note:
        """Delete a note; returns it so it can be restored (undo).

        Raises:
            NotesStoreError: no such note, or the store cannot be written.
        """
        with self._writing("delete the note") as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                raise NotesStoreError(f"no note with id {note_id}")
            db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        return _note(row)

    def restore(self, note: Note) -> None:
        """Put back a note exactly as it was (undoing `delete`)."""
        with self._writing("restore the note") as db:
            db.execute(
                f"INSERT OR REPLACE INTO notes ({_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                _row(note),
            )

    def merge(self, notes: Iterable[Note]) -> tuple[int, int]:
        """Import notes in one transaction: new ids are added, newer copies replace older ones.

        Importing the same notes again changes nothing.

        Returns:
            (notes added, notes updated).
        """
        added = updated = 0
        with self._writing("import notes") as db:
            for note in notes:
                _check_text(note.body, "note")
                _check_text(note.anchor.quote, "quote")
                row = db.execute(
                    "SELECT updated, body FROM notes WHERE id = ?", (note.id,)
                ).fetchone()
                if row is None:
                    added += 1
                elif float(row[0]) < note.updated:
                    updated += 1
                else:
                    continue
                db.execute(
                    f"INSERT OR REPLACE INTO notes ({_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                    _row(note),
                )
        return added, updated

    # -- reading

    def _query(self, sql: str, args: Sequence[object] = ()) -> list[Note]:
        if self._db is None:
            return []
        with self._lock:
            try:
                rows = self._db.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as error:
                raise NotesStoreError(
                    f"cannot read notes from {show_path(self.path)}: {error}"
                ) from None
        return [_note(row) for row in rows]

    def get(self, note_id: str) -> Note | None:
        """The note with this id, if any."""
        found = self._query(f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,))
        return found[0] if found else None

    def all_notes(self) -> list[Note]:
        """Every note, by path then line."""
        return self._query(f"SELECT {_COLUMNS} FROM notes ORDER BY path, start_line, created, id")

    def notes_for(self, document: Document) -> list[PlacedNote]:
        """The notes of `document`, placed in its current content, in document order.

        A note whose document was renamed or moved (its old path is gone) is found by the
        content fingerprint and re-attached to the document's new path. Detached notes come last.
        """
        path = str(document.path)
        fingerprint = document.fingerprint
        notes = self._query(
            f"SELECT {_COLUMNS} FROM notes WHERE path = ? OR fingerprint = ? "
            "ORDER BY start_line, created, id",
            (db_path(path), fingerprint),
        )
        mine: list[Note] = []
        moved: list[Note] = []
        for note in notes:
            if note.path == path:
                mine.append(note)
            elif not os.path.exists(note.path):
                moved.append(replace(note, path=path))
        if moved:
            self._reattach(moved, path)
            mine.extend(moved)
        placed = place_notes(mine, document)
        placed.sort(key=_document_order)
        return placed

    def _reattach(self, notes: list[Note], path: str) -> None:
        if self._read_only:
            return  # shown at the new path now; remembered once the store is writable
        try:
            with self._writing("re-attach notes") as db:
                db.executemany(
                    "UPDATE notes SET path = ? WHERE id = ?",
                    [(db_path(path), n.id) for n in notes],
                )
        except NotesStoreError:
            pass  # busy or unwritable: the notes still show, and are re-attached next time


def _document_order(placed: PlacedNote) -> tuple[int, int, int, float]:
    if placed.line is None:
        return (1, placed.note.anchor.start_line, 0, placed.note.created)
    assert placed.end_line is not None
    return (0, placed.line, placed.end_line, placed.note.created)
