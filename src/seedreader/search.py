"""Search: a typo-tolerant word index over documents (SQLite FTS5 + rapidfuzz), with no UI.

How it works, and why:
- Documents are cut into paragraphs (blocks between lines that hold no word; a block longer than
  `MAX_PARAGRAPH_LINES` is cut into windows of `WINDOW_LINES`). Each paragraph is one row of an
  SQLite FTS5 table: its C tokenizer and inverted index do the per-word work, far faster than
  Python could, and the index lives in the cache dir, so a warm start only opens a file.
- The vocabulary (every distinct word with the number of paragraphs holding it) is kept in
  memory. Typo tolerance is rapidfuzz's OSA distance (transpositions count as one edit) over that
  vocabulary, never over the text; the query's last word also matches as a prefix.
- FTS5 finds the candidate paragraphs that hold every query word (in some accepted form); Python
  then reads only those paragraphs to find lines, columns, phrases and proximity, and ranks.
  Exact candidates are fetched first; a very common query ranks only the first few hundred
  paragraphs in document order (`SearchResult.complete` is then False).

The index (two files: index and paragraph text) is keyed by the folder the documents share;
inside it each document is keyed by path, size and modification time, so a changed file is
re-indexed and the rest is reused.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import os
import queue
import re
import sqlite3
import threading
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from seedreader._marks import MARKS
from seedreader.documents import (
    SMALL_FILE,
    SNIFF,
    TAB_SIZE,
    BinaryFileError,
    Document,
    DocumentError,
    decode_bytes,
    is_binary,
)

__all__ = [
    "Hit",
    "IndexCancelled",
    "SearchIndex",
    "SearchResult",
    "Suggestion",
    "TermMatch",
    "max_edits",
    "normalize",
    "parse_query",
]

MAX_PARAGRAPH_LINES = 12
"""A block of text lines longer than this is not one paragraph: it is cut into windows."""
WINDOW_LINES = 4
"""Lines per window when a block is too long to be a paragraph (text without blank lines)."""
PREFIX_COMPLETIONS = 40
"""At most this many completions (the most frequent) for the word being typed."""
FUZZY_VARIANTS = 40
"""At most this many spellings tried for one misspelled word."""
CANDIDATES = 300
"""Paragraphs read per search (in document order, exact ones first) when a limit is given."""
MAX_QUERY_WORDS = 16
"""Words of a query beyond this are ignored (a pasted page is not a query)."""
SCHEMA = 2
"""Version of the index file's layout; an index of another version is rebuilt."""

_WORD = re.compile(rf"[^\W_](?:[^\W_]|[{MARKS}])*")
"""A word: letters and digits with their combining marks, as SQLite's unicode61 cuts them."""
_SEPARATOR = re.compile(r"\n(?:[^\w\n]|_)*(?=\n|\Z)")
"""A LF and a line holding no word (blank, `%`, `----`): such lines separate paragraphs."""
_BATCH = 5000
"""Paragraphs handed to SQLite at once while building."""

_COST_PREFIX = 0.25
"""Rank cost of a completion of the word being typed (an exact word costs 0, an edit 1)."""


# --- words -----------------------------------------------------------------------------------


_NORMALIZED: dict[str, str] = {}


def normalize(word: str) -> str:
    """The form words are compared in: case-folded, accents stripped ("Café" -> "cafe")."""
    if word.isascii():
        return word.lower()
    cached = _NORMALIZED.get(word)
    if cached is None:
        decomposed = unicodedata.normalize("NFKD", word.casefold())
        cached = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        cached = unicodedata.normalize("NFC", cached)
        if len(_NORMALIZED) > 200_000:
            _NORMALIZED.clear()
        _NORMALIZED[word] = cached
    return cached


def max_edits(word: str) -> int:
    """How many typos a word may carry and still match: 0 up to 3 letters, 1 up to 6, else 2."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 6 else 2


def _fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermMatch:
    """How one query word (or phrase) was matched."""

    query: str
    """The word or phrase as typed."""
    matched: str
    """The text it matched, as written in the document."""
    edits: int
    """Typos corrected (0 for exact, prefix and phrase matches)."""
    kind: str
    """"exact", "prefix", "fuzzy" or "phrase"."""

    def __str__(self) -> str:
        if self.kind == "fuzzy":
            unit = "edit" if self.edits == 1 else "edits"
            return f"{self.query} → {self.matched}, {self.edits} {unit}"
        if self.kind == "prefix":
            return f"{self.query} → {self.matched}, prefix"
        if self.kind == "phrase":
            return f'"{self.matched}"'
        return self.matched


@dataclass(frozen=True)
class Hit:
    """One matching line."""

    document: Document
    line: int
    """0-based line number."""
    column: int
    """0-based column of the first matched term on the line."""
    spans: tuple[tuple[int, int], ...]
    """(start, end) columns of every matched term on the line, end exclusive, in order."""
    score: float
    """Higher is better; only the order matters."""
    terms: tuple[TermMatch, ...]
    """How each query term was matched, in query order."""
    text: str
    """The line (unsanitized)."""


@dataclass(frozen=True)
class Suggestion:
    """A word of the library close to a query word that has no exact match ("did you mean")."""

    query: str
    word: str
    count: int
    """Paragraphs holding the word."""


@dataclass(frozen=True)
class SearchResult:
    """Ranked hits (best first, at most `limit`), suggestions and the number of hits in all."""

    hits: tuple[Hit, ...]
    suggestions: tuple[Suggestion, ...]
    total: int
    """Hits found in all; a lower bound when `complete` is False."""
    complete: bool = True
    """False when a very common query was cut short: only the first paragraphs were ranked."""


class IndexCancelled(Exception):
    """`SearchIndex.build` stopped because `cancelled()` returned True."""


# --- queries ---------------------------------------------------------------------------------


class Slot(NamedTuple):
    """One word of a query term."""

    text: str
    norm: str
    prefix: bool = False
    """The word is still being typed: completions match too."""
    fixed: bool = False
    """Inside quotes: no typo tolerance."""


class Term(NamedTuple):
    """A query word, a hyphenated or apostrophed word (its parts, adjacent) or a quoted phrase."""

    text: str
    slots: tuple[Slot, ...]
    phrase: bool = False


_QUOTED = re.compile(r'"([^"]*)"?')


def parse_query(query: str, prefix: bool = True) -> list[Term]:
    """Split a query into terms.

    Args:
        query: words, "quoted phrases", hyphenated or apostrophed words.
        prefix: let the last word match as a prefix unless the query ends with a space or quote.
    """
    terms: list[Term] = []
    pos = 0
    pieces: list[tuple[str, bool]] = []
    for m in _QUOTED.finditer(query):
        pieces.extend((chunk, False) for chunk in query[pos : m.start()].split())
        pieces.append((m.group(1), True))
        pos = m.end()
    pieces.extend((chunk, False) for chunk in query[pos:].split())
    slots_left = MAX_QUERY_WORDS
    for chunk, quoted in pieces:
        words = _WORD.findall(chunk)[:slots_left]
        if not words:
            continue
        slots_left -= len(words)
        slots = tuple(Slot(w, normalize(w), fixed=quoted) for w in words)
        text = " ".join(words) if quoted else chunk.strip(".,;:!?()[]{}<>'\"")
        terms.append(Term(text or chunk, slots, phrase=quoted))
    ends_open = bool(query) and not query[-1].isspace() and not query.endswith('"')
    if prefix and terms and ends_open and not terms[-1].phrase:
        last = terms[-1]
        slot = last.slots[-1]
        last_slots = (*last.slots[:-1], Slot(slot.text, slot.norm, prefix=True))
        terms[-1] = Term(last.text, last_slots)
    return terms


class _Variant(NamedTuple):
    """A vocabulary word accepted for a query slot."""

    norm: str
    kind: str
    edits: int
    cost: float
    paragraphs: int
    """Paragraphs holding the word."""


# --- the vocabulary --------------------------------------------------------------------------


class _Vocabulary:
    """Every indexed word, normalized, with the number of paragraphs holding it."""

    def __init__(
        self,
        words: list[str],
        counts: array[int],
        spellings: dict[str, list[str]],
        order: array[int] | None = None,
    ) -> None:
        self.words = words
        """Normalized words, sorted."""
        self.counts = counts
        self.spellings = spellings
        """The index's own tokens for a normalized word, where they differ from it."""
        if order is None:
            order = array("I", sorted(range(len(words)), key=lambda i: len(words[i])))
        self.order = order
        self.by_length = list(map(words.__getitem__, order))
        """The words by length, for fuzzy lookups among words of about the query's length."""
        lengths = list(map(len, self.by_length))
        longest = lengths[-1] if lengths else 0
        self.length_start = array("I", [bisect_left(lengths, n) for n in range(longest + 2)])
        """by_length[length_start[n]:] are the words of n letters or more."""
        self._near: dict[tuple[str, int], list[tuple[str, int]]] = {}

    @classmethod
    def from_rows(cls, rows: list[tuple[str, int]]) -> _Vocabulary:
        """From (token, paragraphs) rows of the FTS vocabulary, sorted by token."""
        counts = dict(rows)  # ASCII tokens are normalized already (unicode61 folds ASCII)
        spellings: dict[str, list[str]] = {}
        for token in [t for t in counts if not t.isascii()]:
            norm = normalize(token)
            if norm != token:
                count = counts.pop(token)
                counts[norm] = counts.get(norm, 0) + count
                spellings.setdefault(norm, []).append(token)
        for norm, found in spellings.items():
            i = bisect_left(rows, (norm,))
            if i < len(rows) and rows[i][0] == norm:
                found.insert(0, norm)  # the norm is a token of its own too
        words = sorted(counts) if spellings else list(counts)
        return cls(words, array("I", map(counts.__getitem__, words)), spellings)

    def dump(self) -> dict[str, bytes | str]:
        return {
            "words": "\n".join(self.words).encode(),
            "counts": self.counts.tobytes(),
            "spellings": json.dumps(self.spellings),
            "order": self.order.tobytes(),
        }

    @classmethod
    def load(cls, meta: dict[str, bytes]) -> _Vocabulary:
        counts, order = array("I"), array("I")
        counts.frombytes(meta["counts"])
        order.frombytes(meta["order"])
        words = meta["words"].decode().split("\n") if meta["words"] else []
        return cls(words, counts, json.loads(meta["spellings"]), order)

    def count(self, norm: str) -> int:
        i = bisect_left(self.words, norm)
        return self.counts[i] if i < len(self.words) and self.words[i] == norm else 0

    def tokens(self, norm: str) -> list[str]:
        """The FTS tokens to ask for a normalized word."""
        return self.spellings.get(norm, [norm])

    def near(self, norm: str, distance: int) -> list[tuple[str, int]]:
        """Words within `distance` edits (OSA), with their distance (a new list)."""
        key = (norm, distance)
        found = self._near.get(key)
        if found is None:
            found = self._near_uncached(norm, distance)
            if len(self._near) > 256:  # typing asks for each prefix once, then moves on
                self._near.clear()
            self._near[key] = found
        return list(found)

    def _near_uncached(self, norm: str, distance: int) -> list[tuple[str, int]]:
        if distance <= 0 or len(norm) - distance >= len(self.length_start):
            return []
        lo = self.length_start[max(len(norm) - distance, 0)]
        top = min(len(norm) + distance + 1, len(self.length_start) - 1)
        hi = self.length_start[top] if top < len(self.length_start) else len(self.by_length)
        found = process.extract(
            norm,
            self.by_length[lo:hi],
            scorer=OSA.distance,
            score_cutoff=distance,
            limit=None,
        )
        return [(word, int(d)) for word, d, _ in found if word != norm]

    def completions(self, norm: str, limit: int) -> list[str]:
        """The most frequent words starting with `norm` (itself excluded)."""
        lo = bisect_left(self.words, norm)
        hi = bisect_left(self.words, norm + "\U0010ffff", lo)
        indexes = [i for i in range(lo, hi) if self.words[i] != norm]
        if len(indexes) > limit:
            indexes = heapq.nlargest(limit, indexes, key=self.counts.__getitem__)
        return [self.words[i] for i in indexes]


# --- paragraphs ------------------------------------------------------------------------------


def iter_paragraphs(blocks: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(first line, text) of each paragraph, from (first line, text) blocks of a document.

    A block is whole lines joined with LF (no final LF). A paragraph is a run of lines that each
    hold a word; one longer than `MAX_PARAGRAPH_LINES` is cut into windows of `WINDOW_LINES`.
    Its text is its lines joined with LF, tabs expanded as the document's lines are.
    """
    carry: str | None = None
    carry_line = 0
    pending = iter(blocks)
    current = next(pending, None)
    while current is not None:
        first, text = current
        current = next(pending, None)
        if carry is not None:
            text = carry + "\n" + text
            first = carry_line
            carry = None
        # With a LF in front, every line starts after a LF and each separator line is a match.
        text = "\n" + text
        line = first
        prev = 0
        for m in _SEPARATOR.finditer(text):
            s = m.start()
            if s > prev:
                body = text[prev + 1 : s]
                breaks = body.count("\n")
                if breaks < MAX_PARAGRAPH_LINES and "\t" not in body:
                    yield line, body
                else:
                    yield from _windows(line, body)
                line += breaks + 1
            line += 1  # the separator line
            prev = m.end()
        if prev < len(text):
            if current is not None:
                carry, carry_line = text[prev + 1 :], line  # may go on in the next block
            else:
                yield from _windows(line, text[prev + 1 :])


def _windows(line: int, body: str) -> Iterator[tuple[int, str]]:
    if "\t" in body:
        body = body.expandtabs(TAB_SIZE)  # column resets at each LF, as per line
    if body.count("\n") < MAX_PARAGRAPH_LINES:
        yield line, body
        return
    lines = body.split("\n")
    for k in range(0, len(lines), WINDOW_LINES):
        yield line + k, "\n".join(lines[k : k + WINDOW_LINES])


# --- the index -------------------------------------------------------------------------------


def _index_path(documents: Sequence[Document], cache_dir: Path) -> Path:
    folders = {str(d.path.parent) for d in documents}
    common = os.path.commonpath(sorted(folders)) if folders else ""
    key = hashlib.sha1(f"{SCHEMA}\n{common}".encode()).hexdigest()[:20]
    return cache_dir / "search" / f"{key}.sqlite"


def _stat_key(document: Document) -> tuple[int, int] | None:
    try:
        st = os.stat(document.path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


_SCHEMA_SQL = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS docs(
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, size INTEGER, mtime_ns INTEGER,
    first_lines BLOB, indexed INTEGER NOT NULL DEFAULT 0, complete INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS text.para(id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    body, content='', tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0);
INSERT OR IGNORE INTO meta VALUES ('schema', {SCHEMA});
"""
"""The index file holds the documents, the vocabulary and the FTS index; the paragraphs' text
lives in a second file (attached as `text`) so that while building, one connection stores text
as another has SQLite tokenize it: two threads, neither waiting on the other's GIL."""


# Plain classes with slots rather than dataclasses: created in bulk while ranking, and a
# dataclass costs a millisecond of start-up each, which the shell command feels.


class _DocInfo:
    """An indexed document: its id in the index, paragraph first lines, place in the library."""

    __slots__ = ("document", "first_lines", "id", "position")

    def __init__(
        self, id_: int, document: Document, first_lines: array[int], position: int
    ) -> None:
        self.id = id_
        self.document = document
        self.first_lines = first_lines
        self.position = position


class _Occurrence:
    """A word of a paragraph that matches a query slot."""

    __slots__ = ("column", "end", "line", "raw", "start", "variant")

    def __init__(self, start: int, end: int, raw: str, variant: _Variant) -> None:
        self.start = start  # offset in the paragraph's text
        self.end = end
        self.raw = raw
        self.variant = variant
        self.line = 0  # line within the paragraph and column: set once the paragraph matches
        self.column = 0


class _Found:
    """The matches of one term in one paragraph (each a run of adjacent words)."""

    __slots__ = ("matches", "term")

    def __init__(self, term: int) -> None:
        self.term = term
        self.matches: list[list[_Occurrence]] = []


class SearchIndex:
    """A word index over a library of documents, cached on disk, safe to share between threads."""

    def __init__(self, db: sqlite3.Connection, path: Path | None) -> None:
        self._db = db
        self._path = path
        self._lock = threading.RLock()
        self._docs: dict[int, _DocInfo] = {}
        self._by_path: dict[Path, int] = {}
        self._vocab = _Vocabulary([], array("I"), {})
        self._paragraphs = 1
        self.errors: list[str] = []
        """One line per document that could not be indexed."""

    # -- building

    @classmethod
    def build(
        cls,
        documents: Iterable[Document],
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        cache_dir: Path | None = None,
    ) -> SearchIndex:
        """Index documents, reusing the cached index of every file that has not changed.

        Args:
            documents: the library, in its order (ties in ranking follow it).
            progress: called now and then with (bytes indexed, bytes to index).
            cancelled: polled often; when it returns True the build stops.
            cache_dir: where the index file lives (default: `seedreader.paths.cache_dir()`).
                When it cannot be written, the index is kept in memory.

        Raises:
            IndexCancelled: `cancelled()` returned True.
        """
        docs = list(documents)
        if cache_dir is None:
            from seedreader.paths import cache_dir as default_cache_dir

            cache_dir = default_cache_dir()
        index = cls._open(_index_path(docs, cache_dir))
        try:
            index._refresh(docs, progress, cancelled)
        except sqlite3.Error:
            if index.path is None:
                raise
            # The cache file failed under us (disk full, another process writing it at the
            # same moment): it is only a cache, so index in memory this time.
            index.close()
            index = cls(cls._connect(None), None)
            index._refresh(docs, progress, cancelled)
        return index

    @classmethod
    def _open(cls, path: Path) -> SearchIndex:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return cls(cls._connect(path), path)
        except (OSError, sqlite3.DatabaseError):
            pass
        # An unreadable or corrupt cache is only a cache: start it again, else go without.
        try:
            for name in _files_of(path):
                name.unlink(missing_ok=True)
            return cls(cls._connect(path), path)
        except (OSError, sqlite3.DatabaseError):
            return cls(cls._connect(None), None)

    @staticmethod
    def _connect(path: Path | None) -> sqlite3.Connection:
        name = str(path) if path is not None else ":memory:"
        db = sqlite3.connect(name, check_same_thread=False, timeout=30, isolation_level=None)
        try:
            db.execute("ATTACH DATABASE ? AS text", (_text_file(path),))
            for schema in ("main", "text"):
                db.execute(f"PRAGMA {schema}.journal_mode=WAL")
                db.execute(f"PRAGMA {schema}.synchronous=OFF")  # a cache: rebuilt after a crash
            db.execute("PRAGMA cache_size=-32768")
            if _has_table(db, "meta"):
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

    def _refresh(
        self,
        documents: list[Document],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        with self._lock:
            known = {
                Path(row[1]): row
                for row in self._db.execute(
                    "SELECT id, path, size, mtime_ns, complete, first_lines FROM docs"
                )
            }
            todo: list[tuple[Document, tuple[int, int], int]] = []
            stale: list[int] = []
            wanted: set[Path] = set()
            self._docs.clear()
            self._by_path.clear()
            for position, document in enumerate(documents):
                key = _stat_key(document)
                if key is None or document.path in wanted:
                    continue
                wanted.add(document.path)
                old = known.get(document.path)
                if old is not None and old[2:5] == (*key, 1):
                    first_lines = array("I")
                    first_lines.frombytes(old[5] or b"")
                    self._remember(old[0], document, first_lines, position)
                    continue
                todo.append((document, key, position))
                if old is not None:
                    stale.append(old[0])
            # Documents of another library sharing this folder stay while their file does.
            for path, old in known.items():
                if path not in wanted and (not old[4] or _stat_key(Document(path)) != old[2:4]):
                    stale.append(old[0])
            for doc_id in stale:
                _delete_rows(self._db, doc_id)
            self._index_documents(todo, progress, cancelled)
            if todo or stale or not self._load_vocabulary():
                self._compute_vocabulary()

    def _remember(
        self, doc_id: int, document: Document, first_lines: array[int], position: int
    ) -> None:
        self._docs[doc_id] = _DocInfo(doc_id, document, first_lines, position)
        self._by_path[document.path] = doc_id

    def _index_documents(
        self,
        todo: list[tuple[Document, tuple[int, int], int]],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        """Cut documents into paragraphs and index them.

        This thread cuts paragraphs and stores their text (second connection, `text` file)
        while a writer thread has SQLite tokenize the batches stored before into the FTS index:
        tokenizing runs in C without the GIL, so the two overlap on two cores. A batch may hold
        many small documents: one transaction each for a folder of small files would cost more
        than indexing them.
        """
        if not todo:
            return
        text_db: sqlite3.Connection | None = None
        if self._path is not None:
            text_db = sqlite3.connect(
                _text_file(self._path), check_same_thread=False, timeout=30, isolation_level=None
            )
            text_db.execute("PRAGMA synchronous=OFF")
        batch = _Batch(
            text_db if text_db is not None else self._db,
            "para" if text_db is not None else "text.para",
            _Writer(self._db, threaded=text_db is not None),
        )
        total = sum(item[1][0] for item in todo) or 1
        done = 0
        next_id = (self._db.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) + 1
        # Text left by a build that stopped before recording its documents.
        batch.store.execute(f"DELETE FROM {batch.table} WHERE id >= ?", (next_id << 32,))
        try:
            for document, key, position in todo:
                if cancelled is not None and cancelled():
                    raise IndexCancelled()
                doc_id = next_id
                next_id += 1
                batch.begin(doc_id, str(document.path), key)
                first_lines = array("I")
                base = doc_id << 32
                for line, body in iter_paragraphs(self._blocks(document, cancelled)):
                    batch.add(base + len(first_lines), body)
                    first_lines.append(line)
                    if batch.full():
                        batch.flush()
                        if progress is not None:
                            progress(min(done + _done_bytes(document), total), total)
                        if cancelled is not None and cancelled():
                            raise IndexCancelled()
                batch.end(doc_id, first_lines)
                self._remember(doc_id, document, first_lines, position)
                done += key[0]
                if progress is not None:
                    progress(min(done, total), total)
            batch.flush()
        finally:
            try:
                batch.writer.close()
            finally:
                if text_db is not None:
                    text_db.close()

    def _db_id(self, path: Path) -> int | None:
        row = self._db.execute("SELECT id FROM docs WHERE path=?", (str(path),)).fetchone()
        return None if row is None else int(row[0])

    def _blocks(
        self, document: Document, cancelled: Callable[[], bool] | None
    ) -> Iterator[tuple[int, str]]:
        """(first line, text) blocks of whole lines; an unreadable document is reported."""
        try:
            if document.size and document.size <= SMALL_FILE:
                text = _small_text(document)
                if text is not None:
                    yield 0, text
                    return
            document.load()
            if not document.is_large:
                yield 0, "\n".join(document.lines())
                return
            yield from _large_blocks(document, cancelled)
        except DocumentError as exc:
            self.errors.append(str(exc))
        except OSError as exc:
            self.errors.append(f"{document.path}: cannot read: {exc.strerror}")

    def _compute_vocabulary(self) -> None:
        self._db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, 'row')"
        )
        rows = self._db.execute("SELECT term, doc FROM temp.vocab").fetchall()
        vocab = _Vocabulary.from_rows(rows)
        paragraphs = self._db.execute("SELECT count(*) FROM text.para").fetchone()[0]
        self._db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [*vocab.dump().items(), ("paragraphs", paragraphs)],
        )
        self._vocab = vocab
        self._paragraphs = max(paragraphs, 1)

    def _load_vocabulary(self) -> bool:
        keys = ("words", "counts", "spellings", "order", "paragraphs")
        meta = dict(
            self._db.execute(
                f"SELECT key, value FROM meta WHERE key IN ({', '.join('?' * len(keys))})", keys
            ).fetchall()
        )
        if len(meta) < len(keys):
            return False
        self._vocab = _Vocabulary.load(meta)
        self._paragraphs = max(int(meta["paragraphs"]), 1)
        return True

    def update(self, document: Document) -> None:
        """Re-index one document that changed on disk (`document` is its fresh Document)."""
        with self._lock:
            old = self._by_path.get(document.path)
            position = self._docs[old].position if old is not None else len(self._docs)
            if old is not None:
                del self._docs[old]
            stale = self._db_id(document.path)
            if stale is not None:
                _delete_rows(self._db, stale)
            self._by_path.pop(document.path, None)
            key = _stat_key(document)
            if key is not None:
                self._index_documents([(document, key, position)], None, None)
            self._compute_vocabulary()

    def close(self) -> None:
        """Close the index file."""
        with self._lock:
            self._db.close()

    @property
    def documents(self) -> list[Document]:
        """The indexed documents, in library order."""
        return [info.document for info in sorted(self._docs.values(), key=lambda i: i.position)]

    @property
    def path(self) -> Path | None:
        """The index file (None when kept in memory)."""
        return self._path

    # -- searching

    def search(
        self,
        query: str,
        limit: int = 50,
        exact: bool = False,
        documents: Collection[Document] | None = None,
        prefix: bool = True,
    ) -> SearchResult:
        """Find the lines that match a query, best first.

        Args:
            query: words (all must occur in one paragraph), "quoted phrases", hyphenated words.
            limit: how many hits to return; 0 for all.
            exact: no typo tolerance and no prefix matching.
            documents: search only these documents (default: all).
            prefix: the last word, unless followed by a space, also matches as a prefix.
        """
        terms = parse_query(query, prefix=prefix and not exact)
        if not terms:
            return SearchResult((), (), 0)
        with self._lock:
            vocab = self._vocab
            variants = [
                [self._variants(slot, exact, vocab) for slot in term.slots] for term in terms
            ]
            suggestions = self._suggestions(terms, vocab)
            if any(not slot_variants for term in variants for slot_variants in term):
                return SearchResult((), tuple(suggestions), 0)
            allowed = self._scope(documents)
            if not allowed:
                return SearchResult((), tuple(suggestions), 0)
            cap = max(CANDIDATES, 2 * limit) if limit else 0
            ranked: list[tuple[tuple[float, int, int], Callable[[], Hit]]] = []
            seen: set[int] = set()
            complete = True
            for tier, expr in enumerate(self._expressions(variants)):
                if tier and limit and len(ranked) >= limit:
                    # Every line of an all-exact paragraph outranks the rest: enough found.
                    complete = False
                    break
                rows, whole = self._candidates(expr, allowed, cap)
                complete = complete and whole
                fresh = [row for row in rows if row[0] not in seen]
                seen.update(row[0] for row in fresh)
                ranked.extend(self._rank(terms, variants, fresh))
            ranked.sort(key=lambda h: h[0])
            chosen = ranked[:limit] if limit else ranked
            hits = tuple(make() for _, make in chosen)
        return SearchResult(hits, tuple(suggestions), len(ranked), complete=complete)

    def _scope(self, documents: Collection[Document] | None) -> dict[int, _DocInfo]:
        if documents is None:
            return dict(self._docs)
        allowed: dict[int, _DocInfo] = {}
        for document in documents:
            doc_id = self._by_path.get(document.path)
            if doc_id is not None:
                allowed[doc_id] = self._docs[doc_id]
        return allowed

    def _variants(self, slot: Slot, exact: bool, vocab: _Vocabulary) -> list[_Variant]:
        found: list[_Variant] = []
        own = vocab.count(slot.norm)
        if own:
            found.append(_Variant(slot.norm, "exact", 0, 0.0, own))
        if slot.prefix and not exact and not slot.fixed:
            # A letter or two has thousands of completions: only the most frequent few.
            wanted = min(PREFIX_COMPLETIONS, 5 * len(slot.norm) ** 2)
            for word in vocab.completions(slot.norm, wanted):
                found.append(_Variant(word, "prefix", 0, _COST_PREFIX, vocab.count(word)))
        if exact or slot.fixed:
            return found
        allowed = max_edits(slot.norm)
        if allowed == 0:
            return found
        near = vocab.near(slot.norm, allowed)
        if own:
            # The word exists: a typo of it only when the other word is far more common
            # (a rare misspelling in the text itself), and never for short words.
            if len(slot.norm) < 6:
                return found
            near = [(w, d) for w, d in near if vocab.count(w) >= 20 * own]
        near.sort(key=lambda wd: (wd[1], -vocab.count(wd[0])))
        seen = {v.norm for v in found}
        for word, distance in near[:FUZZY_VARIANTS]:
            if word not in seen:
                found.append(_Variant(word, "fuzzy", distance, float(distance), vocab.count(word)))
        return found

    def _suggestions(self, terms: list[Term], vocab: _Vocabulary) -> list[Suggestion]:
        out: list[Suggestion] = []
        for term in terms:
            for slot in term.slots:
                if vocab.count(slot.norm) or len(slot.norm) < 2:
                    continue
                if slot.prefix and vocab.completions(slot.norm, 1):
                    continue
                near = vocab.near(slot.norm, max(max_edits(slot.norm), 1))
                if not near and len(slot.norm) >= 5:
                    near = vocab.near(slot.norm, max_edits(slot.norm) + 1)
                near.sort(key=lambda wd: (wd[1], -vocab.count(wd[0])))
                out.extend(Suggestion(slot.text, w, vocab.count(w)) for w, _ in near[:3])
        return out

    def _expressions(self, variants: list[list[list[_Variant]]]) -> list[str]:
        """FTS queries: every term in its exact form first, then in any accepted form."""

        def expression(keep: Callable[[_Variant], bool]) -> str | None:
            groups: list[str] = []
            for slot_variants in (s for t in variants for s in t):
                tokens = [
                    tok for v in slot_variants if keep(v) for tok in self._vocab.tokens(v.norm)
                ]
                if not tokens:
                    return None
                groups.append("(" + " OR ".join(map(_fts_quote, dict.fromkeys(tokens))) + ")")
            return " AND ".join(groups)

        exact, every = expression(lambda v: v.cost == 0), expression(lambda v: True)
        return [e for e in (exact, every if every != exact else None) if e is not None]

    def _candidates(
        self, expr: str, allowed: dict[int, _DocInfo], cap: int
    ) -> tuple[list[tuple[int, str]], bool]:
        """Paragraphs matching an FTS query (the first `cap` in index order), and if that is all."""
        everything = len(allowed) == len(self._docs)
        ranges: list[tuple[int, int] | None]
        if everything or len(allowed) > 16:
            ranges = [None]
        else:
            ranges = [(d << 32, (d << 32) | 0xFFFFFFFF) for d in sorted(allowed)]
        rows: list[tuple[int, str]] = []
        complete = True
        for bounds in ranges:
            sql = (
                "SELECT p.id, p.body FROM fts JOIN text.para AS p ON p.id = fts.rowid "
                "WHERE fts MATCH ?"
            )
            args: list[object] = [expr]
            if bounds is not None:
                sql += " AND fts.rowid BETWEEN ? AND ?"
                args.extend(bounds)
            sql += " ORDER BY fts.rowid"
            if cap:
                # Rows of documents outside the scope may come first: ask for more then.
                wanted = cap if everything or bounds is not None else cap * 4
                sql += " LIMIT ?"
                args.append(wanted)
            got = self._db.execute(sql, args).fetchall()
            if cap and len(got) >= wanted:
                complete = False
            rows.extend(row for row in got if (row[0] >> 32) in allowed)
        return rows, complete

    # -- ranking

    def _rank(
        self,
        terms: list[Term],
        variants: list[list[list[_Variant]]],
        rows: list[tuple[int, str]],
    ) -> list[tuple[tuple[float, int, int], Callable[[], Hit]]]:
        lookup: dict[str, list[tuple[int, int, _Variant]]] = {}
        for t, term_variants in enumerate(variants):
            for s, slot_variants in enumerate(term_variants):
                for v in slot_variants:
                    lookup.setdefault(v.norm, []).append((t, s, v))
        # Rarer terms weigh more: a line holding the rare word beats one holding the common one.
        pattern = _variant_pattern(lookup)
        totals = [max(sum(v.paragraphs for v in term_variants[0]), 1) for term_variants in variants]
        weights = [math.log(1 + self._paragraphs / total) for total in totals]
        out: list[tuple[tuple[float, int, int], Callable[[], Hit]]] = []
        for rowid, body in rows:
            info = self._docs.get(rowid >> 32)
            if info is None:
                continue
            k = rowid & 0xFFFFFFFF
            if k >= len(info.first_lines):
                continue
            found = _match_paragraph(terms, body, lookup, pattern)
            if found is None:
                continue
            lines = body.split("\n")
            first_line = info.first_lines[k]
            out.extend(_line_hits(terms, found, lines, first_line, info, weights, totals))
        return out


_READ = 4 * 1024 * 1024
"""Bytes read at once from a large document while indexing."""


def _small_text(document: Document) -> str | None:
    """A small document's lines joined with LF, decoded as `Document.load` decodes it.

    Cheaper than loading the Document (no list of lines, no hash), which matters for folders
    of many small files. None when the file grew past the small size meanwhile.

    Raises:
        BinaryFileError: the file holds binary data.
    """
    with open(document.path, "rb") as handle:
        data = handle.read(SMALL_FILE + 1)
    if len(data) > SMALL_FILE:
        return None
    if is_binary(data[:SNIFF]):
        raise BinaryFileError(f"{document.path}: binary file, not indexed")
    text, _ = decode_bytes(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.removesuffix("\n")


def _large_blocks(
    document: Document, cancelled: Callable[[], bool] | None
) -> Iterator[tuple[int, str]]:
    """A large document as blocks of whole lines, decoded as `Document` decodes its chunks.

    Reading big blocks straight from the file skips splitting every line into a list only to
    join the lines again; line breaks (LF, CRLF, CR) count exactly as in `split_lines`.
    """
    codec = document.encoding
    with open(document.path, "rb") as handle:
        if codec == "utf-8-sig":
            handle.read(3)
            codec = "utf-8"
        line = 0
        rest = b""
        while True:
            if cancelled is not None and cancelled():
                raise IndexCancelled()
            data = handle.read(_READ)
            at_end = not data
            data = rest + data
            if not data:
                return
            cut = len(data) if at_end else data.rfind(b"\n") + 1
            if cut <= 0:
                cut = data.rfind(b"\r", 0, len(data) - 1) + 1  # a file of CR line breaks
            if cut <= 0:
                rest = data  # one line longer than a read: read on
                continue
            text = data[:cut].decode(codec, errors="replace")
            rest = data[cut:]
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            text = text.removesuffix("\n")
            yield line, text
            line += text.count("\n") + 1
            if at_end:
                return


def _done_bytes(document: Document) -> int:
    """Roughly how far into a large document indexing has got (for progress)."""
    return document.size if not document.is_large else document.size // 2


class _Batch:
    """Paragraphs (of one or more documents) stored together, then indexed together."""

    def __init__(self, store: sqlite3.Connection, table: str, writer: _Writer) -> None:
        self.store = store
        self.table = table
        self.writer = writer
        self._ids: list[int] = []
        self._bodies: list[str] = []
        self._begun: list[tuple[int, str, int, int]] = []
        self._counts: dict[int, int] = {}
        self._ended: list[tuple[bytes, int]] = []

    def begin(self, doc_id: int, path: str, key: tuple[int, int]) -> None:
        self._begun.append((doc_id, path, *key))
        self._counts[doc_id] = 0

    def add(self, rowid: int, body: str) -> None:
        self._ids.append(rowid)
        self._bodies.append(body)
        doc_id = rowid >> 32
        self._counts[doc_id] = (rowid & 0xFFFFFFFF) + 1

    def end(self, doc_id: int, first_lines: array[int]) -> None:
        self._ended.append((first_lines.tobytes(), doc_id))

    def full(self) -> bool:
        return len(self._bodies) >= _BATCH

    def flush(self) -> None:
        """Store the text (committed, so the writer's connection sees it), then send it on."""
        if not (self._bodies or self._begun or self._ended):
            return
        span = (self._ids[0], self._ids[-1]) if self._ids else None
        if self._bodies:
            self.store.execute("BEGIN")
            self.store.executemany(
                f"INSERT INTO {self.table}(id, body) VALUES (?, ?)", zip(self._ids, self._bodies)
            )
            self.store.execute("COMMIT")
        self.writer.send(("batch", self._begun, span, list(self._counts.items()), self._ended))
        self._ids, self._bodies, self._begun, self._ended, self._counts = [], [], [], [], {}


class _Writer:
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
                "UPDATE docs SET first_lines=?, complete=1 WHERE id=?",
                ended,  # type: ignore[arg-type]
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _delete_rows(db: sqlite3.Connection, doc_id: int) -> None:
    """Remove a document from the index: its FTS entries, text and record, in one transaction."""
    lo = doc_id << 32
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
        db.execute("DELETE FROM text.para WHERE id BETWEEN ? AND ?", (lo, lo | 0xFFFFFFFF))
        db.execute("DELETE FROM docs WHERE id=?", (doc_id,))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _text_file(path: Path | None) -> str:
    return ":memory:" if path is None else str(path.with_name(path.stem + "-text.sqlite"))


def _files_of(path: Path) -> list[Path]:
    """The index file, its text file and their WAL companions."""
    text = Path(_text_file(path))
    return [p.with_name(p.name + suffix) for p in (path, text) for suffix in ("", "-wal", "-shm")]


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchone()
    return row is not None


def _variant_pattern(lookup: dict[str, list[tuple[int, int, _Variant]]]) -> re.Pattern[str] | None:
    """One regex finding every accepted ASCII word, to skip the other words of ASCII paragraphs."""
    words = sorted((w for w in lookup if w.isascii()), key=len, reverse=True)
    if not words:
        return None
    alternatives = "|".join(map(re.escape, words))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


def _match_paragraph(
    terms: list[Term],
    body: str,
    lookup: dict[str, list[tuple[int, int, _Variant]]],
    pattern: re.Pattern[str] | None,
) -> list[_Found] | None:
    """Every match of every term in a paragraph, or None when a term is missing."""
    slot_hits: list[list[list[_Occurrence]]] = [[[] for _ in term.slots] for term in terms]
    words = (
        pattern.finditer(body) if pattern is not None and body.isascii() else _WORD.finditer(body)
    )
    for m in words:
        raw = m.group()
        targets = lookup.get(normalize(raw))
        if targets is not None:
            for t, s, variant in targets:
                slot_hits[t][s].append(_Occurrence(m.start(), m.end(), raw, variant))
    result: list[_Found] = []
    for t, term in enumerate(terms):
        found = _Found(t)
        if len(term.slots) == 1:
            found.matches = [[o] for o in slot_hits[t][0]]
        else:
            following = [{o.start: o for o in hits} for hits in slot_hits[t]]
            for o in slot_hits[t][0]:
                chain = [o]
                for s in range(1, len(term.slots)):
                    word = _WORD.search(body, chain[-1].end)
                    nxt = following[s].get(word.start()) if word is not None else None
                    if nxt is None:
                        break
                    chain.append(nxt)
                else:
                    found.matches.append(chain)
        if not found.matches:
            return None
        result.append(found)
    starts = [0]
    for line in body.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    for found in result:
        for match in found.matches:
            for o in match:
                o.line = bisect_right(starts, o.start) - 1
                o.column = o.start - starts[o.line]
    return result


def _match_cost(match: list[_Occurrence]) -> float:
    return sum(o.variant.cost for o in match)


def _term_match(term: Term, match: list[_Occurrence], lines: list[str]) -> TermMatch:
    first, last = match[0], match[-1]
    if first.line == last.line:
        matched = lines[first.line][first.column : last.column + last.end - last.start]
    else:
        matched = " ".join(o.raw for o in match)
    edits = sum(o.variant.edits for o in match)
    if term.phrase:
        kind = "phrase"
    elif edits:
        kind = "fuzzy"
    elif any(o.variant.kind == "prefix" for o in match):
        kind = "prefix"
    else:
        kind = "exact"
    return TermMatch(term.text, matched, edits, kind)


def _line_hits(
    terms: list[Term],
    found: list[_Found],
    lines: list[str],
    first_line: int,
    info: _DocInfo,
    weights: list[float],
    totals: list[int],
) -> Iterator[tuple[tuple[float, int, int], Callable[[], Hit]]]:
    """One hit per line of the paragraph holding a match, as (sort key, maker of the Hit).

    Score, most important first: typos and completions (cost), the weight of the terms on the
    line (more terms, rarer terms), how close they stand, how common the matched spelling is.
    A term missing from the line counts with its best form elsewhere in the paragraph.
    """
    n_terms = len(terms)
    weight_sum = sum(weights) or 1.0
    best: list[tuple[float, list[_Occurrence]]] = []
    by_line: dict[int, dict[int, tuple[float, list[_Occurrence]]]] = {}
    all_on_line: dict[int, list[tuple[int, list[_Occurrence]]]] = {}
    for f in found:
        costed = [(_match_cost(m), m) for m in f.matches]
        best.append(min(costed, key=lambda cm: cm[0]))
        for cost, match in costed:
            line_no = match[0].line
            mine = by_line.setdefault(line_no, {})
            if f.term not in mine or cost < mine[f.term][0]:
                mine[f.term] = (cost, match)
            all_on_line.setdefault(line_no, []).append((f.term, match))
    for line_no, mine in by_line.items():
        cost = sum(mine[t][0] if t in mine else best[t][0] for t in range(n_terms))
        share = sum(weights[t] for t in mine) / weight_sum
        proximity = 1.0 if n_terms == 1 else _proximity(all_on_line[line_no], len(mine))
        popularity = (
            sum(min(m[0].variant.paragraphs / totals[t], 1.0) for t, (_, m) in mine.items())
            / n_terms
        )
        score = round(10_000 - 1_000 * cost + 100 * share + 10 * proximity + popularity, 4)
        chosen = [mine[t][1] if t in mine else best[t][1] for t in range(n_terms)]
        maker = partial(
            _make_hit, terms, chosen, all_on_line[line_no], lines, line_no, first_line, info, score
        )
        yield (-score, info.position, first_line + line_no), maker


def _make_hit(
    terms: list[Term],
    chosen: list[list[_Occurrence]],
    on_line: list[tuple[int, list[_Occurrence]]],
    lines: list[str],
    line_no: int,
    first_line: int,
    info: _DocInfo,
    score: float,
) -> Hit:
    spans = sorted({span for _, m in on_line for span in _spans(m, line_no)})
    return Hit(
        document=info.document,
        line=first_line + line_no,
        column=spans[0][0],
        spans=tuple(_merge(spans)),
        score=score,
        terms=tuple(_term_match(term, chosen[t], lines) for t, term in enumerate(terms)),
        text=lines[line_no],
    )


def _spans(match: list[_Occurrence], line_no: int) -> list[tuple[int, int]]:
    """A phrase or hyphenated word is one span ("Libya's", "air strikes") when on one line."""
    first, last = match[0], match[-1]
    if first.line == last.line == line_no:
        return [(first.column, last.column + last.end - last.start)]
    return [(o.column, o.column + o.end - o.start) for o in match if o.line == line_no]


def _proximity(on_line: list[tuple[int, list[_Occurrence]]], wanted: int) -> float:
    """1 when the terms on the line stand next to each other, less the more words between."""
    if wanted < 2:
        return 0.0
    points = sorted((m[0].start, m[-1].end, t) for t, m in on_line)
    best = math.inf
    counts: dict[int, int] = {}
    left = 0
    for _, end, t in points:
        counts[t] = counts.get(t, 0) + 1
        while len(counts) == wanted:
            start, _, lt = points[left]
            best = min(best, end - start)
            counts[lt] -= 1
            if not counts[lt]:
                del counts[lt]
            left += 1
    lengths: dict[int, int] = {}
    for start, end, t in points:
        lengths[t] = min(lengths.get(t, end - start), end - start)
    gap = max(int(best) - sum(lengths.values()), 0)
    return 1.0 / (1.0 + gap / 6)  # about one word per 6 characters


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
