"""The index's SQLite file: connecting, where it lives, the schema, writing and deleting rows.

Each paragraph is one row of an SQLite FTS5 table: its C tokenizer and inverted index do the
per-word work, far faster than Python could, and the index lives in the cache dir, so a warm
start only opens a file. The index is keyed by the folder the documents share; inside it each
document is keyed by path, size and modification time. A paragraph's row id is its document's
id shifted left by 32 bits plus its number in the document. A path is stored as
`pathnames.db_path` gives it (a BLOB when the name is not valid UTF-8: file names are bytes).

The FTS table is contentless (it holds the words, not the text: `detail=none`, no column
sizes); the paragraphs' text, which ranking reads back for the few candidate rows, is kept
compressed (zlib) in blocks of `BLOCK_ROWS` consecutive rows of a document: English text
shrinks to about 40%, so the whole cache is smaller than the text it indexes, and a candidate
costs the decompression of a few kilobytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import sqlite3
import sys
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import accumulate
from pathlib import Path

from seedreader.documents import Document
from seedreader.pathnames import db_path, path_bytes
from seedreader.search.vocabulary import Vocabulary

SCHEMA = 4
"""Version of the index file's layout; an index of another version is rebuilt (its file has
another name, and a file claiming another version is started again)."""
BLOCK_ROWS = 32
"""Rows of a document compressed together (a power of two): block ids are row ids with the
low bits cleared, so the block of a row is found without a search."""
_BLOCK_MASK = ~(BLOCK_ROWS - 1)
COMPRESSION = 1
"""zlib level: 1 compresses text to about 41% at about 90 MB/s, 6 to 37% at half the speed."""
_WBITS = -13
"""Raw deflate with an 8 KiB window: as small as a block, so a small file's block costs a
third less to compress than with zlib's defaults, for the same size."""
BATCH = 4096
"""Paragraphs handed to SQLite at once while building (a multiple of `BLOCK_ROWS`)."""
BATCH_CHARS = 1_000_000
"""Characters of text handed to SQLite at once at most while building (a batch of pieces of a
very long line holds fewer rows)."""
QUEUED = 2
"""Batches waiting for the writer thread at most: what the build holds in memory is bounded."""
CACHE_KIB = 8192
"""SQLite's page cache (KiB): the FTS index is read through the OS's file cache anyway, and
the build's peak memory counts every page kept."""

CACHED_CHARS = 4_000_000
"""Characters of decompressed blocks a search index keeps for the next searches (`Blocks`)."""

PAGE_SIZE = 16384
"""SQLite page size of a new index file (bytes)."""

_SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER,
    first_lines BLOB, pieces BLOB, indexed INTEGER NOT NULL DEFAULT 0,
    complete INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS text(id INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0);
INSERT OR IGNORE INTO meta VALUES ('schema', {SCHEMA});
"""
"""`docs`: one row per document; `text`: the paragraphs' text, compressed in blocks (`pack`);
`fts`: the word index; `meta`: the schema version and the stored vocabulary."""

_VOCABULARY_KEYS = ("words", "counts", "spellings", "order", "paragraphs")

Bounds = tuple[int, int] | None
"""A range of paragraph row ids (both ends included), or None for all of them."""


def document_rows(doc_id: int) -> tuple[int, int]:
    """The range of row ids a document's paragraphs may take."""
    return doc_id << 32, (doc_id << 32) | 0xFFFFFFFF


# --- blocks of text --------------------------------------------------------------------------


def pack(bodies: Sequence[str]) -> bytes:
    """Consecutive rows' text as one compressed block: the count, each row's length in
    characters (little-endian 32-bit), then the text in UTF-8 (`unpack` reverses it)."""
    lengths = array("I", [len(body) for body in bodies])
    if sys.byteorder != "little":  # pragma: no cover - the cache is read where it is written
        lengths.byteswap()
    head = len(bodies).to_bytes(4, "little") + lengths.tobytes()
    data = head + "".join(bodies).encode("utf-8", "surrogatepass")
    return zlib.compress(data, COMPRESSION, _WBITS)


def unpack(data: bytes, wanted: Iterable[int] | None = None) -> dict[int, str]:
    """The rows of a block (number in the block -> text): all, or only the `wanted` ones.

    Raises:
        sqlite3.DatabaseError: the block is not one `pack` wrote (a damaged cache).
    """
    text, ends = _unpack(data)
    numbers = range(len(ends)) if wanted is None else wanted
    return {k: text[ends[k - 1] if k else 0 : ends[k]] for k in numbers if 0 <= k < len(ends)}


def _unpack(data: bytes) -> tuple[str, list[int]]:
    """A block's text and where each of its rows ends in it (in characters)."""
    try:
        raw = zlib.decompress(data, _WBITS)
        count = int.from_bytes(raw[:4], "little")
        lengths = array("I")
        lengths.frombytes(raw[4 : 4 + 4 * count])
        if sys.byteorder != "little":  # pragma: no cover
            lengths.byteswap()
        text = raw[4 + 4 * count :].decode("utf-8", "surrogatepass")
    except (zlib.error, ValueError) as exc:
        raise sqlite3.DatabaseError(f"damaged search index: {exc}") from None
    ends = list(accumulate(lengths))
    if len(ends) != count or (ends and ends[-1] != len(text)):
        raise sqlite3.DatabaseError("damaged search index: a block of text does not add up")
    return text, ends


class Blocks:
    """Blocks of text read lately, decompressed: typing a query reads the same candidate
    paragraphs keystroke after keystroke (the first ones of a large file for a short prefix),
    and decompressing their blocks again would cost most of a search. Holds `CACHED_CHARS`
    characters at most; emptied whenever the index changes (`clear`)."""

    def __init__(self, limit: int = 0) -> None:
        self._limit = limit if limit > 0 else CACHED_CHARS
        self._blocks: OrderedDict[int, tuple[str, list[int]]] = OrderedDict()
        self._chars = 0

    def clear(self) -> None:
        self._blocks.clear()
        self._chars = 0

    def get(self, block: int) -> tuple[str, list[int]] | None:
        found = self._blocks.get(block)
        if found is not None:
            self._blocks.move_to_end(block)
        return found

    def put(self, block: int, unpacked: tuple[str, list[int]]) -> None:
        size = len(unpacked[0])
        if size > self._limit:
            return
        old = self._blocks.pop(block, None)
        if old is not None:
            self._chars -= len(old[0])
        self._blocks[block] = unpacked
        self._chars += size
        while self._chars > self._limit:
            _, dropped = self._blocks.popitem(last=False)
            self._chars -= len(dropped[0])


def read_rows(
    db: sqlite3.Connection, rowids: Sequence[int], cache: Blocks | None = None
) -> list[tuple[int, str]]:
    """(row id, text) of the rows, in the order given (rows with no stored text left out).

    Blocks found in `cache` are not read again; those read are added to it."""
    wanted: dict[int, list[int]] = {}
    for rowid in rowids:
        wanted.setdefault(rowid & _BLOCK_MASK, []).append(rowid & (BLOCK_ROWS - 1))
    bodies: dict[int, str] = {}
    missing: list[int] = []
    for block, numbers in wanted.items():
        found = cache.get(block) if cache is not None else None
        if found is None:
            missing.append(block)
            continue
        _take(bodies, block, numbers, found)
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        sql = f"SELECT id, data FROM text WHERE id IN ({', '.join('?' * len(chunk))})"
        for block, data in db.execute(sql, chunk):
            unpacked = _unpack(data)
            if cache is not None:
                cache.put(block, unpacked)
            _take(bodies, block, wanted[block], unpacked)
    return [(rowid, bodies[rowid]) for rowid in rowids if rowid in bodies]


def _take(
    bodies: dict[int, str], block: int, numbers: list[int], unpacked: tuple[str, list[int]]
) -> None:
    text, ends = unpacked
    for k in numbers:
        if k < len(ends):
            bodies[block + k] = text[ends[k - 1] if k else 0 : ends[k]]


# --- files and connections -------------------------------------------------------------------


def index_path(documents: Sequence[Document], cache_dir: Path) -> Path:
    """The index file of a library: one per folder the documents share."""
    folders = {os.path.dirname(d.path) for d in documents}  # no Path made: 10,000 cost 10 ms
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


def files_of(path: Path) -> list[Path]:
    """The index file and its WAL companions."""
    return [path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm")]


def remove_old_layouts(folder: Path) -> None:
    """Delete the caches of the layout before `SCHEMA` 4 (an index file and a `-text` file
    with the paragraphs): no version reads them any more, and they are larger than the text."""
    try:
        names = [p for p in folder.iterdir() if p.name.endswith("-text.sqlite")]
    except OSError:
        return
    for text in names:
        index = text.with_name(text.name.removesuffix("-text.sqlite") + ".sqlite")
        for name in (*files_of(index), *files_of(text)):
            with contextlib.suppress(OSError):
                name.unlink(missing_ok=True)


def has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return row is not None


def connect(path: Path | None) -> sqlite3.Connection:
    """Open (or create) an index file; None keeps it in memory.

    Raises:
        sqlite3.DatabaseError: the file is not an index of this version (or not a database).
    """
    name = str(path) if path is not None else ":memory:"
    db = sqlite3.connect(name, check_same_thread=False, timeout=30, isolation_level=None)
    try:
        # Before anything is written: on larger pages the blocks of text (a few kilobytes
        # each) fill the pages rather than one a page (no effect on an existing file).
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a cache: rebuilt after a crash
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        if has_table(db, "meta"):
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or int(row[0]) != SCHEMA:
                raise sqlite3.DatabaseError("index of another version")
        db.executescript(_SCHEMA_SQL)
        db.execute("SELECT count(*) FROM docs").fetchone()
        db.execute("SELECT count(*) FROM text WHERE id < 0").fetchone()
    except Exception:
        db.close()
        raise
    return db


# --- writing ---------------------------------------------------------------------------------


_ROWS = "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)"
_INSERT_ROWS = f"INSERT INTO fts(rowid, body) {_ROWS}"
_DELETE_ROWS = f"INSERT INTO fts(fts, rowid, body) SELECT 'delete', * FROM ({_ROWS})"


def rows_json(ids: Iterable[int], bodies: Iterable[str]) -> str:
    """Rows for the FTS table as one JSON array of [row id, text] pairs (`_INSERT_ROWS`).

    One statement per batch, run in C from start to end: row by row from Python, the writer
    thread would wait for the GIL after every row while the building thread holds it. Rows
    are deleted through the same JSON (`_DELETE_ROWS`), so the FTS index is given the very
    text it was given when they were added, as a contentless table needs.
    """
    return json.dumps(list(zip(ids, bodies, strict=True)))  # ASCII: the fastest encoder


class Batch:
    """Paragraphs (of one or more documents) compressed, then stored and indexed together.

    Runs in the building thread; `flush` compresses the text (zlib lets go of the GIL) and hands
    the batch to the `Writer`, whose thread has SQLite store and tokenize it.
    """

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._ids: list[int] = []
        self._bodies: list[str] = []
        self._chars = 0
        self._docs: dict[int, list[object]] = {}
        """Documents begun in this batch: their `docs` row (id, path, size, mtime_ns,
        first_lines, pieces, indexed, complete), filled in as they go."""
        self._ended: dict[int, tuple[bytes, bytes, int]] = {}
        self._current: int | None = None
        """The document being added (None between documents)."""

    def begin(self, doc_id: int, path: Path, key: tuple[int, int]) -> None:
        self._docs[doc_id] = [doc_id, db_path(path), *key, None, None, 0, 0]
        self._current = doc_id

    def extend(self, first: int, bodies: Sequence[str]) -> None:
        """Add rows of the document begun, with row ids from `first` on."""
        self._ids.extend(range(first, first + len(bodies)))
        self._bodies.extend(bodies)
        self._chars += sum(map(len, bodies))

    def end(self, doc_id: int, first_lines: array[int], pieces: array[int]) -> None:
        """The document is complete: its paragraphs' first lines and its pieces of long lines
        (`(paragraph, column, line length)` triples) are stored with it."""
        self._ended[doc_id] = (first_lines.tobytes(), pieces.tobytes(), len(first_lines))
        self._current = None

    def full(self) -> bool:
        """Time to flush: enough text, and the last row ends a block, or its document ended
        (a block is written once, whole, so it never straddles two batches)."""
        if len(self._ids) < BATCH and self._chars < BATCH_CHARS:
            return False
        return self._current is None or (self._ids[-1] + 1) % BLOCK_ROWS == 0

    def flush(self) -> None:
        """Compress the text into blocks and send the batch on (call it between documents,
        or when `full`)."""
        if not (self._bodies or self._docs or self._ended):
            return
        blocks: list[tuple[int, bytes]] = []
        ids, bodies = self._ids, self._bodies
        start = 0
        while start < len(ids):
            block = ids[start] & _BLOCK_MASK
            end = start + 1
            while end < len(ids) and ids[end] & _BLOCK_MASK == block:
                end += 1
            blocks.append((block, pack(bodies[start:end])))
            start = end
        # How many rows of each document the index holds after this batch: all of one that
        # ended, up to the last row here of the one being added.
        counts = {doc_id: ended[2] for doc_id, ended in self._ended.items()}
        current = self._current
        if current is not None and ids and ids[-1] >> 32 == current:
            counts[current] = (ids[-1] & 0xFFFFFFFF) + 1
        # The documents begun here are inserted whole; one begun in an earlier batch (a large
        # file) is updated: how far it is indexed, and whether it is complete.
        new: list[list[object]] = []
        for doc_id, row in self._docs.items():
            row[6] = counts.pop(doc_id, 0)
            ended = self._ended.pop(doc_id, None)
            if ended is not None:
                row[4], row[5], row[7] = ended[0], ended[1], 1
            new.append(row)
        updates = [
            (count, *self._ended.pop(doc_id, (None, None, 0))[:2], doc_id)
            for doc_id, count in counts.items()
        ]
        rows = rows_json(ids, bodies)
        self.writer.send(("batch", new, blocks, rows, updates))
        self._ids, self._bodies, self._docs, self._ended = [], [], {}, {}
        self._chars = 0


_PARAMETERS = 900
"""Parameters of one statement at most (SQLite allows at least 999)."""


def insert_many(db: sqlite3.Connection, table: str, rows: Sequence[Sequence[object]]) -> None:
    """Insert rows with a few statements of many rows each, not one a row: from the writer
    thread, every statement waits for the GIL after it ran, while the building thread holds
    it (one a row, thousands of small files would cost more to insert than to index)."""
    if not rows:
        return
    width = len(rows[0])
    step = max(_PARAMETERS // width, 1)
    values = "(" + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), step):
        chunk = rows[start : start + step]
        sql = f"INSERT INTO {table} VALUES " + ", ".join([values] * len(chunk))
        db.execute(sql, [value for row in chunk for value in row])


class Writer:
    """Stores and indexes batches into the index file, in a thread of its own (or inline).

    SQLite tokenizes in C without the GIL, so the building thread cuts and compresses the next
    batch meanwhile, on the other core. At most `QUEUED` batches wait.
    """

    def __init__(self, db: sqlite3.Connection, threaded: bool) -> None:
        self._db = db
        self._failure: BaseException | None = None
        self._queue: queue.Queue[tuple[object, ...] | None] = queue.Queue(maxsize=QUEUED)
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
        # One transaction per batch: `indexed` always says which paragraphs the FTS index and
        # the text blocks hold.
        db = self._db
        _, new, blocks, rows, updates = message
        db.execute("BEGIN")
        try:
            insert_many(
                db,
                "docs(id, path, size, mtime_ns, first_lines, pieces, indexed, complete)",
                new,  # type: ignore[arg-type]
            )
            insert_many(db, "text(id, data)", blocks)  # type: ignore[arg-type]
            db.execute(_INSERT_ROWS, (rows,))
            db.executemany(
                "UPDATE docs SET indexed=coalesce(?, indexed), first_lines=coalesce(?, "
                "first_lines), pieces=coalesce(?, pieces), complete=complete OR ? IS NOT NULL "
                "WHERE id=?",
                [(n, lines, pieces, lines, doc_id) for n, lines, pieces, doc_id in updates],  # type: ignore[attr-defined]
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
            # Every block stored was indexed with it, in one transaction.
            blocks = db.execute(
                "SELECT id, data FROM text WHERE id BETWEEN ? AND ?", (lo, hi)
            ).fetchall()
            for block, data in blocks:
                texts = unpack(data)
                db.execute(_DELETE_ROWS, (rows_json([block + k for k in texts], texts.values()),))
        db.execute("DELETE FROM text WHERE id BETWEEN ? AND ?", (lo, hi))
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
    paragraphs = int(db.execute("SELECT total(indexed) FROM docs").fetchone()[0])
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
    db: sqlite3.Connection, expr: str, bounds: Bounds, limit: int, cache: Blocks | None = None
) -> list[tuple[int, str]]:
    """(row id, text) of the paragraphs matching an FTS query, in row id order (0: no limit)."""
    sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
    args: list[object] = [expr]
    if bounds is not None:
        sql += " AND rowid BETWEEN ? AND ?"
        args.extend(bounds)
    sql += " ORDER BY rowid"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    return read_rows(db, [row[0] for row in db.execute(sql, args)], cache)


def count_matching(db: sqlite3.Connection, expr: str, bounds: Bounds, limit: int) -> int:
    """How many paragraphs match an FTS query, counting no further than `limit`."""
    sql = "SELECT rowid FROM fts WHERE fts MATCH ?"
    args: list[object] = [expr]
    if bounds is not None:
        sql += " AND rowid BETWEEN ? AND ?"
        args.extend(bounds)
    args.append(limit)
    return int(db.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", args).fetchone()[0])
