"""`SearchIndex`: builds and refreshes the index of a library, and answers queries.

Documents are cut into paragraphs (`paragraphs`), stored in SQLite FTS5 (`store`), and looked up
through an in-memory vocabulary (`vocabulary`); FTS5 finds candidate paragraphs and `ranking`
reads them. Exact candidates are fetched first; a very common query ranks only the first few
hundred paragraphs in document order, and counts the rest when there are not too many
(`SearchResult.complete` is False when it could not count them all).
"""

from __future__ import annotations

import sqlite3
import threading
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import islice
from pathlib import Path

from seedreader.documents import Document, DocumentError
from seedreader.pathnames import db_path, path_from_db, show_path
from seedreader.search import store
from seedreader.search.paragraphs import iter_rows
from seedreader.search.query import Term, fts_quote, parse_query
from seedreader.search.ranking import DocInfo, Ranker, SearchCancelled, SortKey
from seedreader.search.results import Hit, SearchResult
from seedreader.search.vocabulary import Variant, Vocabulary

CANDIDATES = 300
"""Paragraphs read per search (in document order, exact ones first) when a limit is given."""
COUNTED = 1000
"""Paragraphs a search with a limit reads at most to count its hits exactly."""
RANKED_CHARS = 256_000
"""Characters of candidate paragraphs a search with a limit ranks at most per FTS query (rows
full of matches, the pieces of a long line of the same words, cost the most)."""
COUNTED_CHARS = 1_000_000
"""Characters of paragraphs a search with a limit reads at most to count its hits exactly."""
_RANGES = 16
"""A scope of more documents (when counting: runs of consecutive documents) than this is
filtered in Python rather than in SQL."""


class IndexCancelled(Exception):
    """`SearchIndex.build` stopped because `cancelled()` returned True."""


class SearchIndex:
    """A word index over a library of documents, cached on disk, safe to share between threads."""

    def __init__(self, db: sqlite3.Connection, path: Path | None) -> None:
        self._db = db
        self._path = path
        self._lock = threading.RLock()
        self._docs: dict[int, DocInfo] = {}
        self._by_path: dict[str, int] = {}
        """Document ids by `str(path)` (hashing 10,000 Paths costs more than opening the index)."""
        self._vocab = Vocabulary.empty()
        self._paragraphs = 1
        self._cached = store.Blocks()
        """Blocks of text decompressed lately (emptied whenever the index changes)."""
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
        scanned: bool = False,
    ) -> SearchIndex:
        """Index documents, reusing the cached index of every file that has not changed.

        Args:
            documents: the library, in its order (ties in ranking follow it).
            progress: called now and then with (bytes indexed, bytes to index).
            cancelled: polled often; when it returns True the build stops.
            cache_dir: where the index file lives (default: `seedreader.paths.cache_dir()`).
                When it cannot be written, the index is kept in memory.
            scanned: the documents were scanned just now: a file is taken to be as the scan
                saw it (`Document.scanned`) rather than looked at again (a shell command, whose
                scan is a moment old; not a library scanned long before).

        Raises:
            IndexCancelled: `cancelled()` returned True.
        """
        docs = list(documents)
        if cache_dir is None:
            from seedreader.paths import cache_dir as default_cache_dir

            cache_dir = default_cache_dir()
        index = cls._open(store.index_path(docs, cache_dir))
        try:
            index._refresh(docs, progress, cancelled, scanned)
        except sqlite3.Error:
            if cancelled is not None and cancelled():
                index.close()
                raise IndexCancelled() from None  # interrupted (`interrupt`) while quitting
            if index.path is None:
                raise
            # The cache file failed under us (disk full, another process writing it at the
            # same moment): it is only a cache, so index in memory this time.
            index.close()
            index = cls(store.connect(None), None)
            index._refresh(docs, progress, cancelled, scanned)
        return index

    @classmethod
    def _open(cls, path: Path) -> SearchIndex:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not path.exists():
                store.remove_old_layouts(path.parent)
            return cls(store.connect(path), path)
        except (OSError, sqlite3.DatabaseError):
            pass
        # An unreadable or corrupt cache is only a cache: start it again, else go without.
        try:
            for name in store.files_of(path):
                name.unlink(missing_ok=True)
            return cls(store.connect(path), path)
        except (OSError, sqlite3.DatabaseError):
            return cls(store.connect(None), None)

    def _refresh(
        self,
        documents: list[Document],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
        scanned: bool = False,
    ) -> None:
        with self._lock:
            self._cached.clear()
            # Keyed by the stored path: no Path is made for the thousands of unchanged files.
            known = {
                row[1]: row
                for row in self._db.execute(
                    "SELECT id, path, size, mtime_ns, complete, first_lines, pieces FROM docs"
                )
            }
            todo: list[tuple[Document, tuple[int, int], int]] = []
            stale: list[int] = []
            wanted: set[str | bytes] = set()
            self._docs.clear()
            self._by_path.clear()
            for position, document in enumerate(documents):
                seen = document.scanned if scanned else None
                key = (seen[1], seen[2]) if seen is not None else store.stat_key(document)
                name = db_path(document.path)
                if key is None or name in wanted:
                    continue
                wanted.add(name)
                old = known.get(name)
                if old is not None and old[2:5] == (*key, 1):
                    self._remember(old[0], document, old[5] or b"", old[6] or b"", position)
                    continue
                todo.append((document, key, position))
                if old is not None:
                    stale.append(old[0])
            # Documents of another library sharing this folder stay while their file does.
            for name, old in known.items():
                if name not in wanted and (
                    not old[4] or store.stat_key(Document(Path(path_from_db(name)))) != old[2:4]
                ):
                    stale.append(old[0])
            if todo or stale:
                # The stored vocabulary no longer says what the index holds: a build that
                # stops (cancelled, killed) before computing it again leaves none behind.
                store.forget_vocabulary(self._db)
            for doc_id in stale:
                store.delete_rows(self._db, doc_id)
            self._index_documents(todo, progress, cancelled)
            if cancelled is not None and cancelled():
                raise IndexCancelled()
            if todo or stale or not self._load_vocabulary():
                self._vocab, paragraphs = store.compute_vocabulary(self._db)
                self._paragraphs = max(paragraphs, 1)

    def _remember(
        self,
        doc_id: int,
        document: Document,
        first_lines: array[int] | bytes,
        pieces: array[int] | bytes,
        position: int,
    ) -> None:
        """Keep an indexed document; `pieces` holds (paragraph, column, line length) triples
        (as stored: read when a search first needs them)."""
        self._docs[doc_id] = DocInfo(doc_id, document, first_lines, position, pieces)
        self._by_path[str(document.path)] = doc_id

    def _index_documents(
        self,
        todo: list[tuple[Document, tuple[int, int], int]],
        progress: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        """Cut documents into paragraphs and index them.

        This thread cuts paragraphs and compresses their text while a writer thread has SQLite
        store and tokenize the batches before (`store.Writer`): zlib and the tokenizer run in C
        without the GIL, so the two overlap on two cores. A batch may hold
        many small documents: one transaction each for a folder of small files would cost more
        than indexing them.
        """
        if not todo:
            return
        batch = store.Batch(store.Writer(self._db, threaded=self._path is not None))
        total = sum(item[1][0] for item in todo) or 1
        done = 0
        next_id = (self._db.execute("SELECT max(id) FROM docs").fetchone()[0] or 0) + 1
        try:
            for document, key, position in todo:
                if cancelled is not None and cancelled():
                    raise IndexCancelled()
                doc_id = next_id
                next_id += 1
                batch.begin(doc_id, document.path, key)
                first_lines = array("I")
                pieces = array("Q")  # (paragraph, column, line length) of each piece of a line
                base = doc_id << 32
                blocks = self._blocks(document, _Progress(progress, done, total), cancelled)
                rows = iter_rows(blocks)
                # A block's rows at a time (a small file's are all of it): a batch is flushed
                # where a block ends.
                while chunk := list(islice(rows, store.BLOCK_ROWS)):
                    lines, bodies, columns, lengths = zip(*chunk, strict=True)
                    start = len(first_lines)
                    if max(lengths) >= 0:
                        for k, (column, length) in enumerate(zip(columns, lengths, strict=True)):
                            if length >= 0:
                                pieces.extend((start + k, column, length))
                    batch.extend(base + start, bodies)
                    first_lines.extend(lines)
                    if batch.full():
                        batch.flush()
                        if cancelled is not None and cancelled():
                            raise IndexCancelled()
                batch.end(doc_id, first_lines, pieces)
                if batch.full():
                    batch.flush()
                self._remember(doc_id, document, first_lines, pieces, position)
                done += key[0]
                if progress is not None:
                    progress(min(done, total), total)
            batch.flush()
        finally:
            batch.writer.close()

    def _blocks(
        self,
        document: Document,
        progress: Callable[[int, int], None],
        cancelled: Callable[[], bool] | None,
    ) -> Iterator[tuple[int, str]]:
        """The document's text in blocks of whole lines; an unreadable document is reported."""
        try:
            # Tabs are expanded paragraph by paragraph, only where there are tabs.
            for block in document.text_blocks(progress, expand_tabs=False):
                if cancelled is not None and cancelled():
                    raise IndexCancelled()
                yield block
        except DocumentError as exc:
            self.errors.append(str(exc))
        except OSError as exc:
            self.errors.append(f"{show_path(document.path)}: cannot read: {exc.strerror}")

    def _load_vocabulary(self) -> bool:
        loaded = store.load_vocabulary(self._db)
        if loaded is None:
            return False
        self._vocab, paragraphs = loaded
        self._paragraphs = max(paragraphs, 1)
        return True

    def update(self, document: Document, cancelled: Callable[[], bool] | None = None) -> None:
        """Re-index one document that changed on disk (`document` is its fresh Document).

        Raises:
            IndexCancelled: `cancelled()` returned True; the document is left out of the index
                until the next build.
        """
        with self._lock:
            self._cached.clear()  # a document's id, and its blocks' ids, may be taken again
            store.forget_vocabulary(self._db)
            old = self._by_path.get(str(document.path))
            position = self._docs[old].position if old is not None else len(self._docs)
            if old is not None:
                del self._docs[old]
            row = self._db.execute(
                "SELECT id FROM docs WHERE path=?", (db_path(document.path),)
            ).fetchone()
            if row is not None:
                store.delete_rows(self._db, int(row[0]))
            self._by_path.pop(str(document.path), None)
            key = store.stat_key(document)
            if key is not None:
                self._index_documents([(document, key, position)], None, cancelled)
            self._vocab, paragraphs = store.compute_vocabulary(self._db)
            self._paragraphs = max(paragraphs, 1)

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
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResult:
        """Find the lines that match a query, best first.

        What one search costs is bounded whatever the query (`query.MAX_QUERY_CHARS`,
        `query.MAX_QUERY_WORDS`, the variants of a word, the rows read, the size of a row).

        Args:
            query: words (all must occur in one paragraph), "quoted phrases", hyphenated words.
            limit: how many hits to return; 0 for all.
            exact: no typo tolerance and no prefix matching.
            documents: search only these documents (default: all).
            prefix: the last word, unless followed by a space, also matches as a prefix.
            cancelled: polled between steps; when it returns True the search stops.

        Raises:
            SearchCancelled: `cancelled()` returned True (or `interrupt` was called).
        """
        terms = parse_query(query, prefix=prefix and not exact)
        if not terms:
            return SearchResult((), (), 0)
        try:
            return self._search(terms, limit, exact, documents, cancelled)
        except sqlite3.OperationalError:
            if cancelled is not None and cancelled():
                raise SearchCancelled() from None  # `interrupt` stopped a statement
            raise

    def interrupt(self) -> None:
        """Stop the SQL statements running on the index now (from any thread): the app is
        quitting and its searches and build are cancelled."""
        self._db.interrupt()

    def _search(
        self,
        terms: list[Term],
        limit: int,
        exact: bool,
        documents: Collection[Document] | None,
        cancelled: Callable[[], bool] | None,
    ) -> SearchResult:
        def check() -> None:
            if cancelled is not None and cancelled():
                raise SearchCancelled()

        with self._lock:
            check()
            vocab = self._vocab
            variants = [[vocab.variants(slot, exact) for slot in term.slots] for term in terms]
            suggestions = tuple(vocab.suggestions(terms))
            if any(not slot_variants for term in variants for slot_variants in term):
                return SearchResult((), suggestions, 0)
            allowed = self._scope(documents)
            if not allowed:
                return SearchResult((), suggestions, 0)
            cap = max(CANDIDATES, 2 * limit) if limit else 0
            ranker = Ranker(terms, variants, self._paragraphs, cancelled)
            slots = sum(len(term.slots) for term in terms)
            ranked: list[tuple[SortKey, Callable[[], Hit]]] = []
            complete = True
            expressions = self._expressions(variants, vocab)
            for tier, expr in enumerate(expressions):
                if tier and limit and len(ranked) >= limit:
                    # Every line of an all-exact paragraph outranks the rest: enough found.
                    complete = False
                    break
                check()
                rows, whole = self._candidates(expr, allowed, cap, slots)
                complete = complete and whole
                ranked.extend(ranker.rank(rows, self._docs))
            check()
            if not complete:
                # The last expression accepts every form, so it finds every paragraph.
                complete = self._count(ranker, expressions[-1], allowed)
            ranked.sort(key=lambda h: h[0])
            chosen = ranked[:limit] if limit else ranked
            hits = tuple(make() for _, make in chosen)
            total, in_documents = ranker.total, ranker.documents
        return SearchResult(hits, suggestions, total, complete=complete, documents=in_documents)

    def _scope(self, documents: Collection[Document] | None) -> dict[int, DocInfo]:
        if documents is None:
            return dict(self._docs)
        allowed: dict[int, DocInfo] = {}
        for document in documents:
            doc_id = self._by_path.get(str(document.path))
            if doc_id is not None:
                allowed[doc_id] = self._docs[doc_id]
        return allowed

    @staticmethod
    def _expressions(variants: list[list[list[Variant]]], vocab: Vocabulary) -> list[str]:
        """FTS queries: every term in its exact form first, then in any accepted form."""

        def expression(keep: Callable[[Variant], bool]) -> str | None:
            groups: list[str] = []
            for slot_variants in (s for t in variants for s in t):
                tokens = [tok for v in slot_variants if keep(v) for tok in vocab.tokens(v.norm)]
                if not tokens:
                    return None
                groups.append("(" + " OR ".join(map(fts_quote, dict.fromkeys(tokens))) + ")")
            return " AND ".join(groups)

        exact, every = expression(lambda v: v.cost == 0), expression(lambda v: True)
        return [e for e in (exact, every if every != exact else None) if e is not None]

    def _candidates(
        self, expr: str, allowed: dict[int, DocInfo], cap: int, words: int = 1
    ) -> tuple[list[tuple[int, str]], bool]:
        """Paragraphs matching an FTS query (the first `cap` in index order), and if that is all.

        With a `cap`, they hold `RANKED_CHARS` characters at most, fewer the more query `words`
        are looked for in them (each may match everywhere)."""
        everything = len(allowed) == len(self._docs)
        ranges: list[store.Bounds]
        if everything or len(allowed) > _RANGES:
            ranges = [None]
        else:
            ranges = [store.document_rows(d) for d in sorted(allowed)]
        rows: list[tuple[int, str]] = []
        complete = True
        for bounds in ranges:
            # Rows of documents outside the scope may come first: ask for more then.
            wanted = cap if everything or bounds is not None else cap * 4
            got = store.paragraphs_matching(self._db, expr, bounds, wanted, self._cached)
            if cap and len(got) >= wanted:
                complete = False
            rows.extend(row for row in got if (row[0] >> 32) in allowed)
        if cap:
            budget = RANKED_CHARS // max(min(words, 16), 1)
            chars = 0
            for n, (_, body) in enumerate(rows):
                chars += len(body)
                if chars > budget and n:
                    return rows[:n], False
        return rows, complete

    def _count(self, ranker: Ranker, expr: str, allowed: dict[int, DocInfo]) -> bool:
        """Count the hits of the paragraphs not ranked, unless there are more than `COUNTED`.

        Returns whether every hit in the scope was counted.
        """
        ranges: list[store.Bounds] = list(_runs(sorted(allowed)))
        wanted = COUNTED + 1
        if len(ranges) > _RANGES:
            # Rows of documents outside the scope are counted too: allow for some.
            ranges, wanted = [None], COUNTED * 4
        # Counting rows in SQLite costs far less than reading them: give up before reading.
        if sum(store.count_matching(self._db, expr, b, wanted) for b in ranges) >= wanted:
            return False
        rows = [
            row
            for bounds in ranges
            for row in store.paragraphs_matching(self._db, expr, bounds, 0, self._cached)
            if (row[0] >> 32) in allowed
        ]
        if len(rows) > COUNTED or sum(len(body) for _, body in rows) > COUNTED_CHARS:
            return False
        ranker.count(rows, self._docs)
        return True


class _Progress:
    """Bytes indexed in all, from the bytes read of the document being indexed."""

    def __init__(self, report: Callable[[int, int], None] | None, done: int, total: int) -> None:
        self._report = report
        self._done = done
        self._total = total

    def __call__(self, read: int, size: int) -> None:
        del size
        if self._report is not None:
            self._report(min(self._done + read, self._total), self._total)


def _runs(doc_ids: list[int]) -> list[tuple[int, int]]:
    """Row id ranges covering the documents, consecutive documents in one range (ids sorted)."""
    runs: list[tuple[int, int]] = []
    for doc_id in doc_ids:
        lo, hi = store.document_rows(doc_id)
        if runs and runs[-1][1] + 1 == lo:
            runs[-1] = (runs[-1][0], hi)
        else:
            runs.append((lo, hi))
    return runs
