"""The index's SQLite files: connecting, where they live, the schema, writing and deleting rows.

Each paragraph is one row of an SQLite FTS5 table: its C tokenizer and inverted index do the
per-word work, far faster than Python could, and the index lives in the cache dir, so a warm
start only opens a file. The index (two files: index and paragraph text) is keyed by the folder
the documents share; inside it each document is keyed by path, size and modification time.
A paragraph's row id is its document's id shifted left by 32 bits plus its number in the
document. A path is stored as `pathnames.db_path` gives it (a BLOB when the name is not valid
UTF-8: file names are bytes).
"""

from __future__ import annotations

import hashlib
import os
import queue
import sqlite3
import threading
from array import array
from collections.abc import Sequence
from pathlib import Path

from seedreader.documents import Document
from seedreader.pathnames import db_path, path_bytes
from seedreader.search.vocabulary import Vocabulary

SCHEMA = 3
"""Version of the index file's layout; an index of another version is rebuilt."""
BATCH = 5000
"""Paragraphs handed to SQLite at once while building."""
BATCH_CHARS = 8_000_000
"""Characters of text handed to SQLite at once at most while building (a batch of pieces of a
very long line holds `BATCH` full rows)."""

_SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER,
    first_lines BLOB, pieces BLOB, indexed INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS text.para(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0);
INSERT OR IGNORE INTO meta VALUES ('schema', {SCHEMA});
"""
"""The index file holds the documents, the vocabulary and the FTS index; the paragraphs' text
lives in a second file (attached as `text`) so that while building, one connection stores text
as another has SQLite tokenize it: two threads, neither waiting on the other's GIL."""

_VOCABULARY_KEYS = ("words", "counts", "spellings", "order", "paragraphs")

Bounds = tuple[int, int] | None
"""A range of paragraph row ids (both ends included), or None for all of them."""


def document_rows(doc_id: int) -> tuple[int, int]:
    """The range of row ids a document's paragraphs may take."""
    return doc_id << 32, (doc_id << 32) | 0xFFFFFFFF


# --- files and connections -------------------------------------------------------------------


def index_path(documents: Sequence[Document], cache_dir: Path) -> Path:
    """The index file of a library: one per folder the documents share."""
    folders = {str(d.path.parent) for d in documents}
    common = os.path.commonpath(sorted(folders)) if folders else ""
    key = hashlib.sha1(f"{SCHEMA}\n".encode() + path_bytes(common)).hexdigest()[:20]
    return cache_dir / "search" / f"{key}.sqlite"


def stat_key(document: Document) -> tuple[int, int] | None:
    """(size, modification time) of a document's file, None when it is gone."""
    try:
        st = os.stat(document.path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def text_file(path: Path | None) -> str:
    """The file holding the paragraphs' text next to an index file (or in memory)."""
    return ":memory:" if path is None else str(path.with_name(path.stem + "-text.sqlite"))


def files_of(path: Path) -> list[Path]:
    """The index file, its text file and their WAL companions."""
    text = Path(text_file(path))
    return [p.with_name(p.name + suffix) for p in (path, text) for suffix in ("", "-wal", "-shm")]


def has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return row is not None


def connect(path: Path | None) -> sqlite3.Connection:
    """Open (or create) an index file with its text file attached; None keeps it in memory.

    Raises:
        sqlite3.DatabaseError: the file is not an index of this version (or not a database).
    """
    name = str(path) if path is not None else ":memory:"
    db = sqlite3.connect(name, check_same_thread=False, timeout=30, isolation_level=None)
    try:
        db.execute("ATTACH DATABASE ? AS text", (text_file(path),))
        for schema in ("main", "text"):
            db.execute(f"PRAGMA {schema}.journal_mode=WAL")
            db.execute(f"PRAGMA {schema}.synchronous=OFF")  # a cache: rebuilt after a crash
        db.execute("PRAGMA cache_size=-32768")
        if has_table(db, "meta"):
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or int(row[0]) != SCHEMA:
                raise sqlite3.DatabaseError("index of another version")
        db.executescript(_SCHEMA_SQL)
        db.execute("SELECT count(*) FROM docs").fetchone()
        db.execute("SELECT count(*) FROM text.para WHERE id < 0").fetchone()
    except Exception:
        db.close()
        raise
    return db


def connect_text(path: Path) -> sqlite3.Connection:
    """A second connection to an index's text file, for the building thread to store text."""
    db = sqlite3.connect(text_file(path), check_same_thread=False, timeout=30, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    return db


# --- writing ---------------------------------------------------------------------------------


class Batch:
    """Paragraphs (of one or more documents) stored together, then indexed together."""

    def __init__(self, store: sqlite3.Connection, table: str, writer: Writer) -> None:
        self.store = store
        self.table = table
        self.writer = writer
        self._ids: list[int] = []
        self._bodies: list[str] = []
        self._chars = 0
        self._begun: list[tuple[int, str | bytes, int, int]] = []
        self._counts: dict[int, int] = {}
        self._ended: list[tuple[bytes, bytes, int]] = []

    def begin(self, doc_id: int, path: Path, key: tuple[int, int]) -> None:
        self._begun.append((doc_id, db_path(path), *key))
        self._counts[doc_id] = 0

    def add(self, rowid: int, body: str) -> None:
        self._ids.append(rowid)
        self._bodies.append(body)
        self._chars += len(body)
        doc_id = rowid >> 32
        self._counts[doc_id] = (rowid & 0xFFFFFFFF) + 1

    def end(self, doc_id: int, first_lines: array[int], pieces: array[int]) -> None:
        """The document is complete: its paragraphs' first lines and its pieces of long lines
        (`(paragraph, column, line length)` triples) are stored with it."""
        self._ended.append((first_lines.tobytes(), pieces.tobytes(), doc_id))

    def full(self) -> bool:
        return len(self._bodies) >= BATCH or self._chars >= BATCH_CHARS

    def flush(self) -> None:
        """Store the text (committed, so the writer's connection sees it), then send it on."""
        if not (self._bodies or self._begun or self._ended):
            return
        span = (self._ids[0], self._ids[-1]) if self._ids else None
        if self._bodies:
            self.store.execute("BEGIN")
            self.store.executemany(
                f"INSERT INTO {self.table}(id, body) VALUES (?, ?)",
                zip(self._ids, self._bodies, strict=True),
            )
            self.store.execute("COMMIT")
        self.writer.send(("batch", self._begun, span, list(self._counts.items()), self._ended))
        self._ids, self._bodies, self._begun, self._ended, self._counts = [], [], [], [], {}
        self._chars = 0


class Writer:
    """Indexes stored batches into the FTS table, in a thread of its own (or inline)."""

    def __init__(self, db: sqlite3.Connection, threaded: bool) -> None:
        self._db = db
        self._failure: BaseException | None = None
        self._queue: queue.Queue[tuple[object, ...] | None] = queue.Queue(maxsize=8)
        self._thread: threading.Thread | None = None
        if threaded:
            self._thread = threading.Thread(target=self._run, name="seedreader-index", daemon=True)
            self._thread.start()

    def send(self, message: tuple[object, ...]) -> None:
        if self._failure is not None:
            raise self._failure
        if self._thread is None:
            self._handle(message)
        else:
            self._queue.put(message)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        while (message := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._handle(message)
                except BaseException as exc:  # noqa: BLE001 - handed to the building thread
                    self._failure = exc

    def _handle(self, message: tuple[object, ...]) -> None:
        # One transaction per batch: its read of the text file sees the batches committed
        # since, and `indexed` always says which paragraphs the FTS index holds.
        db = self._db
        _, begun, span, counts, ended = message
        db.execute("BEGIN")
        try:
            db.executemany(
                "INSERT INTO docs(id, path, size, mtime_ns) VALUES (?, ?, ?, ?)",
                begun,  # type: ignore[arg-type]
            )
            if span is not None:
                db.execute(
                    "INSERT INTO fts(rowid, body) SELECT id, body FROM text.para "
                    "WHERE id BETWEEN ? AND ?",
                    span,  # type: ignore[arg-type]
                )
            db.executemany(
                "UPDATE docs SET indexed=? WHERE id=?",
                [(count, doc_id) for doc_id, count in counts],  # type: ignore[attr-defined]
            )
            db.executemany(
                "UPDATE docs SET first_lines=?, pieces=?, complete=1 WHERE id=?",
                ended,  # type: ignore[arg-type]
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def delete_rows(db: sqlite3.Connection, doc_id: int) -> None:
    """Remove a document from the index: its FTS entries, text and record, in one transaction."""
    lo, hi = document_rows(doc_id)
    db.execute("BEGIN")
    try:
        row = db.execute("SELECT indexed FROM docs WHERE id=?", (doc_id,)).fetchone()
        indexed = int(row[0]) if row is not None else 0
        if indexed:
            # A contentless FTS table forgets a row only when given its exact text again.
            db.execute(
                "INSERT INTO fts(fts, rowid, body) SELECT 'delete', id, body FROM text.para "
                "WHERE id BETWEEN ? AND ?",
                (lo, lo + indexed - 1),
            )
        db.execute("DELETE FROM text.para WHERE id BETWEEN ? AND ?", (lo, hi))
        db.execute("DELETE FROM docs WHERE id=?", (doc_id,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


# --- the vocabulary --------------------------------------------------------------------------


def compute_vocabulary(db: sqlite3.Connection) -> tuple[Vocabulary, int]:
    """The vocabulary and paragraph count from the FTS index, stored for the next start."""
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, 'row')")
    rows = db.execute("SELECT term, doc FROM temp.vocab").fetchall()
    vocab = Vocabulary.from_rows(rows)
    paragraphs = int(db.execute("SELECT count(*) FROM text.para").fetchone()[0])
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [*vocab.dump().items(), ("paragraphs", paragraphs)],
    )
    return vocab, paragraphs


def forget_vocabulary(db: sqlite3.Connection) -> None:
    """Remove the stored vocabulary (the documents indexed are about to change)."""
    keys = _VOCABULARY_KEYS
    db.execute(f"DELETE FROM meta WHERE key IN ({', '.join('?' * len(keys))})", keys)


def load_vocabulary(db: sqlite3.Connection) -> tuple[Vocabulary, int] | None:
    """The vocabulary and paragraph count `compute_vocabulary` stored, if it did."""
    keys = _VOCABULARY_KEYS
    meta = dict(
        db.execute(
            f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(keys))})", keys
        ).fetchall()
    )
    if len(meta) < len(keys):
        return None
    return Vocabulary.load(meta), int(meta["paragraphs"])


# --- reading ---------------------------------------------------------------------------------


def paragraphs_matching(
    db: sqlite3.Connection, expr: str, bounds: Bounds, limit: int
) -> list[tuple[int, str]]:
    """(row id, text) of the paragraphs matching an FTS query, in row id order (0: no limit)."""
    sql = "SELECT p.id, p.body FROM fts JOIN text.para AS p ON p.id = fts.rowid WHERE fts MATCH ?"
    args: list[object] = [expr]
    if bounds is not None:
        sql += " AND fts.rowid BETWEEN ? AND ?"
        args.extend(bounds)
    sql += " ORDER BY fts.rowid"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    return db.execute(sql, args).fetchall()


def count_matching(db: sqlite3.Connection, expr: str, bounds: Bounds, limit: int) -> int:
    """How many paragraphs match an FTS query, counting no further than `limit`."""
    sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
    args: list[object] = [expr]
    if bounds is not None:
        sql += " AND rowid BETWEEN ? AND ?"
        args.extend(bounds)
    args.append(limit)
    return int(db.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", args).fetchone()[0])
