"""The search engine against hostile input: file names that are not UTF-8, naughty queries,
a line of megabytes, cancelling (issue 10)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedreader.documents import Document
from seedreader.lazy_index import LazyIndex
from seedreader.search import (
    MAX_CHARS,
    IndexCancelled,
    SearchCancelled,
    SearchIndex,
    iter_rows,
    parse_query,
    store,
)
from seedreader.search import query as query_module
from seedreader.search.results import Hit
from tests.hostile import long_line

HANG = 5.0
"""Seconds a search may take before it counts as a hang (typing wants milliseconds)."""
BAD_NAME = os.fsdecode(b"bad\xff\xfe.txt")
"""A file name that is not valid UTF-8: Python holds it with lone surrogates."""

NAUGHTY_QUERIES = [
    "a" + "\u0301" * 200,  # one letter and 200 combining accents
    "d" + "\u0301" * 200,
    "e" + "\u0300\u0301\u0302" * 70,
    "a" * 10_000,
    "Z" + "".join(chr(c) for c in range(0x300, 0x370)) * 3,  # zalgo
    " ".join(["ab"] * 500),
    " ".join(f"w{i}" for i in range(2000)),
    '"' * 501,
    "lorem " * 300,
    "\u202e" * 100 + "amet",
    "-" * 1000 + "dolor",
    "\x00\x1b[2J\x07 sit",
    "𝕒" * 3000,
    "ipsum-dolor-sit-amet-" * 50,
    "l'o'r'e'm" * 100,
]


def timed_search(index: SearchIndex, query: str, **options: object) -> float:
    started = time.monotonic()
    index.search(query, **options)  # type: ignore[arg-type]
    return time.monotonic() - started


# --- file names that are not valid UTF-8 ---------------------------------------------------


def bad_name_folder(folder: Path) -> tuple[Document, Document]:
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / BAD_NAME
    bad.write_text("hello world\nthe gaddafi line\n")
    good = folder / "good.txt"
    good.write_text("another gaddafi here\n")
    return Document(bad), Document(good)


def test_a_name_that_is_not_utf8_is_indexed_found_and_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad, good = bad_name_folder(tmp_path / "docs")
    index = SearchIndex.build([bad, good], cache_dir=tmp_path / "cache")
    assert index.errors == []
    found = {(hit.document.path, hit.line) for hit in index.search("gaddafi").hits}
    assert found == {(bad.path, 1), (good.path, 0)}
    index.close()

    # The next run reads the index, not the files: the stored name is the same name.
    reads: list[Path] = []
    text_blocks = Document.text_blocks

    def counting(self: Document, *args: object, **kwargs: object) -> Iterator[tuple[int, str]]:
        reads.append(self.path)
        return text_blocks(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Document, "text_blocks", counting)
    again = SearchIndex.build(
        [Document(bad.path), Document(good.path)], cache_dir=tmp_path / "cache"
    )
    assert reads == []
    assert len(again.search("gaddafi").hits) == 2
    # A change to that file is indexed again under its name.
    bad.path.write_text("the gaddafi line moved\n\nand a zebra\n")
    again.update(Document(bad.path))
    assert reads == [bad.path]
    assert [hit.line for hit in again.search("zebra").hits] == [2]
    assert len(again.search("gaddafi").hits) == 2
    again.close()


def test_a_folder_whose_name_is_not_utf8(tmp_path: Path) -> None:
    bad, good = bad_name_folder(tmp_path / os.fsdecode(b"dir\xe9\xff"))
    index = SearchIndex.build([bad, good], cache_dir=tmp_path / "cache")
    assert index.path is not None  # the cache file, not the in-memory fallback
    assert len(index.search("gaddafi").hits) == 2
    index.close()


def test_cli_search_finds_hits_in_a_file_named_with_bad_bytes(tmp_path: Path) -> None:
    bad_name_folder(tmp_path / "docs")
    run = subprocess.run(
        [sys.executable, "-m", "seedreader", "search", "gaddafi", str(tmp_path / "docs")],
        capture_output=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"},
    )
    out, err = run.stdout.decode(), run.stderr.decode()
    assert run.returncode == 0, err
    assert "Traceback" not in err and "Error" not in err
    lines = out.splitlines()
    assert len(lines) == 2, out
    assert any("good.txt:1:9:" in line for line in lines)
    assert any(":2:5:" in line and "bad" in line for line in lines)


def test_a_build_failure_is_reported_by_lazy_index(tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> SearchIndex:
        raise UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed")

    lazy = LazyIndex([Document(tmp_path / "a.txt")], broken)
    with pytest.raises(Exception, match="surrogates not allowed"):
        lazy.get()
    assert lazy.failure is not None and "UnicodeEncodeError" in lazy.failure
    lazy.interrupt()  # nothing built: nothing to stop


# --- a line of megabytes -------------------------------------------------------------------


def write_long_line(folder: Path, size: int = 3_000_000) -> tuple[Document, int]:
    """A file of one line of `size` bytes with the word "needle" once, near its end."""
    folder.mkdir(parents=True, exist_ok=True)
    line = long_line(size)[:-1]
    at = size - 5000
    line = line[:at] + b" needle " + line[at + 8 :]
    path = folder / "one-line.txt"
    path.write_bytes(line + b"\n")
    (folder / "small.txt").write_text("a small file about a needle\n")
    return Document(path), at + 1


def test_rows_of_a_long_line_are_bounded_pieces() -> None:
    line = ("lorem ipsum dolor " * 2000) + "x" * 10_000 + " tail"
    rows = list(iter_rows([(0, "before\n" + line + "\nafter")]))
    assert all(len(text) <= MAX_CHARS for _, text, _, _ in rows)
    pieces = [(text, column, length) for number, text, column, length in rows if number == 1]
    assert "".join(text for text, _, _ in pieces) == line  # nothing lost, nothing doubled
    assert all(length == len(line) for _, _, length in pieces)
    assert all(line[column:].startswith(text) for text, column, _ in pieces)
    # A piece ends after a character that is not part of a word, where one is near.
    assert pieces[0][0].endswith(" ")
    assert [(n, t) for n, t, _, length in rows if length < 0] == [(0, "before"), (2, "after")]


def test_a_long_paragraph_is_cut_between_lines() -> None:
    lines = [f"line {i} " + "word " * 300 for i in range(12)]  # 12 lines of 1,500 characters
    rows = list(iter_rows([(5, "\n".join(lines))]))
    assert all(len(text) <= MAX_CHARS and length == -1 for _, text, _, length in rows)
    assert "\n".join(text for _, text, _, _ in rows) == "\n".join(lines)
    for number, text, _, _ in rows:
        assert text.startswith(f"line {number - 5} ")


def test_a_long_line_is_indexed_once_in_pieces_and_searched_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, column = write_long_line(tmp_path / "docs")
    small = Document(tmp_path / "docs" / "small.txt")
    index = SearchIndex.build([document, small], cache_dir=tmp_path / "cache")
    db = index._db
    rows = [
        body
        for (data,) in db.execute("SELECT data FROM text")
        for body in store.unpack(data).values()
    ]
    assert max(map(len, rows)) <= MAX_CHARS and len(rows) > 3_000_000 // MAX_CHARS

    reads: list[Path] = []
    text_blocks = Document.text_blocks

    def counting(self: Document, *args: object, **kwargs: object) -> Iterator[tuple[int, str]]:
        reads.append(self.path)
        return text_blocks(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Document, "text_blocks", counting)
    for _ in range(2):
        hits = index.search("needle", limit=0).hits
        hit = next(h for h in hits if h.document.path == document.path)
        assert (hit.line, hit.column) == (0, column)
        assert hit.text_start <= column < hit.text_start + len(hit.text) <= hit.line_length
        window = hit.window(60)
        assert window.cut_before and window.cut_after and window.line_length == 3_000_000
        start, end = window.spans[0]
        assert window.text[start:end] == "needle"
        assert len(hit.text) <= MAX_CHARS
        assert timed_search(index, "dolor") < HANG
    index.close()
    # The next run finds it in the cache: the file is not read again.
    again = SearchIndex.build([Document(document.path), small], cache_dir=tmp_path / "cache")
    assert reads == []
    hits = again.search("needle").hits
    assert [h.column for h in hits if h.document.path == document.path] == [column]
    again.close()


def test_searching_a_long_line_costs_bounded_memory(tmp_path: Path) -> None:
    document, _ = write_long_line(tmp_path / "docs", 2_000_000)
    index = SearchIndex.build([document], cache_dir=tmp_path / "cache")
    tracemalloc.start()
    try:
        for query in ("dolor", "lorem ipsum", "ame", "dolr sit"):
            index.search(query)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The whole line as one row made hundreds of thousands of matches: about 100 MB.
    assert peak < 30_000_000
    index.close()


def test_indexing_a_long_line_keeps_memory_bounded(tmp_path: Path) -> None:
    document, _ = write_long_line(tmp_path / "docs", 2_000_000)
    tracemalloc.start()
    try:
        SearchIndex.build([document], cache_dir=tmp_path / "cache").close()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2_000_000  # a few copies of the line at most, not its words one by one


# --- naughty queries -----------------------------------------------------------------------


@pytest.fixture
def hostile_index(tmp_path: Path) -> Iterator[SearchIndex]:
    document, _ = write_long_line(tmp_path / "docs", 2_000_000)
    words = tmp_path / "docs" / "words.txt"
    words.write_text(
        "".join(f"amet{i} dolorem{i} lorem ipsum sit\n\n" for i in range(3000)),
    )
    index = SearchIndex.build([document, Document(words)], cache_dir=tmp_path / "cache")
    yield index
    index.close()


@pytest.mark.parametrize("query", NAUGHTY_QUERIES, ids=range(len(NAUGHTY_QUERIES)))
def test_a_naughty_query_returns_promptly(hostile_index: SearchIndex, query: str) -> None:
    assert timed_search(hostile_index, query) < HANG
    assert timed_search(hostile_index, query, limit=0) < HANG * 2


def test_typing_a_naughty_query_key_by_key(hostile_index: SearchIndex) -> None:
    started = time.monotonic()
    query = "d" + "\u0301" * 200
    for end in range(1, len(query) + 1, 4):
        hostile_index.search(query[:end])
    assert time.monotonic() - started < HANG * 2


def test_a_query_is_read_up_to_its_caps() -> None:
    long = " ".join(f"w{i}" for i in range(5000))
    terms = parse_query(long)
    assert sum(len(t.slots) for t in terms) == query_module.MAX_QUERY_WORDS
    assert parse_query("x" * 20_000)[0].slots[0].text == "x" * query_module.MAX_QUERY_CHARS


def test_a_term_given_twice_counts_once() -> None:
    assert len(parse_query("lorem " * 100)) == 1
    assert [t.text for t in parse_query("Lorem ipsum lorem LOREM ipsum ")] == ["Lorem", "ipsum"]
    assert len(parse_query("lorem lorem")) == 2  # the last is still being typed: a prefix
    assert len(parse_query('"lorem ipsum" lorem ipsum "lorem ipsum"')) == 3


def test_caches_stay_under_their_caps(hostile_index: SearchIndex) -> None:
    for i, query in enumerate(NAUGHTY_QUERIES * 3):
        hostile_index.search(f"{query} x{i}yz")
    for i in range(600):  # misspellings, each looked up once
        hostile_index.search(f"dolorme{i}")
    cache = query_module._NORMALIZED
    assert len(cache) <= query_module._CACHED_WORDS
    assert all(len(word) <= query_module._CACHED_WORD for word in cache)
    from seedreader.search import vocabulary

    lookups, words = hostile_index._vocab.cached
    assert lookups <= vocabulary.NEAR_CACHED and words <= vocabulary.NEAR_CACHED_WORDS


# --- cancelling ----------------------------------------------------------------------------


def test_a_cancelled_search_stops(hostile_index: SearchIndex) -> None:
    with pytest.raises(SearchCancelled):
        hostile_index.search("dolor", cancelled=lambda: True)
    polls = 0

    def later() -> bool:  # cancelled once ranking has begun
        nonlocal polls
        polls += 1
        return polls > 3

    with pytest.raises(SearchCancelled):
        hostile_index.search("dolor", limit=0, cancelled=later)
    assert polls > 3
    assert hostile_index.search("dolor", cancelled=lambda: False).hits  # still usable


def test_an_interrupted_statement_ends_the_search_as_cancelled(
    hostile_index: SearchIndex,
) -> None:
    quitting = False

    def quit_now() -> int:  # runs inside a statement, as a quit from the UI thread would
        nonlocal quitting
        quitting = True
        hostile_index.interrupt()
        return 0

    db = hostile_index._db
    db.set_progress_handler(quit_now, 100)
    try:
        with pytest.raises(SearchCancelled):
            hostile_index.search("dolor", cancelled=lambda: quitting)
        assert quitting
        # Not cancelled: an interrupted statement is an error, not an empty result.
        with pytest.raises(sqlite3.OperationalError):
            hostile_index.search("dolor", cancelled=lambda: False)
    finally:
        db.set_progress_handler(None, 0)
    assert hostile_index.search("needle").hits  # still usable


def test_a_cancelled_update_leaves_a_consistent_index(tmp_path: Path) -> None:
    document, _ = write_long_line(tmp_path / "docs", 1_000_000)
    index = SearchIndex.build([document], cache_dir=tmp_path / "cache")
    document.path.write_text("fresh words\n")
    with pytest.raises(IndexCancelled):
        index.update(Document(document.path), cancelled=lambda: True)
    index.close()
    again = SearchIndex.build([Document(document.path)], cache_dir=tmp_path / "cache")
    assert [h.text for h in again.search("fresh").hits] == ["fresh words"]
    assert again.search("needle").hits == ()
    again.close()


def test_a_piece_hit_window_is_in_line_columns() -> None:
    piece = "alpha needle beta " * 10
    hit = Hit(
        document=Document(Path("x")),
        line=0,
        column=1006,
        spans=((1006, 1012),),
        score=1.0,
        terms=(),
        text=piece,
        text_start=1000,
        line_length=50_000,
    )
    window = hit.window(30)
    assert window.start >= 1000 and window.end <= 1000 + len(piece)
    assert window.cut_before and window.cut_after and window.line_length == 50_000
    a, b = window.spans[0]
    assert window.text[a:b] == "needle"
